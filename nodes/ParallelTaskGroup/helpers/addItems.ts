import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ParallelClient } from '../../shared/transport/client';
import type { AttemptMarker } from './attempts';
import { settle } from '../../shared/settle';
import { POLICY } from '../../shared/transport/policy';
import { recordTaskGroup } from './groupRecord';
import { DEFAULT_CONCURRENT_POSTS, MAX_RUNS_PER_REQUEST } from './limits';
import { prepareRuns } from './runInput';
import type { PreparedRun } from './runInput';
import { submitPreparedRuns } from './submission';
import { shapedTool } from './toolMode';
import { asNodeError, errorForItem } from './itemErrors';
import type { ItemError } from './itemErrors';
import type { SubmittedRun } from './submission';

export interface PreparedItems {
	runs: PreparedRun[];
	failures: Map<number, ItemError>;
	itemCount: number;
}

export interface AddedItems {
	runs: Map<number, SubmittedRun>;
	failures: Map<number, ItemError>;
}

/**
 * One run input per item. An item that cannot become a run fails alone with Continue On Fail (or
 * the error output); without it, the node stops here, before anything is sent or paid for.
 */
export function prepareItems(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	marker: AttemptMarker,
): PreparedItems {
	const prepared = prepareRuns(context, items, marker.key);
	const failures = new Map<number, ItemError>();
	const runs: PreparedRun[] = [];
	for (const entry of prepared) {
		if (entry.ok) runs.push(entry.run);
		else failures.set(entry.itemIndex, entry.error);
	}
	// As a tool (1.1), a refused item is the model's answer: it reads what to do differently.
	if (failures.size && !context.continueOnFail() && !shapedTool(context))
		throw [...failures.values()][0];
	return { runs, failures, itemCount: items.length };
}

/** The settle window chosen in Options, in ms (see `reconcile`). */
export function settleWindowMs(context: IExecuteFunctions): number {
	const { defaultWindowSeconds, maxWindowSeconds } = POLICY.settle;
	const seconds = Number(
		context.getNodeParameter('options.settleWindowSeconds', 0, defaultWindowSeconds),
	);
	const bounded = Number.isFinite(seconds) ? seconds : defaultWindowSeconds;
	return Math.round(Math.min(maxWindowSeconds, Math.max(0, bounded)) * 1000);
}

/** Where the runs of this node are, and how to collect them: for errors after runs may exist. */
export function collectHint(taskGroupId: string, added: number, total: number): string {
	const runs = added === total ? `All ${total} items` : `${added} of ${total} items`;
	return `${runs} have runs in task group '${taskGroupId}'. Collect them with Get Results (Task Group ID ${taskGroupId}); Retry On Fail does not add them again.`;
}

/** Sends prepared runs to the group in batches, exactly once (see `submitPreparedRuns`). */
export async function submitItems(
	context: IExecuteFunctions,
	client: ParallelClient,
	prepared: PreparedItems,
	taskGroupId: string,
	marker: AttemptMarker,
): Promise<AddedItems> {
	const failures = new Map(prepared.failures);
	const batchSize = context.getNodeParameter('options.batchSize', 0, 1000) as number;
	const concurrency = context.getNodeParameter(
		'options.concurrency',
		0,
		DEFAULT_CONCURRENT_POSTS,
	) as number;
	const readExisting = prepared.runs.some((run) => run.userKey) || marker.isRetry;
	marker.mark(taskGroupId);
	recordTaskGroup(context, taskGroupId);
	const sent = await settle(
		async () =>
			await submitPreparedRuns(client, taskGroupId, prepared.runs, {
				batchSize: Math.min(MAX_RUNS_PER_REQUEST, Math.max(1, Math.floor(batchSize))),
				concurrency: Math.max(1, Math.floor(concurrency)),
				readExisting,
				settleWindowMs: settleWindowMs(context),
			}),
	);
	if (!sent.ok) {
		if (client.signal?.aborted) throw sent.error;
		const error = asNodeError(context.getNode(), sent.error);
		error.description =
			`${error.description ?? ''} Runs of this node may already be in task group '${taskGroupId}': Get Results on it shows them, and Retry On Fail reads the group before adding anything.`.trim();
		throw error;
	}
	const submission = sent.value;
	for (const [itemIndex, error] of submission.failures) failures.set(itemIndex, error);
	context.logger.debug('Parallel runs added', {
		taskGroupId,
		items: prepared.itemCount,
		runs: submission.runs.size,
		failures: failures.size,
		...submission.stats,
	});

	if (submission.failures.size && !context.continueOnFail()) {
		const [itemIndex, first] = [...submission.failures.entries()][0];
		const added = submission.runs.size;
		const error = errorForItem(context.getNode(), first, itemIndex);
		if (added) {
			error.description =
				`${error.description ?? ''} ${collectHint(taskGroupId, added, prepared.itemCount)}`.trim();
		}
		throw error;
	}
	return { runs: submission.runs, failures };
}

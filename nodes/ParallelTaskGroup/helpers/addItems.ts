import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ParallelClient } from '../../shared/transport/client';
import type { AttemptMarker } from './attempts';
import { MAX_RUNS_PER_REQUEST } from './limits';
import { prepareRuns } from './runInput';
import type { PreparedRun } from './runInput';
import { submitPreparedRuns } from './submission';
import { errorForItem } from './itemErrors';
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
	for (const entry of prepared) if (!entry.ok) failures.set(entry.itemIndex, entry.error);
	if (failures.size && !context.continueOnFail()) throw [...failures.values()][0];
	const runs = prepared.flatMap((entry) => (entry.ok ? [entry.run] : []));
	return { runs, failures, itemCount: items.length };
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
	const concurrency = context.getNodeParameter('options.concurrency', 0, 4) as number;
	const readExisting = prepared.runs.some((run) => run.userKey) || marker.isRetry;
	marker.mark(taskGroupId);
	const submission = await submitPreparedRuns(client, taskGroupId, prepared.runs, {
		batchSize: Math.min(MAX_RUNS_PER_REQUEST, Math.max(1, Math.floor(batchSize))),
		concurrency: Math.max(1, Math.floor(concurrency)),
		readExisting,
	});
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
		const note = added
			? ` ${added} of ${prepared.itemCount} items were added to task group '${taskGroupId}' before this; Retry On Fail will not add them twice, and Get Results collects them.`
			: '';
		const error = errorForItem(context.getNode(), first, itemIndex);
		error.description = `${error.description ?? ''}${note}`.trim();
		throw error;
	}
	return { runs: submission.runs, failures };
}

import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getRun, pollRunResult } from '../../../../shared/api';
import type { TaskRun } from '../../../../shared/models';
import { formatRun, runFailureMessage } from '../../../../shared/results';
import { statusMeaning } from '../../../../shared/statuses';
import type { ParallelClient } from '../../../../shared/transport/client';
import { pause } from '../../../../shared/transport/pause';
import { backoffDelayMs, POLICY } from '../../../../shared/transport/policy';
import { perItem } from '../../../helpers/items';
import { runIdOf } from '../shared';

/** The error for a run that will not give a result by waiting: failed, cancelled, or needing action. */
function noResultError(
	context: IExecuteFunctions,
	run: TaskRun,
	itemIndex: number,
): NodeOperationError | undefined {
	const { run_id: runId, status } = run;
	if (status === 'failed' || status === 'cancelled') {
		return new NodeOperationError(
			context.getNode(),
			`Run ${runId} ${status}: ${runFailureMessage(run)}`,
			{
				description: `Parallel could not complete this run${run.error?.ref_id ? ` (ref_id ${run.error.ref_id})` : ''}.`,
				itemIndex,
			},
		);
	}
	if (status === 'action_required') {
		return new NodeOperationError(
			context.getNode(),
			`Run ${runId} is waiting for an action (action_required)`,
			{
				description: `${statusMeaning(status)} Act on it in Parallel, then get its result again.`,
				itemIndex,
			},
		);
	}
	return undefined;
}

/**
 * Long-polls the run's result until it comes or Max Wait passes; ends within Max Wait plus the
 * policy's margin. A poll that comes back early without a result (a run in a status that has no
 * result, such as action_required) is followed by a growing pause, never by an immediate new poll.
 */
async function resultOf(
	context: IExecuteFunctions,
	client: ParallelClient,
	itemIndex: number,
): Promise<IDataObject> {
	const runId = runIdOf(context, itemIndex);
	const maxWaitSeconds = Math.max(
		0,
		context.getNodeParameter('maxWaitSeconds', itemIndex, 60) as number,
	);
	const simplify = context.getNodeParameter('simplify', itemIndex, true) as boolean;
	const deadline = Date.now() + maxWaitSeconds * 1000;
	const callDeadline = deadline + POLICY.wait.marginMs;
	for (let earlyPolls = 0; ; ) {
		const remaining = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
		const holdSeconds = Math.min(remaining, POLICY.result.longPollSeconds);
		const asked = Date.now();
		const poll = await pollRunResult(client, runId, holdSeconds, callDeadline);
		if (poll.state === 'done') return formatRun(poll.result, simplify);
		const early = Date.now() - asked < holdSeconds * 1000;
		if (poll.state === 'failedOrMissing' || early) {
			// A failed run answers 404 too, and a run that needs action has nothing to hold for: its
			// own record says which.
			const run = await getRun(client, runId, { deadline: callDeadline });
			const error = noResultError(context, run, itemIndex);
			if (error) throw error;
		}
		if (Date.now() >= deadline) break;
		if (early) {
			const delay = backoffDelayMs(earlyPolls++, POLICY.result.unfinished);
			await pause(Math.min(delay, deadline - Date.now()), client.signal);
			if (client.signal?.aborted) throw client.cancelled();
		} else {
			earlyPolls = 0;
		}
		if (Date.now() >= deadline) break;
	}
	const run = await getRun(client, runId, { deadline: callDeadline });
	if (context.getNodeParameter('options.failOnTimeout', itemIndex, false) as boolean) {
		throw new NodeOperationError(
			context.getNode(),
			`Run ${runId} was still ${run.status} after ${maxWaitSeconds} seconds`,
			{
				description:
					"Raise 'Max Wait (Seconds)', or fetch the result later. The run keeps going on Parallel's side.",
				itemIndex,
			},
		);
	}
	return {
		...formatRun({ run }, simplify),
		status_meaning: statusMeaning(run.status),
		timed_out: true,
	};
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	return await perItem(
		this,
		items,
		async (client, itemIndex) => await resultOf(this, client, itemIndex),
	);
}

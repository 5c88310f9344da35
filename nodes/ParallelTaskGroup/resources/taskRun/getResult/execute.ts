import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getRun, pollRunResult } from '../../../../shared/api';
import type { TaskRun } from '../../../../shared/models';
import { formatRun, runFailureMessage } from '../../../../shared/results';
import { statusMeaning } from '../../../../shared/statuses';
import type { ParallelClient } from '../../../../shared/transport/client';
import { pause } from '../../../../shared/transport/pause';
import { backoffDelayMs, POLICY } from '../../../../shared/transport/policy';
import { connect, perItem } from '../../../helpers/items';
import { shapedTool, toolAnswer, toolRefusal } from '../../../helpers/toolMode';
import type { RunRecord } from '../../../../shared/results';
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
type RunOutcome =
	| { state: 'done'; record: RunRecord }
	| { state: 'ended'; record: RunRecord }
	| { state: 'running'; record: RunRecord; maxWaitSeconds: number };

async function resultOf(
	context: IExecuteFunctions,
	client: ParallelClient,
	itemIndex: number,
): Promise<IDataObject> {
	const runId = runIdOf(context, itemIndex);
	const simplify = context.getNodeParameter('simplify', itemIndex, true) as boolean;
	const outcome = await waitForResult(context, client, runId, itemIndex);
	if (outcome.state === 'done') return formatRun(outcome.record, simplify);
	const { run } = outcome.record;
	if (outcome.state === 'ended') {
		const error = noResultError(context, run, itemIndex);
		if (error) throw error;
		return { ...formatRun({ run }, simplify), status_meaning: statusMeaning(run.status) };
	}
	if (context.getNodeParameter('options.failOnTimeout', itemIndex, false) as boolean) {
		throw new NodeOperationError(
			context.getNode(),
			`Run ${runId} was still ${run.status} after ${outcome.maxWaitSeconds} seconds`,
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

/** As an AI Agent tool (1.1): the answer, why there is none, or when to ask again; never a throw. */
async function toolResultOf(
	context: IExecuteFunctions,
	client: ParallelClient,
	itemIndex: number,
): Promise<IDataObject> {
	let runId: string;
	try {
		runId = runIdOf(context, itemIndex);
	} catch {
		return toolRefusal(
			'No valid run_id was given',
			"Call this tool with 'run_id' set to the run_id (trun_...) that the research tool returned.",
		);
	}
	const fullBasis = context.getNodeParameter('includeFullBasis', itemIndex, false) as boolean;
	let outcome: RunOutcome;
	try {
		outcome = await waitForResult(context, client, runId, itemIndex);
	} catch (error) {
		if (client.signal?.aborted) throw client.cancelled();
		const message = (error as Error).message ?? String(error);
		return { status: 'error', run_id: runId, error: `The run could not be read: ${message}` };
	}
	const waitedSeconds = outcome.state === 'running' ? outcome.maxWaitSeconds : 0;
	const answer = toolAnswer(runId, outcome.record, outcome.record.run.status, {
		fullBasis,
		waitedSeconds,
	});
	if (outcome.state === 'ended' && outcome.record.run.status === 'action_required') {
		answer.message = `${statusMeaning('action_required')} Tell the user; the answer can be fetched with run_id '${runId}' once it has been dealt with.`;
	}
	if (outcome.state === 'running') {
		answer.message = `The research was still running after ${waitedSeconds} s. Call this tool again later with run_id '${runId}'.`;
	}
	return answer;
}

async function waitForResult(
	context: IExecuteFunctions,
	client: ParallelClient,
	runId: string,
	itemIndex: number,
): Promise<RunOutcome> {
	const maxWaitSeconds = Math.max(
		0,
		context.getNodeParameter('maxWaitSeconds', itemIndex, 60) as number,
	);
	const deadline = Date.now() + maxWaitSeconds * 1000;
	const callDeadline = deadline + POLICY.wait.marginMs;
	for (let earlyPolls = 0; ; ) {
		const remaining = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
		const holdSeconds = Math.min(remaining, POLICY.result.longPollSeconds);
		const asked = Date.now();
		const poll = await pollRunResult(client, runId, holdSeconds, callDeadline);
		if (poll.state === 'done') return { state: 'done', record: poll.result };
		const early = Date.now() - asked < holdSeconds * 1000;
		if (poll.state === 'failedOrMissing' || early) {
			// A failed run answers 404 too, and a run that needs action has nothing to hold for: its
			// own record says which.
			const run = await getRun(client, runId, { deadline: callDeadline });
			if (run.status === 'failed' || run.status === 'cancelled' || run.status === 'action_required')
				return { state: 'ended', record: { run } };
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
	return { state: 'running', record: { run }, maxWaitSeconds };
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	if (shapedTool(this)) {
		const client = await connect(this);
		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			output.push({
				json: await toolResultOf(this, client, itemIndex),
				pairedItem: { item: itemIndex },
			});
		}
		return [output];
	}
	return await perItem(
		this,
		items,
		async (client, itemIndex) => await resultOf(this, client, itemIndex),
	);
}

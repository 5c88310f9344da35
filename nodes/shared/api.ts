import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import type {
	GroupStreamEvent,
	Metadata,
	RunStatus,
	TaskGroup,
	TaskGroupRunRequest,
	TaskGroupRunResponse,
	TaskRun,
	TaskRunInput,
	TaskRunResult,
} from './models';
import { BETA, betasForInputs } from './betas';
import { mcpHeaderValues } from './redact';
import type { ParallelClient, SubmitOutcome } from './transport/client';
import type { EventStream } from './transport/eventStream';
import { pause } from './transport/pause';
import { backoffDelayMs, POLICY } from './transport/policy';

// The Task Group endpoints, typed (notes section 2). Paths are below the version prefix.

const group = (taskGroupId: string) => `/tasks/groups/${encodeURIComponent(taskGroupId)}`;
const run = (runId: string) => `/tasks/runs/${encodeURIComponent(runId)}`;

export async function createTaskGroup(
	client: ParallelClient,
	metadata?: Metadata,
): Promise<TaskGroup> {
	return await client.request<TaskGroup>({
		method: 'POST',
		path: '/tasks/groups',
		body: metadata && Object.keys(metadata).length ? { metadata } : {},
	});
}

export async function getTaskGroup(
	client: ParallelClient,
	taskGroupId: string,
	options: { deadline?: number } = {},
): Promise<TaskGroup> {
	return await client.request<TaskGroup>({
		path: group(taskGroupId),
		subject: { taskGroupId },
		...options,
	});
}

/** One add-runs POST (at most 1,000 inputs). Never resent blindly: see `submitOnce`. */
export async function submitRuns(
	client: ParallelClient,
	taskGroupId: string,
	request: TaskGroupRunRequest,
): Promise<SubmitOutcome<TaskGroupRunResponse>> {
	const betas = betasForInputs(request.inputs);
	return await client.submitOnce<TaskGroupRunResponse>({
		path: `${group(taskGroupId)}/runs`,
		qs: { refresh_status: 'false' },
		body: request,
		subject: { taskGroupId },
		secrets: mcpHeaderValues(request.inputs),
		...(betas.length ? { betas } : {}),
	});
}

export interface RunsQuery {
	status?: RunStatus;
	includeInput?: boolean;
	includeOutput?: boolean;
	lastEventId?: string;
	/** The read ends by this time (epoch ms); the policy's budget from now when absent. */
	deadline?: number;
}

/**
 * Every run of a group, streamed from `/runs` (a finite snapshot). A stream that drops or goes
 * silent midway is resumed from the last `event_id` it delivered, a few times in a row at most
 * without a new run (policy.ts); a run is never yielded twice. The read ends by its deadline.
 */
export async function* streamRuns(
	client: ParallelClient,
	taskGroupId: string,
	query: RunsQuery = {},
): AsyncGenerator<GroupStreamEvent> {
	const { runs: policy } = POLICY;
	const deadline = query.deadline ?? Date.now() + policy.budgetMs;
	const seen = new Set<string>();
	let lastEventId = query.lastEventId;
	let failures = 0;
	for (;;) {
		const qs: IDataObject = {};
		if (query.status) qs.status = query.status;
		if (query.includeInput) qs.include_input = 'true';
		if (query.includeOutput) qs.include_output = 'true';
		if (lastEventId) qs.last_event_id = lastEventId;
		const stream = await client.openStream({
			path: `${group(taskGroupId)}/runs`,
			qs,
			subject: { taskGroupId },
			deadline,
		});
		void stream.closeAt(deadline);
		let progressed = false;
		for await (const event of stream.events()) {
			if (event.type === 'task_run.state') {
				if (event.event_id) lastEventId = event.event_id;
				if (seen.has(event.run.run_id)) continue;
				seen.add(event.run.run_id);
				progressed = true;
			}
			yield event;
		}
		const reason = stream.endReason;
		if (reason === 'cancelled') throw client.cancelled();
		if (reason === 'ended') return;
		if (reason === 'closed') {
			throw new NodeOperationError(
				client.node,
				`Reading the runs of task group '${taskGroupId}' did not finish in time`,
				{
					description: `${seen.size} runs were read before the time limit. Try again; Get Results reads the group at any time.`,
				},
			);
		}
		failures = progressed ? 0 : failures + 1;
		if (failures >= policy.maxResumesWithoutProgress) {
			throw new NodeOperationError(
				client.node,
				`The runs stream of task group '${taskGroupId}' kept breaking off`,
				{
					description: `It ${reason === 'stalled' ? 'went silent' : 'broke off'} ${failures} times in a row without delivering a run (${seen.size} runs read). Check the network between n8n and Parallel and try again.`,
				},
			);
		}
		client.logger.debug('Parallel runs stream resumes', {
			taskGroupId,
			reason,
			runsRead: seen.size,
		});
		await pause(backoffDelayMs(failures, policy.resume), client.signal);
		if (client.signal?.aborted) throw client.cancelled();
	}
}

/** The live `/events` stream of a group, from just after `lastEventId` when given. */
export async function openGroupEvents(
	client: ParallelClient,
	taskGroupId: string,
	options: {
		lastEventId?: string;
		/** Ask the server to end the stream at this time (epoch ms). */
		endAt?: number;
		/** Opening the stream, retries included, gives up by this time (epoch ms). */
		deadline?: number;
	} = {},
): Promise<EventStream> {
	const qs: IDataObject = {};
	if (options.lastEventId) qs.last_event_id = options.lastEventId;
	// Lets the server end the stream at the deadline too, where a client cannot close its socket.
	if (options.endAt !== undefined) {
		qs.timeout = Math.max(1, Math.ceil((options.endAt - Date.now()) / 1000));
	}
	return await client.openStream({
		path: `${group(taskGroupId)}/events`,
		qs,
		subject: { taskGroupId },
		deadline: options.deadline,
	});
}

/**
 * A run's own events stream: its state, progress messages and source statistics. Each connection
 * replays the run's trace from the start (notes 4, R5); it needs the events beta (notes 1.1).
 */
export async function openRunEvents(
	client: ParallelClient,
	runId: string,
	options: { deadline?: number } = {},
): Promise<EventStream> {
	return await client.openStream({
		path: `${run(runId)}/events`,
		subject: { runId },
		betas: [BETA.events],
		deadline: options.deadline,
	});
}

export async function getRun(
	client: ParallelClient,
	runId: string,
	options: { deadline?: number } = {},
): Promise<TaskRun> {
	return await client.request<TaskRun>({ path: run(runId), subject: { runId }, ...options });
}

export async function getRunInput(client: ParallelClient, runId: string): Promise<TaskRunInput> {
	return await client.request<TaskRunInput>({ path: `${run(runId)}/input`, subject: { runId } });
}

export type RunResultPoll =
	| { state: 'done'; result: TaskRunResult }
	| { state: 'pending' }
	/** 404: the run failed, or there is no such run (the API does not say which). */
	| { state: 'failedOrMissing' };

/** One long-poll of a run's result: the server holds it up to `timeoutSeconds`. */
export async function pollRunResult(
	client: ParallelClient,
	runId: string,
	timeoutSeconds: number,
	deadline?: number,
): Promise<RunResultPoll> {
	const { statusCode, body } = await client.requestAllowing<TaskRunResult>(
		{
			path: `${run(runId)}/result`,
			qs: { timeout: timeoutSeconds },
			subject: { runId },
			retry408: false,
			// The server holds the poll up to `timeoutSeconds`; the answer then takes a moment more.
			timeoutMs: timeoutSeconds * 1000 + POLICY.wait.marginMs,
			deadline,
		},
		[404, 408],
	);
	if (statusCode === 408) return { state: 'pending' };
	if (statusCode === 404) return { state: 'failedOrMissing' };
	return { state: 'done', result: body as TaskRunResult };
}

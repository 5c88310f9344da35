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
import type { ParallelClient, SubmitOutcome } from './transport/client';
import type { EventStream } from './transport/eventStream';
import { pause } from './transport/pause';
import { backoffDelayMs } from './transport/retry';

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

/** The beta feature a run's `webhook` needs (notes 1.1): sent whenever a run carries one. */
export const WEBHOOK_BETA = 'webhook-2025-08-12';

/** One add-runs POST (at most 1,000 inputs). Never resent blindly: see `submitOnce`. */
export async function submitRuns(
	client: ParallelClient,
	taskGroupId: string,
	request: TaskGroupRunRequest,
): Promise<SubmitOutcome<TaskGroupRunResponse>> {
	const usesWebhooks = request.inputs.some((input) => input.webhook);
	return await client.submitOnce<TaskGroupRunResponse>({
		path: `${group(taskGroupId)}/runs`,
		qs: { refresh_status: 'false' },
		body: request,
		subject: { taskGroupId },
		...(usesWebhooks ? { betas: [WEBHOOK_BETA] } : {}),
	});
}

export interface RunsQuery {
	status?: RunStatus;
	includeInput?: boolean;
	includeOutput?: boolean;
	lastEventId?: string;
}

const MAX_RUNS_RECONNECTS = 5;
const RECONNECT_BACKOFF = { baseDelayMs: 250, maxDelayMs: 4_000 };

/**
 * Every run of a group, streamed from `/runs` (a finite snapshot). A stream that drops midway is
 * resumed from the last `event_id` it delivered; a run is never yielded twice.
 */
export async function* streamRuns(
	client: ParallelClient,
	taskGroupId: string,
	query: RunsQuery = {},
): AsyncGenerator<GroupStreamEvent> {
	const seen = new Set<string>();
	let lastEventId = query.lastEventId;
	for (let reconnects = 0; ; reconnects++) {
		const qs: IDataObject = {};
		if (query.status) qs.status = query.status;
		if (query.includeInput) qs.include_input = 'true';
		if (query.includeOutput) qs.include_output = 'true';
		if (lastEventId) qs.last_event_id = lastEventId;
		const stream = await client.openStream({
			path: `${group(taskGroupId)}/runs`,
			qs,
			subject: { taskGroupId },
		});
		for await (const event of stream.events()) {
			if (event.type === 'task_run.state') {
				if (event.event_id) lastEventId = event.event_id;
				if (seen.has(event.run.run_id)) continue;
				seen.add(event.run.run_id);
			}
			yield event;
		}
		if (stream.endReason === 'cancelled') throw client.cancelled();
		if (stream.endReason !== 'dropped') return;
		if (reconnects + 1 >= MAX_RUNS_RECONNECTS) {
			throw new NodeOperationError(
				client.node,
				`The runs stream of task group '${taskGroupId}' kept breaking off`,
				{
					description: `It broke off ${MAX_RUNS_RECONNECTS} times while being read. Check the network between n8n and Parallel and try again.`,
				},
			);
		}
		await pause(backoffDelayMs(reconnects, RECONNECT_BACKOFF), client.signal);
	}
}

/** The live `/events` stream of a group, from just after `lastEventId` when given. */
export async function openGroupEvents(
	client: ParallelClient,
	taskGroupId: string,
	options: { lastEventId?: string; deadline?: number } = {},
): Promise<EventStream> {
	const qs: IDataObject = {};
	if (options.lastEventId) qs.last_event_id = options.lastEventId;
	// Lets the server end the stream at the deadline too, where a client cannot close its socket.
	if (options.deadline !== undefined) {
		qs.timeout = Math.max(1, Math.ceil((options.deadline - Date.now()) / 1000));
	}
	return await client.openStream({
		path: `${group(taskGroupId)}/events`,
		qs,
		subject: { taskGroupId },
		deadline: options.deadline,
	});
}

export async function getRun(client: ParallelClient, runId: string): Promise<TaskRun> {
	return await client.request<TaskRun>({ path: run(runId), subject: { runId } });
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
): Promise<RunResultPoll> {
	const { statusCode, body } = await client.requestAllowing<TaskRunResult>(
		{
			path: `${run(runId)}/result`,
			qs: { timeout: timeoutSeconds },
			subject: { runId },
			retry408: false,
			timeoutMs: (timeoutSeconds + 30) * 1000,
		},
		[404, 408],
	);
	if (statusCode === 408) return { state: 'pending' };
	if (statusCode === 404) return { state: 'failedOrMissing' };
	return { state: 'done', result: body as TaskRunResult };
}

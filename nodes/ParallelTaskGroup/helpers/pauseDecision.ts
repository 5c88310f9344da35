import type { IDataObject } from 'n8n-workflow';

import { getRun, getTaskGroup, streamRuns } from '../../shared/api';
import type { RunStatus, TaskGroupStatus } from '../../shared/models';
import { ACTIVE_RUN_STATUSES, RUN_STATUSES } from '../../shared/models';
import type { RunRecord } from '../../shared/results';
import type { ParallelClient } from '../../shared/transport/client';
import { GROUP_QUERY } from './pauseMode';
import type { EnrichPause, WaitPause } from './pauseState';

/** What a callback says. Nothing in it is trusted: it only prompts a look at the API. */
export interface Callback {
	taskGroupId: string;
	type?: string;
	runId?: string;
	status?: string;
}

/**
 * - `ignore`: not about this wait (another group, another run, another event type): 200.
 * - `wait`: runs of this execution are still active: 200, the execution keeps waiting.
 * - `retryLater`: the API does not show yet what the callback announces, or could not be read:
 *   a 503, so Parallel sends the callback again later.
 * - `resume`: every awaited run has ended and its result is readable.
 */
export type Verdict =
	| { action: 'ignore'; reason: string }
	| { action: 'wait'; reason: string }
	| { action: 'retryLater'; reason: string }
	| { action: 'resumeEnrich'; records: Map<string, RunRecord> }
	| { action: 'resumeWait'; statuses: Map<string, TaskGroupStatus> };

const TERMINAL = new Set<string>(RUN_STATUSES.filter((status) => !ACTIVE_RUN_STATUSES.has(status)));

export function parseCallback(body: unknown, query: unknown): Callback {
	const payload = (body && typeof body === 'object' ? body : {}) as IDataObject;
	const data = (
		payload.data && typeof payload.data === 'object' ? payload.data : {}
	) as IDataObject;
	const group = (query as IDataObject | undefined)?.[GROUP_QUERY];
	const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
	return {
		taskGroupId: String(Array.isArray(group) ? group[0] : (group ?? '')),
		type: text(payload.type),
		runId: text(data.run_id),
		status: text(data.status),
	};
}

/**
 * A callback that announces a run's end is believed only once the API shows that end too: a
 * callback sent before the run's result is readable (or forged) gets `retryLater`.
 */
async function confirmAnnouncedEnd(
	client: ParallelClient,
	callback: Callback,
): Promise<Verdict | undefined> {
	if (!callback.runId || !callback.status || !TERMINAL.has(callback.status)) return undefined;
	const run = await getRun(client, callback.runId);
	if (ACTIVE_RUN_STATUSES.has(run.status)) {
		return {
			action: 'retryLater',
			reason: `run ${callback.runId} is announced ${callback.status} but Parallel still shows it ${run.status}`,
		};
	}
	return undefined;
}

/** The awaited runs that are still active, read through status-filtered `/runs` snapshots. */
async function activeAmong(
	client: ParallelClient,
	taskGroupId: string,
	status: TaskGroupStatus,
	awaited: Set<string>,
): Promise<number> {
	let active = 0;
	const statuses = Object.entries(status.task_run_status_counts)
		.filter(([name, count]) => ACTIVE_RUN_STATUSES.has(name as RunStatus) && (count ?? 0) > 0)
		.map(([name]) => name as RunStatus);
	for (const runStatus of statuses) {
		for await (const event of streamRuns(client, taskGroupId, { status: runStatus })) {
			if (event.type === 'task_run.state' && awaited.has(event.run.run_id)) active++;
		}
	}
	return active;
}

export async function decideEnrich(
	client: ParallelClient,
	state: EnrichPause,
	callback: Callback,
): Promise<Verdict> {
	if (callback.taskGroupId !== state.taskGroupId) {
		return { action: 'ignore', reason: `task group '${callback.taskGroupId}' is not this wait's` };
	}
	if (callback.type && callback.type !== 'task_run.status') {
		return { action: 'ignore', reason: `event type '${callback.type}'` };
	}
	if (callback.runId && !state.runIds.includes(callback.runId)) {
		return { action: 'ignore', reason: `run ${callback.runId} is not one of this node's runs` };
	}
	const unconfirmed = await confirmAnnouncedEnd(client, callback);
	if (unconfirmed) return unconfirmed;

	const awaited = new Set(state.awaited);
	const { status } = await getTaskGroup(client, state.taskGroupId);
	// Enrich's own group holds only this node's runs: its status alone says whether any is active.
	if (status.is_active) {
		const active = state.ownGroup
			? -1
			: await activeAmong(client, state.taskGroupId, status, awaited);
		if (active !== 0) return { action: 'wait', reason: 'runs of this execution are still active' };
	}

	const records = new Map<string, RunRecord>();
	const wanted = new Set(state.runIds.filter(Boolean));
	for await (const event of streamRuns(client, state.taskGroupId, { includeOutput: true })) {
		if (event.type === 'task_run.state' && wanted.has(event.run.run_id))
			records.set(event.run.run_id, event);
	}
	for (const runId of awaited) {
		const record = records.get(runId);
		if (!record || ACTIVE_RUN_STATUSES.has(record.run.status)) {
			return { action: 'retryLater', reason: `run ${runId} is not shown as ended yet` };
		}
		if (record.run.status === 'completed' && !record.output) {
			return { action: 'retryLater', reason: `the result of run ${runId} is not readable yet` };
		}
	}
	return { action: 'resumeEnrich', records };
}

export async function decideWait(
	client: ParallelClient,
	state: WaitPause,
	callback: Callback,
): Promise<Verdict> {
	const groups = [...new Set(state.taskGroupIds)];
	if (!groups.includes(callback.taskGroupId)) {
		return { action: 'ignore', reason: `task group '${callback.taskGroupId}' is not this wait's` };
	}
	if (callback.type && callback.type !== 'task_run.status') {
		return { action: 'ignore', reason: `event type '${callback.type}'` };
	}
	const unconfirmed = await confirmAnnouncedEnd(client, callback);
	if (unconfirmed) return unconfirmed;
	const statuses = new Map<string, TaskGroupStatus>();
	for (const taskGroupId of groups) {
		const { status } = await getTaskGroup(client, taskGroupId);
		if (status.is_active) {
			return { action: 'wait', reason: `task group '${taskGroupId}' is still active` };
		}
		statuses.set(taskGroupId, status);
	}
	return { action: 'resumeWait', statuses };
}

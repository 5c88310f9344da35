import { getTaskGroup, openGroupEvents, streamRuns } from '../../shared/api';
import type { TaskGroupStatus } from '../../shared/models';
import { ACTIVE_RUN_STATUSES } from '../../shared/models';
import type { ParallelClient } from '../../shared/transport/client';
import { pause } from '../../shared/transport/pause';

export interface WaitOptions {
	/** Epoch ms after which waiting stops. */
	deadline: number;
	/** Wait only for these runs (the group may hold others); otherwise for the whole group. */
	runIds?: Iterable<string>;
	/** Events-stream cursor to start after, e.g. the `event_cursor` of an add-runs answer. */
	lastEventId?: string | null;
	/** Reconnect when the stream sends nothing, not even a keep-alive, for this long. */
	stallMs?: number;
}

export interface WaitOutcome {
	done: boolean;
	status: TaskGroupStatus;
	waitedMs: number;
	connections: number;
}

const DEFAULT_STALL_MS = 60_000;
const MAX_RECONNECT_DELAY_MS = 5_000;

/**
 * Waits until the group is inactive (or, with `runIds`, until those runs have ended), following
 * the group's events stream: completion is seen as soon as Parallel reports it, not at the next
 * poll. The stream is reopened from the last event when it ends, drops or stalls, and the group's
 * status is read at every reconnect, so a stream that closes without a final status is harmless.
 */
export async function waitForGroup(
	client: ParallelClient,
	taskGroupId: string,
	options: WaitOptions,
): Promise<WaitOutcome> {
	const started = Date.now();
	const { deadline } = options;
	const waiting = options.runIds ? new Set(options.runIds) : undefined;
	let cursor = options.lastEventId ?? undefined;
	let connections = 0;
	let { status } = await getTaskGroup(client, taskGroupId, { deadline });
	const finished = () => !status.is_active || (waiting !== undefined && waiting.size === 0);
	const outcome = (done: boolean): WaitOutcome => ({
		done,
		status,
		waitedMs: Date.now() - started,
		connections,
	});

	while (!finished() && Date.now() < deadline) {
		const stream = await openGroupEvents(client, taskGroupId, { lastEventId: cursor, deadline });
		connections++;
		void stream.closeAt(deadline);
		void stream.watchForStall(options.stallMs ?? DEFAULT_STALL_MS);
		// Runs that ended before this connection may not be replayed on it: the stream is open
		// now, so whatever ends after this read arrives on it.
		if (waiting?.size) await forgetEndedRuns(client, taskGroupId, waiting);
		for await (const event of stream.events()) {
			if (event.type === 'error') {
				client.logger.debug('Parallel events stream sent an error event', {
					message: event.error.message,
				});
				continue;
			}
			if (event.event_id) cursor = event.event_id;
			if (event.type === 'task_group_status') {
				status = event.status;
			} else if (!ACTIVE_RUN_STATUSES.has(event.run.status)) {
				waiting?.delete(event.run.run_id);
			}
			if (finished()) {
				stream.close();
				return outcome(true);
			}
		}
		if (client.signal?.aborted) throw client.cancelled();
		if (Date.now() >= deadline) break;
		({ status } = await getTaskGroup(client, taskGroupId, { deadline }));
		if (finished()) break;
		await pause(
			Math.min(MAX_RECONNECT_DELAY_MS, 250 * 2 ** Math.min(connections, 5)),
			client.signal,
		);
	}
	return outcome(finished());
}

async function forgetEndedRuns(client: ParallelClient, taskGroupId: string, waiting: Set<string>) {
	for await (const event of streamRuns(client, taskGroupId)) {
		if (event.type === 'task_run.state' && !ACTIVE_RUN_STATUSES.has(event.run.status)) {
			waiting.delete(event.run.run_id);
		}
	}
}

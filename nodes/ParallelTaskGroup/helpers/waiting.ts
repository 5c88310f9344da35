import { getTaskGroup, openGroupEvents, streamRuns } from '../../shared/api';
import type { TaskGroupStatus } from '../../shared/models';
import { ACTIVE_RUN_STATUSES } from '../../shared/models';
import type { ParallelClient } from '../../shared/transport/client';
import { settle } from '../../shared/settle';
import { pause } from '../../shared/transport/pause';
import { backoffDelayMs, POLICY } from '../../shared/transport/policy';

export interface WaitOptions {
	/** Epoch ms after which waiting stops. */
	deadline: number;
	/** Wait only for these runs (the group may hold others); otherwise for the whole group. */
	runIds?: Iterable<string>;
	/** Events-stream cursor to start after, e.g. the `event_cursor` of an add-runs answer. */
	lastEventId?: string | null;
}

export interface WaitOutcome {
	done: boolean;
	status: TaskGroupStatus;
	waitedMs: number;
	connections: number;
}

/**
 * Waits until the group is inactive (or, with `runIds`, until those runs have ended), following
 * the group's events stream: completion is seen as soon as Parallel reports it, not at the next
 * poll. The stream is reopened from the last event when it ends, drops or goes silent, and the
 * group's status is read at every reconnect, so a stream that closes without a final status is
 * harmless. Ends by `deadline` plus the policy's margin, whatever the server does: every request
 * made here is cut off by then, and the stream is closed at the deadline.
 */
export async function waitForGroup(
	client: ParallelClient,
	taskGroupId: string,
	options: WaitOptions,
): Promise<WaitOutcome> {
	const started = Date.now();
	const { deadline } = options;
	const callDeadline = deadline + POLICY.wait.marginMs;
	const waiting = options.runIds ? new Set(options.runIds) : undefined;
	let cursor = options.lastEventId ?? undefined;
	let connections = 0;
	let { status } = await getTaskGroup(client, taskGroupId, { deadline: callDeadline });
	const finished = () => !status.is_active || (waiting !== undefined && waiting.size === 0);
	const outcome = (done: boolean): WaitOutcome => ({
		done,
		status,
		waitedMs: Date.now() - started,
		connections,
	});

	while (!finished() && Date.now() < deadline) {
		const stream = await openGroupEvents(client, taskGroupId, {
			lastEventId: cursor,
			endAt: deadline,
			deadline: callDeadline,
		});
		connections++;
		void stream.closeAt(deadline);
		// Runs that ended before this connection may not be replayed on it: the stream is open
		// now, so whatever ends after this read arrives on it.
		if (waiting?.size) await forgetEndedRuns(client, taskGroupId, waiting, callDeadline);
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
		({ status } = await getTaskGroup(client, taskGroupId, { deadline: callDeadline }));
		if (finished()) break;
		await pause(
			Math.min(deadline - Date.now(), backoffDelayMs(connections, POLICY.wait.reconnect)),
			client.signal,
		);
	}
	return outcome(finished());
}

/** Drops the runs that have already ended from `waiting`. A failed read only leaves more to wait for. */
async function forgetEndedRuns(
	client: ParallelClient,
	taskGroupId: string,
	waiting: Set<string>,
	deadline: number,
) {
	const read = await settle(async () => {
		for await (const event of streamRuns(client, taskGroupId, { deadline })) {
			if (event.type === 'task_run.state' && !ACTIVE_RUN_STATUSES.has(event.run.status)) {
				waiting.delete(event.run.run_id);
			}
		}
	});
	if (client.signal?.aborted) throw client.cancelled();
	if (!read.ok) {
		client.logger.debug(
			'Parallel runs could not be read while waiting; the events stream goes on',
			{
				taskGroupId,
				reason: (read.error as Error)?.message ?? String(read.error),
			},
		);
	}
}

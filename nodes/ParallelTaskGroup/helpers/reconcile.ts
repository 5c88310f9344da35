import { getTaskGroup } from '../../shared/api';
import type { TaskRun } from '../../shared/models';
import { settle } from '../../shared/settle';
import type { ParallelClient } from '../../shared/transport/client';
import { pause } from '../../shared/transport/pause';
import { POLICY, settleCheckTimes } from '../../shared/transport/policy';
import { findRunsByKey } from './findRuns';

export interface Reconciled {
	/** The runs found, by key. */
	found: Map<string, TaskRun>;
	/** Set when the group could not be read: the keys not found have an unknown fate. */
	readError?: unknown;
	reads: number;
}

/**
 * After add-runs POSTs whose outcome is unknown (the last failed answer at `failedAt`), learns
 * which of `keys` the server created, without ever concluding "not created" too early: the group
 * is read at growing intervals (1, 2, 4, 8, 16 s...) until every key has appeared or `windowMs`
 * has passed since the failure, with a last read exactly at the window's end. A group whose run
 * count stays the same does not shorten the window (a late batch may still land within it); one
 * still growing at its end is followed for up to one more window, until it stops growing.
 * So a batch the server applies within the window of its failed answer is always found.
 */
export async function reconcile(
	client: ParallelClient,
	taskGroupId: string,
	keys: Set<string>,
	failedAt: number,
	windowMs: number,
): Promise<Reconciled> {
	const found = new Map<string, TaskRun>();
	let reads = 0;
	let runsAtRead = -1;
	const counts: number[] = [];
	const check = async () => {
		const { status } = await getTaskGroup(client, taskGroupId);
		counts.push(status.num_task_runs);
		// Runs are only ever added: when the last read already saw as many runs as the group now
		// counts, no new key can have appeared since. A read that lagged behind the count does not
		// count as seen.
		if (runsAtRead >= status.num_task_runs) return;
		const missing = new Set([...keys].filter((key) => !found.has(key)));
		reads++;
		const { byKey, runsSeen } = await findRunsByKey(client, taskGroupId, missing);
		for (const [key, run] of byKey) found.set(key, run);
		runsAtRead = runsSeen;
	};
	const complete = () => found.size === keys.size;
	const stillGrowing = () =>
		counts.length >= 2 && counts[counts.length - 1] !== counts[counts.length - 2];

	const result = await settle(async () => {
		for (const at of settleCheckTimes(windowMs)) {
			await waitUntil(client, failedAt + at);
			await check();
			if (complete()) return;
		}
		let interval = POLICY.settle.firstCheckMs;
		while (stillGrowing() && Date.now() + interval <= failedAt + 2 * windowMs) {
			await waitUntil(client, Date.now() + interval);
			await check();
			if (complete()) return;
			interval = Math.min(POLICY.settle.maxCheckIntervalMs, interval * 2);
		}
	});
	if (client.signal?.aborted) throw client.cancelled();
	return result.ok ? { found, reads } : { found, reads, readError: result.error };
}

async function waitUntil(client: ParallelClient, at: number): Promise<void> {
	await pause(at - Date.now(), client.signal);
	if (client.signal?.aborted) throw client.cancelled();
}

import { NodeOperationError } from 'n8n-workflow';
import type { JsonObject } from 'n8n-workflow';

import { submitRuns } from '../../shared/api';
import type { TaskGroupRunRequest } from '../../shared/models';
import { settle } from '../../shared/settle';
import type { ParallelClient } from '../../shared/transport/client';
import { pause } from '../../shared/transport/pause';
import { findRunsByKey } from './findRuns';
import { errorForItem } from './itemErrors';
import type { ItemError } from './itemErrors';
import type { PreparedRun } from './runInput';

export interface SubmitSettings {
	batchSize: number;
	concurrency: number;
	/** Read the group first and reuse runs whose key is already there (idempotency key, retry). */
	readExisting: boolean;
}

export interface SubmittedRun {
	runId: string;
	status: string;
	/** The run was already in the group before this submission. */
	reused: boolean;
}

export interface SubmissionResult {
	/** By item index. */
	runs: Map<number, SubmittedRun>;
	failures: Map<number, ItemError>;
	stats: { posts: number; ambiguousPosts: number; reconcileReads: number };
}

const MAX_ROUNDS = 5;
/** Lets a request whose answer was lost finish on the server before its runs are looked for. */
const SETTLE_BEFORE_RECONCILE_MS = 1000;

async function mapConcurrent<T>(
	items: T[],
	limit: number,
	task: (item: T) => Promise<void>,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length) await task(items[next++]);
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

function chunk<T>(items: T[], size: number): T[][] {
	const chunks: T[][] = [];
	for (let start = 0; start < items.length; start += size)
		chunks.push(items.slice(start, start + size));
	return chunks;
}

/** The batch request: the most common task spec is sent once as `default_task_spec`. */
function batchRequest(batch: PreparedRun[]): TaskGroupRunRequest {
	const counts = new Map<string, number>();
	for (const run of batch) counts.set(run.specJson, (counts.get(run.specJson) ?? 0) + 1);
	const common = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
	const defaultSpec = batch.find((run) => run.specJson === common)!.spec;
	return {
		default_task_spec: defaultSpec,
		inputs: batch.map((run) =>
			run.specJson === common ? run.input : { ...run.input, task_spec: run.spec },
		),
	};
}

function rejectedInputIndexes(error: unknown): Set<number> {
	const fields = ((error as { errorResponse?: JsonObject }).errorResponse?.fields ??
		[]) as string[];
	const indexes = new Set<number>();
	for (const field of fields) {
		const match = /^inputs\.(\d+)/.exec(field);
		if (match) indexes.add(Number(match[1]));
	}
	return indexes;
}

/**
 * Sends prepared runs to a group in POSTs of at most `batchSize`, `concurrency` at a time, so that
 * every run is created exactly once. A POST whose outcome is unknown (lost answer, 5xx) is never
 * resent as is: the group's runs are read to learn which of its inputs were accepted (each run
 * carries its item's key in metadata), and only the others are sent again.
 */
export async function submitPreparedRuns(
	client: ParallelClient,
	taskGroupId: string,
	prepared: PreparedRun[],
	settings: SubmitSettings,
): Promise<SubmissionResult> {
	const stats = { posts: 0, ambiguousPosts: 0, reconcileReads: 0 };
	const byKey = new Map<string, PreparedRun[]>();
	for (const run of prepared) {
		const sharing = byKey.get(run.key);
		if (sharing) sharing.push(run);
		else byKey.set(run.key, [run]);
	}
	const created = new Map<string, SubmittedRun>();
	const failed = new Map<string, unknown>();

	if (settings.readExisting && byKey.size) {
		stats.reconcileReads++;
		const existing = await findRunsByKey(client, taskGroupId, new Set(byKey.keys()));
		for (const [key, run] of existing) {
			created.set(key, { runId: run.run_id, status: run.status, reused: true });
		}
	}

	let pending = [...byKey.values()].map((runs) => runs[0]).filter((run) => !created.has(run.key));
	for (let round = 0; pending.length && round < MAX_ROUNDS; round++) {
		const uncertain: PreparedRun[] = [];
		const retry: PreparedRun[] = [];
		await mapConcurrent(chunk(pending, settings.batchSize), settings.concurrency, async (batch) => {
			stats.posts++;
			const result = await settle(() => submitRuns(client, taskGroupId, batchRequest(batch)));
			if (!result.ok) {
				if (client.signal?.aborted) throw client.cancelled();
				const rejected = rejectedInputIndexes(result.error);
				batch.forEach((run, index) => {
					if (!rejected.size || rejected.has(index)) failed.set(run.key, result.error);
					else retry.push(run);
				});
				return;
			}
			const outcome = result.value;
			if (outcome.status === 'accepted' && outcome.body.run_ids?.length === batch.length) {
				batch.forEach((run, index) =>
					created.set(run.key, {
						runId: outcome.body.run_ids[index],
						status: 'queued',
						reused: false,
					}),
				);
				return;
			}
			stats.ambiguousPosts++;
			uncertain.push(...batch);
		});
		pending = retry;
		if (!uncertain.length) continue;
		await pause(SETTLE_BEFORE_RECONCILE_MS, client.signal);
		stats.reconcileReads++;
		const found = await findRunsByKey(
			client,
			taskGroupId,
			new Set(uncertain.map((run) => run.key)),
		);
		for (const run of uncertain) {
			const existing = found.get(run.key);
			if (existing)
				created.set(run.key, { runId: existing.run_id, status: existing.status, reused: false });
			else pending.push(run);
		}
	}
	for (const run of pending) {
		failed.set(
			run.key,
			new NodeOperationError(client.node, 'Parallel did not confirm this run after several tries', {
				description: `Task group '${taskGroupId}' may be unreachable. Nothing was sent twice; run the node again with the same 'Idempotency Key' to add only what is missing.`,
			}),
		);
	}

	const runs = new Map<number, SubmittedRun>();
	const failures = new Map<number, ItemError>();
	for (const [key, sharing] of byKey) {
		const run = created.get(key);
		for (const item of sharing) {
			if (run) runs.set(item.itemIndex, item === sharing[0] ? run : { ...run, reused: true });
			else failures.set(item.itemIndex, errorForItem(client.node, failed.get(key), item.itemIndex));
		}
	}
	return { runs, failures, stats };
}

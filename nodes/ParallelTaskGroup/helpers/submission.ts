import { NodeOperationError } from 'n8n-workflow';
import type { JsonObject } from 'n8n-workflow';

import { submitRuns } from '../../shared/api';
import type { TaskGroupRunRequest } from '../../shared/models';
import { settle } from '../../shared/settle';
import type { ParallelClient } from '../../shared/transport/client';
import { POLICY } from '../../shared/transport/policy';
import { findRunsByKey } from './findRuns';
import { errorForItem } from './itemErrors';
import type { ItemError } from './itemErrors';
import { reconcile } from './reconcile';
import type { PreparedRun } from './runInput';

export interface SubmitSettings {
	batchSize: number;
	concurrency: number;
	/** Read the group first and reuse runs whose key is already there (idempotency key, retry). */
	readExisting: boolean;
	/** After a POST with an unknown outcome, how long to look for its runs before resending. */
	settleWindowMs: number;
}

export interface SubmittedRun {
	runId: string;
	status: string;
	/** The run was already in the group before this submission. */
	reused: boolean;
}

export interface SubmissionStats {
	posts: number;
	ambiguousPosts: number;
	reconcileReads: number;
	/** Time spent settling after ambiguous POSTs. */
	settleMs: number;
}

export interface SubmissionResult {
	/** By item index. */
	runs: Map<number, SubmittedRun>;
	failures: Map<number, ItemError>;
	stats: SubmissionStats;
}

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
 * every run is created exactly once. A POST whose outcome is unknown (lost answer, timeout, 408,
 * 5xx) is never resent as is: the group is read over the settle window (see `reconcile`) to learn
 * which of its inputs were accepted (each run carries its item's key in metadata), and only the
 * others are sent again. When the group cannot be read to check, those inputs are not sent again.
 */
export async function submitPreparedRuns(
	client: ParallelClient,
	taskGroupId: string,
	prepared: PreparedRun[],
	settings: SubmitSettings,
): Promise<SubmissionResult> {
	const stats: SubmissionStats = { posts: 0, ambiguousPosts: 0, reconcileReads: 0, settleMs: 0 };
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
		for (const [key, run] of existing.byKey) {
			created.set(key, { runId: run.run_id, status: run.status, reused: true });
		}
	}

	let pending = [...byKey.values()].map((runs) => runs[0]).filter((run) => !created.has(run.key));
	let rounds = 0;
	/** Keys whose last POST had an unknown outcome and which the group did not show afterwards. */
	const unconfirmed = new Set<string>();
	for (; pending.length && rounds < POLICY.settle.maxRounds; rounds++) {
		const uncertain: PreparedRun[] = [];
		const retry: PreparedRun[] = [];
		let lastFailureAt = 0;
		let lastFailure: unknown;
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
			lastFailureAt = Date.now();
			lastFailure = outcome.status === 'ambiguous' ? outcome.error : undefined;
			uncertain.push(...batch);
		});
		for (const run of retry) unconfirmed.delete(run.key);
		pending = retry;
		if (!uncertain.length) continue;
		const settleStarted = Date.now();
		const reconciled = await reconcile(
			client,
			taskGroupId,
			new Set(uncertain.map((run) => run.key)),
			lastFailureAt,
			settings.settleWindowMs,
		);
		stats.settleMs += Date.now() - settleStarted;
		stats.reconcileReads += reconciled.reads;
		for (const run of uncertain) {
			const existing = reconciled.found.get(run.key);
			if (existing) {
				created.set(run.key, { runId: existing.run_id, status: existing.status, reused: false });
			} else if (reconciled.readError !== undefined) {
				failed.set(run.key, unknownFate(client, taskGroupId, lastFailure, reconciled.readError));
			} else {
				unconfirmed.add(run.key);
				pending.push(run);
			}
		}
	}
	const windowSeconds = Math.round(settings.settleWindowMs / 1000);
	for (const run of pending) {
		const why = unconfirmed.has(run.key)
			? `The last request that carried it failed without a clear answer, and the run did not appear in task group '${taskGroupId}' within ${windowSeconds} s after that.`
			: `Parallel rejected other runs of its batch ${rounds} times.`;
		failed.set(
			run.key,
			new NodeOperationError(
				client.node,
				`Parallel did not confirm this run after ${rounds} tries`,
				{
					description: `${why} It was not sent again. Retry On Fail, or a new run with the same 'Idempotency Key', reads the group first and adds it only if it is still missing.`,
				},
			),
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

/** A run whose POST failed without a clear answer, in a group that could not be read to check. */
function unknownFate(
	client: ParallelClient,
	taskGroupId: string,
	postFailure: unknown,
	readError: unknown,
): NodeOperationError {
	const why = (error: unknown) => (error as Error | undefined)?.message ?? String(error);
	return new NodeOperationError(client.node, 'Parallel may or may not have added this run', {
		description: `Its request failed without a clear answer (${why(postFailure)}), and task group '${taskGroupId}' could not be read to check (${why(readError)}). It was not sent again, so it is not paid twice. Get Results on the group shows whether it is there; Retry On Fail, or a new run with the same 'Idempotency Key', adds it only if it is missing.`,
	});
}

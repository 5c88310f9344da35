import { getTaskGroup, streamRuns } from '../../shared/api';
import type { RunStatus, TaskRun } from '../../shared/models';
import { ACTIVE_RUN_STATUSES, ITEM_KEY_METADATA } from '../../shared/models';
import type { ParallelClient } from '../../shared/transport/client';

export interface FoundRuns {
	/** The first run per key. */
	byKey: Map<string, TaskRun>;
	/** How many distinct runs the read saw in all. */
	runsSeen: number;
}

/**
 * The runs of a group that carry one of `keys` in their metadata, by key (the first run per key).
 * Reads `/runs`; when that snapshot leaves out active runs (the contract leaves it open, notes
 * 13.4) while the group has some, it reads them with a status filter as well.
 */
export async function findRunsByKey(
	client: ParallelClient,
	taskGroupId: string,
	keys: Set<string> | 'all',
): Promise<FoundRuns> {
	const found = new Map<string, TaskRun>();
	const seen = new Set<string>();
	let sawActive = false;
	const collect = (run: TaskRun) => {
		seen.add(run.run_id);
		const key = run.metadata?.[ITEM_KEY_METADATA];
		if (typeof key !== 'string' || found.has(key)) return;
		if (keys === 'all' || keys.has(key)) found.set(key, run);
	};
	for await (const event of streamRuns(client, taskGroupId)) {
		if (event.type !== 'task_run.state') continue;
		if (ACTIVE_RUN_STATUSES.has(event.run.status)) sawActive = true;
		collect(event.run);
	}
	if (sawActive || (keys !== 'all' && found.size === keys.size)) {
		return { byKey: found, runsSeen: seen.size };
	}

	const { status } = await getTaskGroup(client, taskGroupId);
	const activeStatuses = Object.entries(status.task_run_status_counts)
		.filter(([name, count]) => ACTIVE_RUN_STATUSES.has(name as RunStatus) && (count ?? 0) > 0)
		.map(([name]) => name as RunStatus);
	for (const activeStatus of activeStatuses) {
		for await (const event of streamRuns(client, taskGroupId, { status: activeStatus })) {
			if (event.type === 'task_run.state') collect(event.run);
		}
	}
	return { byKey: found, runsSeen: seen.size };
}

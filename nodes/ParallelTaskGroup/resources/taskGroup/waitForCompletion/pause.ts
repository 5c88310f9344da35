import { NodeOperationError, WAIT_INDEFINITELY } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getTaskGroup, streamRuns } from '../../../../shared/api';
import type { RunStatus, TaskGroupStatus } from '../../../../shared/models';
import { ACTIVE_RUN_STATUSES } from '../../../../shared/models';
import { groupStatusNotes } from '../../../../shared/statuses';
import type { ParallelClient } from '../../../../shared/transport/client';
import { connect, taskGroupIdOf } from '../../../helpers/items';
import { parkedOutput, preparePause, runWebhook } from '../../../helpers/pauseMode';
import { savePauseState } from '../../../helpers/pauseState';

/** How many of the group's active runs will not call this execution back when they end. */
async function silentActiveRuns(
	client: ParallelClient,
	taskGroupId: string,
	status: TaskGroupStatus,
	callbackUrl: string,
): Promise<number> {
	let silent = 0;
	const statuses = Object.entries(status.task_run_status_counts)
		.filter(([name, count]) => ACTIVE_RUN_STATUSES.has(name as RunStatus) && (count ?? 0) > 0)
		.map(([name]) => name as RunStatus);
	for (const runStatus of statuses) {
		const runs = streamRuns(client, taskGroupId, { status: runStatus, includeInput: true });
		for await (const event of runs) {
			if (event.type === 'task_run.state' && event.input?.webhook?.url !== callbackUrl) silent++;
		}
	}
	return silent;
}

/**
 * Wait for Completion, 'Pause the Execution': returns at once when every group is already done;
 * otherwise parks the execution until the runs call back. Runs call back only when they were
 * added with this execution's callback (Add Runs' 'Call Back This Execution'), so a group with
 * an active run that will not is refused instead of waiting forever.
 */
export async function pauseWaitForCompletion(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const client = await connect(context);
	const resumeUrl = preparePause(context, client);
	const started = Date.now();
	const taskGroupIds = items.map((_, itemIndex) => taskGroupIdOf(context, itemIndex));
	const statuses = new Map<string, TaskGroupStatus>();
	for (const taskGroupId of new Set(taskGroupIds)) {
		statuses.set(taskGroupId, (await getTaskGroup(client, taskGroupId)).status);
	}
	const active = [...statuses].filter(([, status]) => status.is_active);
	if (!active.length) {
		const waited = Math.round((Date.now() - started) / 100) / 10;
		return [
			taskGroupIds.map((taskGroupId, itemIndex) => ({
				json: {
					taskgroup_id: taskGroupId,
					completed: true,
					timed_out: false,
					waited_seconds: waited,
					status: statuses.get(taskGroupId) as unknown as INodeExecutionData['json'],
					...statusNotes(statuses.get(taskGroupId)),
				},
				pairedItem: { item: itemIndex },
			})),
		];
	}
	for (const [taskGroupId, status] of active) {
		const callbackUrl = runWebhook(resumeUrl, taskGroupId).url;
		const silent = await silentActiveRuns(client, taskGroupId, status, callbackUrl);
		if (silent) {
			const itemIndex = taskGroupIds.indexOf(taskGroupId);
			throw new NodeOperationError(
				context.getNode(),
				`${silent} active runs of task group '${taskGroupId}' will not call this execution back`,
				{
					description:
						"Pause the Execution resumes when the runs call back, and only runs added in this execution with Add Runs' option 'Call Back This Execution' do. Turn that option on, or set 'While Waiting' to 'Keep the Execution Running'.",
					itemIndex,
				},
			);
		}
	}
	savePauseState(context, {
		version: 1,
		operation: 'waitForCompletion',
		pausedAt: started,
		taskGroupIds,
	});
	await context.putExecutionToWait(WAIT_INDEFINITELY);
	return [parkedOutput(items)];
}

function statusNotes(status: TaskGroupStatus | undefined): { status_notes?: string[] } {
	const notes = status ? groupStatusNotes(status) : [];
	return notes.length ? { status_notes: notes } : {};
}

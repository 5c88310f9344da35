import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { groupStatusNotes } from '../../../../shared/statuses';
import { perItem, taskGroupIdOf } from '../../../helpers/items';
import { whileWaiting } from '../../../helpers/pauseMode';
import { waitForGroup } from '../../../helpers/waiting';
import { pauseWaitForCompletion } from './pause';

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	if (whileWaiting(this) === 'pause') return await pauseWaitForCompletion(this, items);
	return await perItem(this, items, async (client, itemIndex) => {
		const taskGroupId = taskGroupIdOf(this, itemIndex);
		const maxWaitSeconds = this.getNodeParameter('maxWaitSeconds', itemIndex, 300) as number;
		const failOnTimeout = this.getNodeParameter(
			'options.failOnTimeout',
			itemIndex,
			false,
		) as boolean;
		const outcome = await waitForGroup(client, taskGroupId, {
			deadline: Date.now() + Math.max(0, maxWaitSeconds) * 1000,
		});
		if (!outcome.done && failOnTimeout) {
			throw new NodeOperationError(
				this.getNode(),
				`Task group '${taskGroupId}' was still running after ${maxWaitSeconds} seconds`,
				{
					description:
						"Raise 'Max Wait (Seconds)', or collect results later with Get Results or the Parallel Task Group Trigger. The runs keep going on Parallel's side.",
					itemIndex,
				},
			);
		}
		const notes = groupStatusNotes(outcome.status);
		return {
			taskgroup_id: taskGroupId,
			completed: outcome.done,
			timed_out: !outcome.done,
			waited_seconds: Math.round(outcome.waitedMs / 100) / 10,
			status: outcome.status as unknown as IDataObject,
			// Runs in these statuses end the wait without a result: say why, so nobody waits on them.
			...(notes.length ? { status_notes: notes } : {}),
		};
	});
}

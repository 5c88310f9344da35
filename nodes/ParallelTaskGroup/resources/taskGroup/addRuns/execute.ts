import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { prepareItems, submitItems } from '../../../helpers/addItems';
import { AttemptMarker, executionKey } from '../../../helpers/attempts';
import { errorItem } from '../../../helpers/itemErrors';
import { connect, taskGroupIdOf } from '../../../helpers/items';
import { attachCallback, preparePause } from '../../../helpers/pauseMode';

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const taskGroupId = taskGroupIdOf(this, 0);
	const client = await connect(this);
	const marker = new AttemptMarker(this, executionKey(this));
	const prepared = prepareItems(this, items, marker);
	if (this.getNodeParameter('options.callBackExecution', 0, false) === true) {
		attachCallback(prepared, preparePause(this, client), taskGroupId);
	}
	const { runs, failures } = await submitItems(this, client, prepared, taskGroupId, marker);
	const keepInput = this.getNodeParameter('options.includeInputFields', 0, false) as boolean;

	const node = this.getNode();
	const output = items.map((item, itemIndex): INodeExecutionData => {
		const failure = failures.get(itemIndex);
		if (failure) {
			// Items that never became runs carry no group; those the submission failed say where it went.
			const sent = !prepared.failures.has(itemIndex);
			return errorItem(
				failure,
				itemIndex,
				sent ? { node, values: { taskgroup_id: taskGroupId } } : undefined,
			);
		}
		const run = runs.get(itemIndex)!;
		const json: IDataObject = {
			...(keepInput ? item.json : {}),
			run_id: run.runId,
			taskgroup_id: taskGroupId,
			status: run.status,
			...(run.reused ? { reused: true } : {}),
		};
		return { json, pairedItem: { item: itemIndex } };
	});
	return [output];
}

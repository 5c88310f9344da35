import { NodeOperationError } from 'n8n-workflow';
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
		// A run has one webhook: refused rather than silently dropping the user's own.
		if (prepared.runs.some((run) => run.input.webhook)) {
			throw new NodeOperationError(
				this.getNode(),
				"'Webhook URL' and 'Call Back This Execution' are both set",
				{
					description:
						"A run has a single webhook, so only one can be used. Turn off 'Call Back This Execution' to have Parallel call your Webhook URL, or clear 'Webhook URL' to resume a paused Wait for Completion. Nothing was sent to Parallel.",
				},
			);
		}
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
		const json: IDataObject = keepInput
			? { ...item.json, run_id: run.runId, taskgroup_id: taskGroupId, status: run.status }
			: { run_id: run.runId, taskgroup_id: taskGroupId, status: run.status };
		if (run.reused) json.reused = true;
		return { json, pairedItem: { item: itemIndex } };
	});
	return [output];
}

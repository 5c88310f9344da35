import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { createTaskGroup, streamRuns } from '../../../../shared/api';
import { contentFields, runFailureMessage } from '../../../../shared/results';
import type { RunRecord } from '../../../../shared/results';
import { prepareItems, submitItems } from '../../../helpers/addItems';
import { AttemptMarker, executionKey } from '../../../helpers/attempts';
import { errorItem } from '../../../helpers/itemErrors';
import { connect, taskGroupIdOf } from '../../../helpers/items';
import { waitForGroup } from '../../../helpers/waiting';

interface EnrichSettings {
	outputKey: string;
	includeBasis: boolean;
	includeRunInfo: boolean;
}

function enrichedItem(
	item: INodeExecutionData,
	record: RunRecord,
	settings: EnrichSettings,
	taskGroupId: string,
) {
	const answer: IDataObject = record.output ? contentFields(record.output) : {};
	if (settings.includeBasis && record.output)
		answer.basis = (record.output.basis ?? []) as unknown as IDataObject[];
	const json: IDataObject = settings.outputKey
		? { ...item.json, [settings.outputKey]: answer }
		: { ...item.json, ...answer };
	if (settings.includeRunInfo)
		Object.assign(json, { run_id: record.run.run_id, taskgroup_id: taskGroupId });
	return json;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const started = Date.now();
	const maxWaitSeconds = Math.max(0, this.getNodeParameter('maxWaitSeconds', 0, 240) as number);
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings: EnrichSettings = {
		outputKey: String(options.outputKey ?? '').trim(),
		includeBasis: options.includeBasis !== false,
		includeRunInfo: options.includeRunInfo === true,
	};
	const givenGroup = String(this.getNodeParameter('taskGroupId', 0, '') ?? '').trim();
	const client = await connect(this);
	const marker = new AttemptMarker(this, executionKey(this));
	const prepared = prepareItems(this, items, marker);

	if (!prepared.runs.length) {
		return [
			items.map((item, itemIndex) => errorItem(prepared.failures.get(itemIndex)!, itemIndex)),
		];
	}
	// A retry of this node in the same execution goes on with the group the first try created.
	const ownGroup = !givenGroup;
	const taskGroupId = givenGroup
		? taskGroupIdOf(this, 0)
		: (marker.previous?.taskGroupId ??
			(await createTaskGroup(client, { source: 'n8n' })).taskgroup_id);
	marker.mark(taskGroupId);

	const { runs, failures } = await submitItems(this, client, prepared, taskGroupId, marker);
	const runIds = new Set([...runs.values()].map((run) => run.runId));
	if (runIds.size) {
		await waitForGroup(client, taskGroupId, {
			deadline: started + maxWaitSeconds * 1000,
			runIds: ownGroup ? undefined : runIds,
		});
	}

	const records = new Map<string, RunRecord>();
	if (runIds.size) {
		for await (const event of streamRuns(client, taskGroupId, { includeOutput: true })) {
			if (event.type === 'task_run.state' && runIds.has(event.run.run_id))
				records.set(event.run.run_id, event);
		}
	}

	const collectLater = `Still running: collect it with Get Results (task group ${taskGroupId}) or the Parallel Task Group Trigger`;
	let pending = 0;
	const output = items.map((item, itemIndex): INodeExecutionData => {
		const failure = failures.get(itemIndex);
		if (failure) return errorItem(failure, itemIndex);
		const submitted = runs.get(itemIndex)!;
		const record = records.get(submitted.runId);
		const status = record?.run.status ?? submitted.status;
		if (record && status === 'completed') {
			return {
				json: enrichedItem(item, record, settings, taskGroupId),
				pairedItem: { item: itemIndex },
			};
		}
		const runInfo = { run_id: submitted.runId, taskgroup_id: taskGroupId, status };
		if (record && (status === 'failed' || status === 'cancelled')) {
			const error = new NodeOperationError(
				this.getNode(),
				`Item ${itemIndex}: research run ${submitted.runId} ${status}: ${runFailureMessage(record.run)}`,
				{
					description: `Parallel could not complete this run${record.run.error?.ref_id ? ` (ref_id ${record.run.error.ref_id})` : ''}. Check the input, or try a stronger processor.`,
					itemIndex,
				},
			);
			return errorItem(error, itemIndex);
		}
		pending++;
		return {
			json: { ...item.json, ...runInfo, message: collectLater },
			pairedItem: { item: itemIndex },
		};
	});

	if (pending) {
		const hint = `${pending} of ${items.length} items were still being researched after ${maxWaitSeconds} s. Their runs continue in task group ${taskGroupId}: collect them with Get Results or the Parallel Task Group Trigger. Do not run this node again for them; that would pay for the research twice.`;
		this.logger.info(hint);
		(this as Partial<IExecuteFunctions>).addExecutionHints?.({
			message: hint,
			location: 'outputPane',
		});
	}
	marker.clear();
	return [output];
}

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { createTaskGroup } from '../../../../shared/api';
import { prepareItems, submitItems } from '../../../helpers/addItems';
import { AttemptMarker, executionKey } from '../../../helpers/attempts';
import { errorItem } from '../../../helpers/itemErrors';
import { connect, taskGroupIdOf } from '../../../helpers/items';
import {
	attachCallback,
	parkedOutput,
	preparePause,
	whileWaiting,
} from '../../../helpers/pauseMode';
import { waitForGroup } from '../../../helpers/waiting';
import { enrichOutput, enrichSettings, readRecords } from './results';
import { parkEnrich } from './pause';

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const started = Date.now();
	const pauseMode = whileWaiting(this) === 'pause';
	const maxWaitSeconds = pauseMode
		? 0
		: Math.max(0, this.getNodeParameter('maxWaitSeconds', 0, 240) as number);
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings = enrichSettings(options);
	const givenGroup = String(this.getNodeParameter('taskGroupId', 0, '') ?? '').trim();
	const client = await connect(this);
	const marker = new AttemptMarker(this, executionKey(this));
	const prepared = prepareItems(this, items, marker);

	if (!prepared.runs.length) {
		return [
			items.map((item, itemIndex) => errorItem(prepared.failures.get(itemIndex)!, itemIndex)),
		];
	}
	// Refused before anything is sent when Parallel could not call this n8n back.
	const resumeUrl = pauseMode ? preparePause(this, client) : undefined;
	// A retry of this node in the same execution goes on with the group the first try created.
	const ownGroup = !givenGroup;
	const taskGroupId = givenGroup
		? taskGroupIdOf(this, 0)
		: (marker.previous?.taskGroupId ??
			(await createTaskGroup(client, { source: 'n8n' })).taskgroup_id);
	marker.mark(taskGroupId);

	if (resumeUrl) attachCallback(prepared, resumeUrl, taskGroupId);

	const { runs, failures } = await submitItems(this, client, prepared, taskGroupId, marker);
	const runIds = new Set([...runs.values()].map((run) => run.runId));
	if (resumeUrl) {
		const pause = { items, prepared, runs, failures, taskGroupId, ownGroup, settings };
		// Parks the execution unless no run will call it back (every run already existed).
		if (await parkEnrich(this, marker, pause)) return [parkedOutput(items)];
	} else if (runIds.size) {
		await waitForGroup(client, taskGroupId, {
			deadline: started + maxWaitSeconds * 1000,
			runIds: ownGroup ? undefined : runIds,
		});
	}
	const records = await readRecords(client, taskGroupId, runIds);
	const { output, pending } = enrichOutput(this.getNode(), items, {
		taskGroupId,
		runs,
		failures,
		records,
		settings,
	});

	if (pending) {
		const when = pauseMode
			? 'when the node ended (their runs were already in the group and do not call this execution back)'
			: `after ${maxWaitSeconds} s`;
		const hint = `${pending} of ${items.length} items were still being researched ${when}. Their runs continue in task group ${taskGroupId}: collect them with Get Results or the Parallel Task Group Trigger. Do not run this node again for them; that would pay for the research twice.`;
		this.logger.info(hint);
		(this as Partial<IExecuteFunctions>).addExecutionHints?.({
			message: hint,
			location: 'outputPane',
		});
	}
	marker.clear();
	return [output];
}

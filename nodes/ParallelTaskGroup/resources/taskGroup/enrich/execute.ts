import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { createTaskGroup } from '../../../../shared/api';
import type { RunRecord } from '../../../../shared/results';
import { settle } from '../../../../shared/settle';
import type { ParallelClient } from '../../../../shared/transport/client';
import { collectHint, prepareItems, submitItems } from '../../../helpers/addItems';
import { AttemptMarker, executionKey } from '../../../helpers/attempts';
import { asNodeError, errorItem } from '../../../helpers/itemErrors';
import { connect, taskGroupIdOf } from '../../../helpers/items';
import {
	attachCallback,
	parkedOutput,
	preparePause,
	whileWaiting,
} from '../../../helpers/pauseMode';
import { waitForGroup } from '../../../helpers/waiting';
import { shapedTool } from '../../../helpers/toolMode';
import { parkEnrich } from './pause';
import { enrichOutput, enrichSettings, hasEnded, readRecords } from './results';
import { toolOutput } from './toolOutput';

/** The group Enrich adds to: the given one, the one an earlier try created, or a new one. */
async function groupFor(
	context: IExecuteFunctions,
	client: ParallelClient,
	marker: AttemptMarker,
): Promise<string> {
	const given = String(context.getNodeParameter('taskGroupId', 0, '') ?? '').trim();
	if (given) return taskGroupIdOf(context, 0);
	if (marker.previous?.taskGroupId) return marker.previous.taskGroupId;
	const workflow = context.getWorkflow();
	const created = await createTaskGroup(client, {
		source: 'n8n',
		...(workflow.id ? { n8n_workflow: String(workflow.id) } : {}),
		...(context.getExecutionId() ? { n8n_execution: context.getExecutionId() } : {}),
	});
	return created.taskgroup_id;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const started = Date.now();
	const asTool = shapedTool(this);
	const pauseMode = !asTool && whileWaiting(this) === 'pause';
	const maxWaitSeconds = pauseMode
		? 0
		: Math.max(0, this.getNodeParameter('maxWaitSeconds', 0, 240) as number);
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings = enrichSettings(options);
	const ownGroup = !String(this.getNodeParameter('taskGroupId', 0, '') ?? '').trim();
	const client = await connect(this);
	const marker = new AttemptMarker(this, executionKey(this));
	const prepared = prepareItems(this, items, marker);

	if (asTool && !prepared.runs.length) {
		return [
			toolOutput(this, items, {
				taskGroupId: '',
				runs: new Map(),
				failures: prepared.failures,
				records: new Map(),
				settings,
				maxWaitSeconds,
			}),
		];
	}
	if (!prepared.runs.length) {
		return [
			items.map((item, itemIndex) => errorItem(prepared.failures.get(itemIndex)!, itemIndex)),
		];
	}
	// Refused before anything is sent when Parallel could not call this n8n back.
	const resumeUrl = pauseMode ? preparePause(this, client) : undefined;
	// A retry of this node in the same execution goes on with the group the first try created.
	const taskGroupId = await groupFor(this, client, marker);
	marker.mark(taskGroupId);

	if (resumeUrl) attachCallback(prepared, resumeUrl, taskGroupId);

	const { runs, failures } = await submitItems(this, client, prepared, taskGroupId, marker);
	const runIds = new Set([...runs.values()].map((run) => run.runId));
	if (resumeUrl) {
		const pause = { items, prepared, runs, failures, taskGroupId, ownGroup, settings };
		// Parks the execution unless no run will call it back (every run already existed).
		if (await parkEnrich(this, pause)) return [parkedOutput(items)];
	}
	// Once runs exist, a failure to follow or read them must not hide them: what was read is kept,
	// and every item whose run is not known to have ended says where its run is.
	let problem: unknown;
	if (runIds.size && !resumeUrl) {
		const waited = await settle(() =>
			waitForGroup(client, taskGroupId, {
				deadline: started + maxWaitSeconds * 1000,
				runIds: ownGroup ? undefined : runIds,
			}),
		);
		if (!waited.ok) problem = waited.error;
	}
	const records = new Map<string, RunRecord>();
	const collected = await settle(() => readRecords(client, taskGroupId, runIds, records));
	if (!collected.ok) problem ??= collected.error;
	if (client.signal?.aborted) throw client.cancelled();
	const unresolved = [...runs.values()].filter((run) => !hasEnded(records.get(run.runId)));
	// Items whose submission failed after they were sent: their error names the group.
	const sent = new Set(
		[...failures.keys()].filter((itemIndex) => !prepared.failures.has(itemIndex)),
	);
	if (asTool) {
		const results = { taskGroupId, runs, failures, sent, records, settings, problem };
		return [toolOutput(this, items, { ...results, maxWaitSeconds })];
	}
	if (problem !== undefined && unresolved.length && !this.continueOnFail()) {
		const cause = asNodeError(this.getNode(), problem);
		throw new NodeOperationError(
			this.getNode(),
			`Task group '${taskGroupId}' could not be followed to the end: ${cause.message}`,
			{
				description: `${collectHint(taskGroupId, runs.size, items.length)} Their research goes on on Parallel's side.`,
			},
		);
	}

	const { output, pending } = enrichOutput(this.getNode(), items, {
		taskGroupId,
		runs,
		failures,
		sent,
		records,
		settings,
		problem,
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
	return [output];
}

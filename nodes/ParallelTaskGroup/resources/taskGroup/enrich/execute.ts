import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { createTaskGroup, streamRuns } from '../../../../shared/api';
import type { RunRecord } from '../../../../shared/results';
import { settle } from '../../../../shared/settle';
import type { ParallelClient } from '../../../../shared/transport/client';
import { collectHint, prepareItems, submitItems } from '../../../helpers/addItems';
import { AttemptMarker, executionKey } from '../../../helpers/attempts';
import { asNodeError, errorItem } from '../../../helpers/itemErrors';
import { connect, taskGroupIdOf } from '../../../helpers/items';
import { waitForGroup } from '../../../helpers/waiting';
import { enrichedItem, failedRunError, hasEnded } from './output';
import type { EnrichSettings } from './output';

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
	const maxWaitSeconds = Math.max(0, this.getNodeParameter('maxWaitSeconds', 0, 240) as number);
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings: EnrichSettings = {
		outputKey: String(options.outputKey ?? '').trim(),
		includeBasis: options.includeBasis !== false,
		includeRunInfo: options.includeRunInfo === true,
	};
	const ownGroup = !String(this.getNodeParameter('taskGroupId', 0, '') ?? '').trim();
	const client = await connect(this);
	const marker = new AttemptMarker(this, executionKey(this));
	const prepared = prepareItems(this, items, marker);

	if (!prepared.runs.length) {
		return [
			items.map((item, itemIndex) => errorItem(prepared.failures.get(itemIndex)!, itemIndex)),
		];
	}
	// A retry of this node in the same execution goes on with the group the first try created.
	const taskGroupId = await groupFor(this, client, marker);
	marker.mark(taskGroupId);

	const { runs, failures } = await submitItems(this, client, prepared, taskGroupId, marker);
	const runIds = new Set([...runs.values()].map((run) => run.runId));
	// Once runs exist, a failure to follow or read them must not hide them: what was read is kept,
	// and every item whose run is not known to have ended says where its run is.
	let problem: unknown;
	if (runIds.size) {
		const waited = await settle(() =>
			waitForGroup(client, taskGroupId, {
				deadline: started + maxWaitSeconds * 1000,
				runIds: ownGroup ? undefined : runIds,
			}),
		);
		if (!waited.ok) problem = waited.error;
	}
	const records = new Map<string, RunRecord>();
	if (runIds.size) {
		const collected = await settle(async () => {
			for await (const event of streamRuns(client, taskGroupId, { includeOutput: true })) {
				if (event.type === 'task_run.state' && runIds.has(event.run.run_id))
					records.set(event.run.run_id, event);
			}
		});
		if (!collected.ok) problem ??= collected.error;
	}
	if (client.signal?.aborted) throw client.cancelled();
	const unresolved = [...runs.values()].filter((run) => !hasEnded(records.get(run.runId)));
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

	const node = this.getNode();
	const collectLater = `Still running: collect it with Get Results (task group ${taskGroupId}) or the Parallel Task Group Trigger`;
	let pending = 0;
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
		const submitted = runs.get(itemIndex)!;
		const record = records.get(submitted.runId);
		const status = record?.run.status ?? submitted.status;
		const runInfo = { run_id: submitted.runId, taskgroup_id: taskGroupId, status };
		if (record && status === 'completed') {
			return {
				json: enrichedItem(item, record, settings, taskGroupId),
				pairedItem: { item: itemIndex },
			};
		}
		if (record && (status === 'failed' || status === 'cancelled')) {
			return errorItem(failedRunError(this, itemIndex, submitted, record), itemIndex, {
				node,
				values: runInfo,
			});
		}
		if (problem !== undefined) {
			const cause = asNodeError(this.getNode(), problem);
			const error = new NodeOperationError(
				this.getNode(),
				`Item ${itemIndex}: the result of run ${submitted.runId} could not be read: ${cause.message}`,
				{
					description: `Run ${submitted.runId} goes on in task group '${taskGroupId}'. Collect it with Get Results (Task Group ID ${taskGroupId}).`,
					itemIndex,
				},
			);
			return errorItem(error, itemIndex, { node, values: runInfo });
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
	return [output];
}

import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { streamRuns } from '../../../../shared/api';
import type { RunsQuery } from '../../../../shared/api';
import type { RunStatus } from '../../../../shared/models';
import { formatRun, runFailureMessage } from '../../../../shared/results';
import type { RunRecord } from '../../../../shared/results';
import type { ParallelClient } from '../../../../shared/transport/client';
import { errorForItem, errorItem } from '../../../helpers/itemErrors';
import { connect, taskGroupIdOf } from '../../../helpers/items';

interface Settings {
	simplify: boolean;
	status?: RunStatus;
	query: RunsQuery;
}

function resultItem(
	context: IExecuteFunctions,
	record: RunRecord,
	itemIndex: number,
	settings: Settings,
): INodeExecutionData {
	const { run } = record;
	if (run.status !== 'failed' && run.status !== 'cancelled') {
		return { json: formatRun(record, settings.simplify), pairedItem: { item: itemIndex } };
	}
	const error = new NodeOperationError(
		context.getNode(),
		`Run ${run.run_id} ${run.status}: ${runFailureMessage(run)}`,
		{
			description: `Parallel could not complete this run${run.error?.ref_id ? ` (ref_id ${run.error.ref_id})` : ''}. Its input is in the paired item; add it again to retry.`,
			itemIndex,
		},
	);
	return errorItem(error, itemIndex);
}

/** Items that carry a run_id (e.g. Add Runs output) get their own run's result, in their order. */
async function pairedResults(
	context: IExecuteFunctions,
	client: ParallelClient,
	items: INodeExecutionData[],
	settings: Settings,
): Promise<INodeExecutionData[]> {
	const groups = new Map<string, Set<string>>();
	const problems = new Map<number, Error>();
	items.forEach((item, itemIndex) => {
		const runId = item.json.run_id;
		if (typeof runId !== 'string' || !runId) {
			problems.set(
				itemIndex,
				new NodeOperationError(context.getNode(), `Item ${itemIndex} has no 'run_id'`, {
					description: "Connect Get Results after Add Runs, or give every item a 'run_id' field.",
					itemIndex,
				}),
			);
			return;
		}
		try {
			const taskGroupId = taskGroupIdOf(context, itemIndex);
			if (!groups.has(taskGroupId)) groups.set(taskGroupId, new Set());
			groups.get(taskGroupId)!.add(runId);
		} catch (error) {
			problems.set(itemIndex, error as Error);
		}
	});
	const records = new Map<string, RunRecord>();
	for (const [taskGroupId, runIds] of groups) {
		for await (const event of streamRuns(client, taskGroupId, settings.query)) {
			if (event.type === 'task_run.state' && runIds.has(event.run.run_id))
				records.set(event.run.run_id, event);
		}
	}
	const output: INodeExecutionData[] = [];
	items.forEach((item, itemIndex) => {
		const problem = problems.get(itemIndex);
		const record = records.get(item.json.run_id as string);
		if (problem || !record) {
			const error =
				problem ??
				new NodeOperationError(
					context.getNode(),
					`Run ${String(item.json.run_id)} is not in the task group`,
					{
						description: "Check 'Task Group ID': it must be the group the run was added to.",
						itemIndex,
					},
				);
			if (!context.continueOnFail()) throw errorForItem(context.getNode(), error, itemIndex);
			output.push(errorItem(errorForItem(context.getNode(), error, itemIndex), itemIndex));
			return;
		}
		if (settings.status && record.run.status !== settings.status) return;
		output.push(resultItem(context, record, itemIndex, settings));
	});
	return output;
}

interface Page {
	/** Results at most, or all of them. */
	limit?: number;
	/** The cursor to read after (`last_event_id`). */
	startAfter?: string;
}

/** Return All / Limit and Start After for the group named by this item. */
function pageOf(context: IExecuteFunctions, itemIndex: number): Page {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const startAfter = typeof options.startAfter === 'string' ? options.startAfter.trim() : '';
	const returnAll = context.getNodeParameter('returnAll', itemIndex, true) as boolean;
	if (returnAll) return { startAfter: startAfter || undefined };
	const limit = context.getNodeParameter('limit', itemIndex, 50) as number;
	if (!Number.isInteger(limit) || limit < 1) {
		throw new NodeOperationError(
			context.getNode(),
			`Item ${itemIndex}: 'Limit' must be 1 or more`,
			{
				description: `It is ${String(limit)}. Set a whole number of results per page, e.g. 5000, or turn on 'Return All'.`,
				itemIndex,
			},
		);
	}
	return { limit, startAfter: startAfter || undefined };
}

/**
 * Without run IDs: the runs of each group, paired with the first item that named the group. With
 * a limit the read stops (and the stream closes) at the limit; a page's results carry
 * `next_cursor`, the run's event id, to read on from with Start After.
 */
async function allResults(
	context: IExecuteFunctions,
	client: ParallelClient,
	items: INodeExecutionData[],
	settings: Settings,
): Promise<INodeExecutionData[]> {
	const groups = new Map<string, number>();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const taskGroupId = taskGroupIdOf(context, itemIndex);
		if (!groups.has(taskGroupId)) groups.set(taskGroupId, itemIndex);
	}
	for (const [taskGroupId, itemIndex] of groups) {
		const page = pageOf(context, itemIndex);
		const paging = page.limit !== undefined || page.startAfter !== undefined;
		const query = { ...settings.query, status: settings.status, lastEventId: page.startAfter };
		let cursor = page.startAfter ?? null;
		let count = 0;
		for await (const event of streamRuns(client, taskGroupId, query)) {
			if (event.type !== 'task_run.state') continue;
			const item = resultItem(context, event, itemIndex, settings);
			if (paging) {
				cursor = event.event_id ?? cursor;
				item.json.next_cursor = cursor;
			}
			output.push(item);
			if (page.limit !== undefined && ++count >= page.limit) break;
		}
	}
	return output;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const client = await connect(this);
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings: Settings = {
		simplify: this.getNodeParameter('simplify', 0, true) as boolean,
		status: (options.status as RunStatus | '') || undefined,
		query: {
			includeInput: options.includeInput === true,
			includeOutput: options.includeOutput !== false,
		},
	};
	const pairing = items.some((item) => typeof item.json.run_id === 'string' && item.json.run_id);
	return [
		pairing
			? await pairedResults(this, client, items, settings)
			: await allResults(this, client, items, settings),
	];
}

import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { streamRuns } from '../../../../shared/api';
import { contentFields, runFailureMessage } from '../../../../shared/results';
import type { RunRecord } from '../../../../shared/results';
import type { ParallelClient } from '../../../../shared/transport/client';
import { errorItem } from '../../../helpers/itemErrors';
import type { ItemError } from '../../../helpers/itemErrors';
import type { EnrichSettings } from '../../../helpers/pauseState';

export type { EnrichSettings };

export function enrichSettings(options: IDataObject): EnrichSettings {
	return {
		outputKey: String(options.outputKey ?? '').trim(),
		includeBasis: options.includeBasis !== false,
		includeRunInfo: options.includeRunInfo === true,
	};
}

export interface EnrichResults {
	taskGroupId: string;
	/** The run of each item that has one, with its status when it was added. */
	runs: Map<number, { runId: string; status: string }>;
	/** Items that could not become a run. */
	failures: Map<number, ItemError>;
	/** What the group's runs came to, by run ID. */
	records: Map<string, RunRecord>;
	settings: EnrichSettings;
}

/** One `/runs` read with outputs: what each of `runIds` came to (runs not found are left out). */
export async function readRecords(
	client: ParallelClient,
	taskGroupId: string,
	runIds: Set<string>,
): Promise<Map<string, RunRecord>> {
	const records = new Map<string, RunRecord>();
	if (!runIds.size) return records;
	for await (const event of streamRuns(client, taskGroupId, { includeOutput: true })) {
		if (event.type === 'task_run.state' && runIds.has(event.run.run_id))
			records.set(event.run.run_id, event);
	}
	return records;
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

/**
 * Enrich's output: each item in input order with its answer merged in, an error item for a run
 * Parallel could not complete (n8n routes it to the error output), and for a run still going its
 * ID and status with how to collect it. `pending` counts the last kind.
 */
export function enrichOutput(
	node: INode,
	items: INodeExecutionData[],
	results: EnrichResults,
): { output: INodeExecutionData[]; pending: number } {
	const { taskGroupId, runs, failures, records, settings } = results;
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
				node,
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
	return { output, pending };
}

import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { streamRuns } from '../../../../shared/api';
import { contentFields, runFailureMessage } from '../../../../shared/results';
import { statusMeaning } from '../../../../shared/statuses';
import type { RunRecord } from '../../../../shared/results';
import type { ParallelClient } from '../../../../shared/transport/client';
import { asNodeError, errorItem } from '../../../helpers/itemErrors';
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
	/** Items without a run: they could not become one, or their submission failed. */
	failures: Map<number, ItemError>;
	/** Of `failures`, the items that were sent (their error names the group). */
	sent?: Set<number>;
	/** What the group's runs came to, by run ID. */
	records: Map<string, RunRecord>;
	settings: EnrichSettings;
	/** Why the group could not be followed or read to the end, when it could not. */
	problem?: unknown;
}

/** One `/runs` read with outputs into `records`: what each of `runIds` came to. */
export async function readRecords(
	client: ParallelClient,
	taskGroupId: string,
	runIds: Set<string>,
	records = new Map<string, RunRecord>(),
): Promise<Map<string, RunRecord>> {
	if (!runIds.size) return records;
	for await (const event of streamRuns(client, taskGroupId, { includeOutput: true })) {
		if (event.type === 'task_run.state' && runIds.has(event.run.run_id))
			records.set(event.run.run_id, event);
	}
	return records;
}

/** Whether a run has reached a status it will not leave. */
export function hasEnded(record: RunRecord | undefined): boolean {
	const status = record?.run.status;
	return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** The input item with the run's answer merged in (or under `outputKey`). */
function enrichedItem(
	item: INodeExecutionData,
	record: RunRecord,
	settings: EnrichSettings,
	taskGroupId: string,
): IDataObject {
	const answer: IDataObject = record.output ? contentFields(record.output) : {};
	if (settings.includeBasis && record.output)
		answer.basis = (record.output.basis ?? []) as unknown as IDataObject[];
	const json: IDataObject = settings.outputKey
		? { ...item.json, [settings.outputKey]: answer }
		: { ...item.json, ...answer };
	if (settings.includeRunInfo) {
		const { run_id, interaction_id } = record.run;
		Object.assign(json, { run_id, interaction_id, taskgroup_id: taskGroupId });
	}
	return json;
}

function failedRunError(
	node: INode,
	itemIndex: number,
	runId: string,
	record: RunRecord,
): NodeOperationError {
	const { run } = record;
	return new NodeOperationError(
		node,
		`Item ${itemIndex}: research run ${runId} ${run.status}: ${runFailureMessage(run)}`,
		{
			description: `Parallel could not complete this run${run.error?.ref_id ? ` (ref_id ${run.error.ref_id})` : ''}. Check the input, or try a stronger processor.`,
			itemIndex,
		},
	);
}

/**
 * Enrich's output: each item in input order with its answer merged in; an error item for a run
 * Parallel could not complete or whose result could not be read (n8n routes it to the error
 * output), naming its run and group; for a run still going, its ID and status with how to collect
 * it. `pending` counts the last kind.
 */
export function enrichOutput(
	node: INode,
	items: INodeExecutionData[],
	results: EnrichResults,
): { output: INodeExecutionData[]; pending: number } {
	const { taskGroupId, runs, failures, records, settings, problem } = results;
	const collectLater = `Still running: collect it with Get Results (task group ${taskGroupId}) or the Parallel Task Group Trigger`;
	const cause = problem === undefined ? undefined : asNodeError(node, problem);
	let pending = 0;
	const output = items.map((item, itemIndex): INodeExecutionData => {
		const failure = failures.get(itemIndex);
		if (failure) {
			// Items that never became runs carry no group; those the submission failed say where it went.
			const sent = results.sent?.has(itemIndex);
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
			return errorItem(failedRunError(node, itemIndex, submitted.runId, record), itemIndex, {
				node,
				values: runInfo,
			});
		}
		if (record && status === 'action_required') {
			const error = new NodeOperationError(
				node,
				`Item ${itemIndex}: research run ${submitted.runId} is waiting for an action (action_required)`,
				{
					description: `${statusMeaning(status)} Act on it in Parallel, then collect it with Get Results (task group ${taskGroupId}).`,
					itemIndex,
				},
			);
			return errorItem(error, itemIndex, { node, values: runInfo });
		}
		if (cause) {
			const error = new NodeOperationError(
				node,
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
	return { output, pending };
}

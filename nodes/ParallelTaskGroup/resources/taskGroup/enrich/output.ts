import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { contentFields, runFailureMessage } from '../../../../shared/results';
import type { RunRecord } from '../../../../shared/results';
import type { SubmittedRun } from '../../../helpers/submission';

export interface EnrichSettings {
	outputKey: string;
	includeBasis: boolean;
	includeRunInfo: boolean;
}

/** The input item with the run's answer merged in (or under `outputKey`). */
export function enrichedItem(
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
	if (settings.includeRunInfo)
		Object.assign(json, { run_id: record.run.run_id, taskgroup_id: taskGroupId });
	return json;
}

/** The error of a run that Parallel could not complete. */
export function failedRunError(
	context: IExecuteFunctions,
	itemIndex: number,
	submitted: SubmittedRun,
	record: RunRecord,
): NodeOperationError {
	const { run } = record;
	return new NodeOperationError(
		context.getNode(),
		`Item ${itemIndex}: research run ${submitted.runId} ${run.status}: ${runFailureMessage(run)}`,
		{
			description: `Parallel could not complete this run${run.error?.ref_id ? ` (ref_id ${run.error.ref_id})` : ''}. Check the input, or try a stronger processor.`,
			itemIndex,
		},
	);
}

/** Whether a run has reached a status it will not leave. */
export function hasEnded(record: RunRecord | undefined): boolean {
	const status = record?.run.status;
	return status === 'completed' || status === 'failed' || status === 'cancelled';
}

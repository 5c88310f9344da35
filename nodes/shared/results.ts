import type { IDataObject } from 'n8n-workflow';

import { ITEM_KEY_METADATA } from './models';
import type { TaskRun, TaskRunInput, TaskRunOutput } from './models';
import { redactInput } from './redact';
import { statusMeaning } from './statuses';

export interface RunRecord {
	run: TaskRun;
	input?: TaskRunInput | null;
	output?: TaskRunOutput | null;
}

/**
 * The output's content: an object for JSON outputs, a string for text. Some docs show JSON content
 * encoded as a string (notes 6.6), so a string that parses to an object is read as one.
 */
export function outputContent(output: TaskRunOutput): IDataObject | string {
	const { content } = output;
	if (typeof content === 'string') {
		if (output.type === 'json' || /^\s*\{/.test(content)) {
			try {
				const parsed: unknown = JSON.parse(content);
				if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
					return parsed as IDataObject;
			} catch {
				// Plain text after all.
			}
		}
		return content;
	}
	return (content ?? {}) as IDataObject;
}

/** The answer's fields at the top level, like a spreadsheet row wants them. */
export function contentFields(output: TaskRunOutput): IDataObject {
	const content = outputContent(output);
	return typeof content === 'string' ? { output: content } : { ...content };
}

export function runFailureMessage(run: TaskRun): string {
	return run.error?.message || `${run.status}: ${statusMeaning(run.status)}`;
}

/**
 * Simplified: the output's content fields first, then the run's id, status and metadata, with the
 * basis (reasoning, confidence and citations per field) kept together under `basis`.
 */
function simplifyRun(record: RunRecord): IDataObject {
	const { run, output } = record;
	const item: IDataObject = output ? contentFields(output) : {};
	item.run_id = run.run_id;
	// What a follow-up run passes as Previous Interaction ID to build on this run's research.
	if (run.interaction_id) item.interaction_id = run.interaction_id;
	item.status = run.status;
	if (run.status !== 'completed') item.status_meaning = statusMeaning(run.status);
	// Metadata is how a result finds its way back, e.g. the row ID given to Add Runs.
	const metadata = Object.entries(run.metadata ?? {}).filter(([key]) => key !== ITEM_KEY_METADATA);
	if (metadata.length) item.metadata = Object.fromEntries(metadata);
	if (run.status === 'failed' || run.status === 'cancelled') item.error = runFailureMessage(run);
	if (output) item.basis = (output.basis ?? []) as unknown as IDataObject[];
	if (record.input) item.input = record.input.input as IDataObject;
	return item;
}

/** The record as the API sent it, minus the stream's bookkeeping fields. */
function rawRun(record: RunRecord): IDataObject {
	const item: IDataObject = { run: record.run as unknown as IDataObject };
	if (record.input) item.input = redactInput(record.input) as unknown as IDataObject;
	if (record.output) {
		item.output = {
			...record.output,
			content: outputContent(record.output),
		} as unknown as IDataObject;
	}
	return item;
}

export function formatRun(record: RunRecord, simplify: boolean): IDataObject {
	return simplify ? simplifyRun(record) : rawRun(record);
}

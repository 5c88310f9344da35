import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import type { FieldBasis, TaskRunOutput } from '../../shared/models';
import { outputContent, runFailureMessage } from '../../shared/results';
import type { RunRecord } from '../../shared/results';
import { TOOL_VERSION } from '../descriptions/toolMode';

/** What n8n adds to a tool's input item: the model's call ID (the agent's bookkeeping). */
export const TOOL_BOOKKEEPING_FIELDS = ['toolCallId'];

const SOURCES_PER_FIELD = 3;

/**
 * Whether the node runs as an AI Agent tool: n8n registers the tool as `<type>Tool` (its
 * `usableAsTool` copy) in 2.x and 1.x alike, and runs it through `execute` with the model's
 * arguments as the input item (2.x: merged with the agent's input item and `toolCallId`).
 */
export function isToolNode(node: INode): boolean {
	return node.type.endsWith('Tool');
}

/** Tool mode with the answers shaped for a model: node version 1.1 and later. */
export function isShapedTool(node: INode): boolean {
	return isToolNode(node) && node.typeVersion >= TOOL_VERSION;
}

export function shapedTool(context: IExecuteFunctions): boolean {
	return isShapedTool(context.getNode());
}

/** The item's data without the agent's bookkeeping. */
export function withoutBookkeeping(json: IDataObject): IDataObject {
	const data = { ...json };
	for (const field of TOOL_BOOKKEEPING_FIELDS) delete data[field];
	return data;
}

function sourcesOf(basis: FieldBasis | undefined): string[] {
	const urls = (basis?.citations ?? []).map((citation) => citation.url).filter(Boolean);
	return [...new Set(urls)].slice(0, SOURCES_PER_FIELD);
}

/** The answer with a few source URLs per field (or the full basis when asked for). */
function answerOf(output: TaskRunOutput, fullBasis: boolean): IDataObject {
	const content = outputContent(output);
	const basis = output.basis ?? [];
	if (fullBasis) return { answer: content, basis: basis as unknown as IDataObject[] };
	if (typeof content === 'string') {
		return { answer: content, sources: [...new Set(basis.flatMap(sourcesOf))].slice(0, 5) };
	}
	const sources: IDataObject = {};
	for (const field of Object.keys(content)) {
		const urls = sourcesOf(basis.find((entry) => entry.field === field));
		if (urls.length) sources[field] = urls;
	}
	return { answer: content, sources };
}

export interface ToolAnswerOptions {
	fullBasis: boolean;
	/** How long the node waited, for the message of a run still going. */
	waitedSeconds: number;
	/** Why the run could not be followed to its end, when that is the reason it has no answer. */
	problem?: string;
}

/** What the model reads about one run: its answer, why it failed, or how to fetch it later. */
export function toolAnswer(
	runId: string,
	record: RunRecord | undefined,
	knownStatus: string,
	options: ToolAnswerOptions,
): IDataObject {
	const status = record?.run.status ?? knownStatus;
	if (record && status === 'completed' && record.output) {
		return { status, run_id: runId, ...answerOf(record.output, options.fullBasis) };
	}
	if (record && (status === 'failed' || status === 'cancelled')) {
		return {
			status,
			run_id: runId,
			error: `The research ${status}: ${runFailureMessage(record.run)}. Rephrase the question more precisely before asking again.`,
		};
	}
	const why = options.problem
		? `Its progress could not be read (${options.problem}).`
		: `The research was still running after ${options.waitedSeconds} s.`;
	return {
		status: status === 'completed' ? 'running' : status,
		run_id: runId,
		message: `${why} Get its answer later with the tool that fetches a research result by run_id, passing run_id '${runId}'. Do not ask this tool the same question again: that would pay for the research twice.`,
	};
}

/** A call the tool refused or could not start: the model reads what to do differently. */
export function toolRefusal(message: string, fix?: string): IDataObject {
	return { status: 'not_started', error: fix ? `${message}. ${fix}` : message };
}

import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

const CONTEXT_KEY = 'parallelPause';

export interface EnrichSettings {
	outputKey: string;
	includeBasis: boolean;
	includeRunInfo: boolean;
}

/** An item that failed before its run was sent, kept for the output after the resume. */
export interface ItemFailure {
	itemIndex: number;
	message: string;
	description?: string;
}

interface StateBase {
	version: 1;
	/** Epoch ms when the execution was parked. */
	pausedAt: number;
}

export interface EnrichPause extends StateBase {
	operation: 'enrich';
	taskGroupId: string;
	/** Whether Enrich created the group: then the group's status alone says when its runs end. */
	ownGroup: boolean;
	/** Run ID per input item, '' for an item without a run. */
	runIds: string[];
	/** Runs this execution created with its callback; the execution resumes once all have ended. */
	awaited: string[];
	failures: ItemFailure[];
	settings: EnrichSettings;
}

export interface WaitPause extends StateBase {
	operation: 'waitForCompletion';
	/** Task group per input item. */
	taskGroupIds: string[];
}

export type PauseState = EnrichPause | WaitPause;

/**
 * Kept in the node's execution context, which n8n stores with the waiting execution (and which
 * survives a restart); `webhook()` has no context accessor, so it reads it back through the
 * `$node[...].context` expression.
 */
export function savePauseState(context: IExecuteFunctions, state: PauseState): void {
	context.getContext('node')[CONTEXT_KEY] = state as unknown as IDataObject;
}

export function loadPauseState(context: IWebhookFunctions): PauseState | undefined {
	const name = JSON.stringify(context.getNode().name);
	const value = context.evaluateExpression(
		`{{ $node[${name}].context[${JSON.stringify(CONTEXT_KEY)}] }}`,
	);
	const state = value as unknown as PauseState | undefined;
	if (!state || typeof state !== 'object' || state.version !== 1) return undefined;
	if (state.operation === 'enrich' && Array.isArray(state.runIds)) return state;
	if (state.operation === 'waitForCompletion' && Array.isArray(state.taskGroupIds)) return state;
	return undefined;
}

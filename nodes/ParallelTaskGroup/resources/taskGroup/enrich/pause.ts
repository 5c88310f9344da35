import { WAIT_INDEFINITELY } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { PreparedItems } from '../../../helpers/addItems';
import type { ItemError } from '../../../helpers/itemErrors';
import { savePauseState } from '../../../helpers/pauseState';
import type { SubmittedRun } from '../../../helpers/submission';
import type { EnrichSettings } from './results';

export interface EnrichPauseInput {
	items: INodeExecutionData[];
	prepared: PreparedItems;
	runs: Map<number, SubmittedRun>;
	failures: Map<number, ItemError>;
	taskGroupId: string;
	ownGroup: boolean;
	settings: EnrichSettings;
}

/**
 * The runs that will call this execution back: those this submission created, and those an
 * earlier try of this node in this execution created (their automatic key is this execution's).
 * A run found by the user's idempotency key may come from another execution and never call back.
 */
function callingBack(pause: EnrichPauseInput): string[] {
	const userKeyed = new Set(
		pause.prepared.runs.filter((run) => run.userKey).map((run) => run.itemIndex),
	);
	const awaited = new Set<string>();
	for (const [itemIndex, run] of pause.runs) {
		if (!run.reused || !userKeyed.has(itemIndex)) awaited.add(run.runId);
	}
	return [...awaited];
}

/**
 * Parks the execution (n8n stores it and frees the worker; no time limit applies while it waits)
 * until the runs call back, keeping what the callbacks need in the node's execution context.
 * Returns false when no run will call back, so the caller collects what there is now.
 */
export async function parkEnrich(
	context: IExecuteFunctions,
	pause: EnrichPauseInput,
): Promise<boolean> {
	const awaited = callingBack(pause);
	if (!awaited.length) return false;
	savePauseState(context, {
		version: 1,
		operation: 'enrich',
		pausedAt: Date.now(),
		taskGroupId: pause.taskGroupId,
		ownGroup: pause.ownGroup,
		runIds: pause.items.map((_, itemIndex) => pause.runs.get(itemIndex)?.runId ?? ''),
		awaited,
		failures: [...pause.failures].map(([itemIndex, error]) => ({
			itemIndex,
			message: error.message,
			...(error.description ? { description: error.description } : {}),
		})),
		settings: pause.settings,
	});
	await context.putExecutionToWait(WAIT_INDEFINITELY);
	context.logger.info('Parallel runs added; the execution waits for them to call back', {
		taskGroupId: pause.taskGroupId,
		runs: awaited.length,
	});
	return true;
}

import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { asNodeError } from '../../../helpers/itemErrors';
import { toolAnswer, toolRefusal } from '../../../helpers/toolMode';
import type { EnrichResults } from './results';

/**
 * Enrich's output as an AI Agent tool (1.1): per item only what the model needs, never the input
 * item (the agent's bookkeeping and the model's own arguments would come back to it): the answer
 * with a few sources, or why there is none and what to do. Refusals and failed runs are answers
 * too, so that the model reads them in every n8n version's agent.
 */
export function toolOutput(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	results: EnrichResults & { maxWaitSeconds: number },
): INodeExecutionData[] {
	const { taskGroupId, runs, failures, records, problem } = results;
	const fullBasis = context.getNodeParameter('includeFullBasis', 0, false) as boolean;
	const node = context.getNode();
	const cause = problem === undefined ? undefined : asNodeError(node, problem).message;
	return items.map((_, itemIndex): INodeExecutionData => {
		const pairedItem = { item: itemIndex };
		const failure = failures.get(itemIndex);
		if (failure) {
			const message = failure.message.replace(/^Item \d+: /, '');
			const refusal = toolRefusal(message, failure.description ?? undefined);
			// Sent but not confirmed: it may exist, so the model must not simply ask again.
			if (results.sent?.has(itemIndex)) {
				refusal.status = 'unknown';
				refusal.taskgroup_id = taskGroupId;
			}
			return { json: refusal, pairedItem };
		}
		const submitted = runs.get(itemIndex)!;
		const json = toolAnswer(submitted.runId, records.get(submitted.runId), submitted.status, {
			fullBasis,
			waitedSeconds: results.maxWaitSeconds,
			problem: cause,
		});
		return { json, pairedItem };
	});
}

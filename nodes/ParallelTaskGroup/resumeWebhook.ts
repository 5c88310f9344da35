import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE, ParallelClient } from '../shared/transport/client';
import type { RunRecord } from '../shared/results';
import { decideEnrich, decideWait, parseCallback } from './helpers/pauseDecision';
import type { Verdict } from './helpers/pauseDecision';
import { claimResume, wasResumed } from './helpers/pauseGuard';
import { checkSignature } from './helpers/pauseSignature';
import { loadPauseState } from './helpers/pauseState';
import type { EnrichPause, PauseState, WaitPause } from './helpers/pauseState';
import { enrichOutput } from './resources/taskGroup/enrich/results';

/** The parked node's input items: n8n gives `webhook()` them as the connection's input data. */
function inputItems(context: IWebhookFunctions): INodeExecutionData[] {
	const all = context.evaluateExpression('{{ $input.all() }}') as unknown;
	return Array.isArray(all) ? (all as INodeExecutionData[]) : [];
}

function enrichResumeOutput(
	context: IWebhookFunctions,
	state: EnrichPause,
	records: Map<string, RunRecord>,
): INodeExecutionData[] {
	const node = context.getNode();
	const runs = new Map<number, { runId: string; status: string }>();
	state.runIds.forEach((runId, itemIndex) => {
		if (runId) runs.set(itemIndex, { runId, status: 'queued' });
	});
	const failures = new Map(
		state.failures.map((failure) => [
			failure.itemIndex,
			new NodeOperationError(node, failure.message, {
				description: failure.description,
				itemIndex: failure.itemIndex,
			}),
		]),
	);
	const items = inputItems(context).map((item) => ({ json: (item.json ?? {}) as IDataObject }));
	return enrichOutput(node, items, {
		taskGroupId: state.taskGroupId,
		runs,
		failures,
		records,
		settings: state.settings,
	}).output;
}

function waitResumeOutput(state: WaitPause, verdict: Verdict): INodeExecutionData[] {
	const statuses = verdict.action === 'resumeWait' ? verdict.statuses : new Map();
	const waited = Math.round((Date.now() - state.pausedAt) / 100) / 10;
	return state.taskGroupIds.map((taskGroupId, itemIndex) => ({
		json: {
			taskgroup_id: taskGroupId,
			completed: true,
			timed_out: false,
			waited_seconds: waited,
			status: statuses.get(taskGroupId) as unknown as IDataObject,
		},
		pairedItem: { item: itemIndex },
	}));
}

async function decide(
	context: IWebhookFunctions,
	state: PauseState,
	credentials: { webhookSecret?: string },
): Promise<Verdict | { action: 'forged'; reason: string }> {
	const secret = String(credentials.webhookSecret ?? '').trim();
	if (secret) {
		const request = context.getRequestObject() as unknown as { rawBody?: Uint8Array };
		const check = checkSignature(
			secret,
			{ headers: context.getHeaderData() as Record<string, unknown>, rawBody: request.rawBody },
			Math.floor(Date.now() / 1000),
		);
		if (!check.ok) return { action: 'forged', reason: check.reason };
	}
	const callback = parseCallback(context.getBodyData(), context.getQueryData());
	const client = await ParallelClient.connect(context);
	return state.operation === 'enrich'
		? await decideEnrich(client, state, callback)
		: await decideWait(client, state, callback);
}

/**
 * Serves the callbacks of a parked Enrich Items or Wait for Completion. Every answer is decided
 * from Parallel's API, never from the callback's content; the execution resumes only when every
 * awaited run has ended, with the same items the operation returns when it keeps the execution running.
 * Nothing here may throw: n8n would resume the execution with the error.
 */
export async function resumeWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const response = this.getResponseObject();
	const reply = (status: number, body: IDataObject): IWebhookResponseData => {
		if (!response.headersSent) response.status(status).json(body);
		return { noWebhookResponse: true };
	};
	try {
		const state = loadPauseState(this);
		if (!state) return reply(200, { status: 'ignored', reason: 'this node is not waiting' });
		const executionId = this.getExecutionId();
		if (wasResumed(executionId)) return reply(200, { status: 'ignored', reason: 'resumed' });
		const credentials = await this.getCredentials<{ webhookSecret?: string }>(CREDENTIAL_TYPE);
		const verdict = await decide(this, state, credentials);
		if (verdict.action === 'forged') {
			this.logger.warn('Parallel callback refused: its signature does not check out', {
				reason: verdict.reason,
			});
			return reply(401, { status: 'refused', reason: verdict.reason });
		}
		if (verdict.action === 'ignore' || verdict.action === 'wait') {
			this.logger.debug('Parallel callback acknowledged', { reason: verdict.reason });
			return reply(200, { status: verdict.action === 'wait' ? 'waiting' : 'ignored' });
		}
		if (verdict.action === 'retryLater') {
			this.logger.debug('Parallel callback came early; asked to send it again', {
				reason: verdict.reason,
			});
			return reply(503, { status: 'retry later', reason: verdict.reason });
		}
		const output =
			state.operation === 'enrich' && verdict.action === 'resumeEnrich'
				? enrichResumeOutput(this, state, verdict.records)
				: waitResumeOutput(state as WaitPause, verdict);
		// Another callback, checked at the same time, may have resumed it already.
		if (!claimResume(executionId)) return reply(200, { status: 'ignored', reason: 'resumed' });
		this.logger.info('Parallel runs have ended; resuming the execution', { executionId });
		response.status(200).json({ status: 'resumed' });
		return { noWebhookResponse: true, workflowData: [output] };
	} catch (error) {
		// The API could not be read: Parallel sends the callback again later.
		this.logger.warn('Parallel callback could not be checked; asked to send it again', {
			message: (error as Error).message,
		});
		return reply(503, { status: 'retry later', reason: (error as Error).message });
	}
}

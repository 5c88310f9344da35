import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, IWebhookDescription } from 'n8n-workflow';

import type { RunWebhook } from '../../shared/models';
import type { ParallelClient } from '../../shared/transport/client';
import type { PreparedItems } from './addItems';

/** 'While Waiting': today's in-process wait, or n8n parks the execution until the runs call back. */
export type WhileWaiting = 'keepRunning' | 'pause';

/** The path n8n appends to the execution's resume URL for this node's callbacks. */
export const CALLBACK_PATH = 'parallel-run-status';
/** The query parameter that tells each callback which task group it is about. */
export const GROUP_QUERY = 'taskgroup';

/**
 * Declared as a constant (not inline in the node's description) so it can sit with the code that
 * serves it. A restart webhook exists only while an execution waits: n8n never registers it on
 * activation, so it has no create/check/delete lifecycle on Parallel's side.
 */
export const PAUSE_WEBHOOKS: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		path: CALLBACK_PATH,
		restartWebhook: true,
		responseMode: 'onReceived',
	},
];

export function whileWaiting(context: IExecuteFunctions): WhileWaiting {
	return context.getNodeParameter('whileWaiting', 0, 'keepRunning') === 'pause'
		? 'pause'
		: 'keepRunning';
}

/** This execution's resume URL (`$execution.resumeUrl`; on n8n 2.x it carries a signature token). */
export function resumeUrlOf(context: IExecuteFunctions): string {
	const proxy = context.getWorkflowDataProxy(0) as { $execution?: { resumeUrl?: unknown } };
	const resumeUrl = proxy.$execution?.resumeUrl;
	if (typeof resumeUrl !== 'string' || !/^https?:\/\//.test(resumeUrl)) {
		throw new NodeOperationError(context.getNode(), 'This n8n gives no resume URL to wait on', {
			description:
				"Pause the Execution needs an execution that n8n can resume from a webhook. Set 'While Waiting' to 'Keep the Execution Running' here.",
		});
	}
	return resumeUrl;
}

/** The per-run webhook: the resume URL plus this node's path, with the group in the query. */
export function runWebhook(resumeUrl: string, taskGroupId: string): RunWebhook {
	const url = new URL(resumeUrl);
	url.pathname = `${url.pathname.replace(/\/+$/, '')}/${CALLBACK_PATH}`;
	url.searchParams.set(GROUP_QUERY, taskGroupId);
	return { url: url.toString(), event_types: ['task_run.status'] };
}

function ipv4Octets(hostname: string): number[] | undefined {
	const parts = hostname.split('.');
	if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part))) return undefined;
	const octets = parts.map(Number);
	return octets.every((octet) => octet <= 255) ? octets : undefined;
}

/** Whether a host name can only be reached from inside its own machine or network. */
export function isPrivateHost(hostname: string): boolean {
	const host = hostname
		.toLowerCase()
		.replace(/^\[|\]$/g, '')
		.replace(/\.$/, '');
	if (!host || host === 'localhost' || host.endsWith('.localhost')) return true;
	const octets = ipv4Octets(host);
	if (octets) {
		const [a, b] = octets;
		return (
			a === 0 ||
			a === 10 ||
			a === 127 ||
			(a === 100 && b >= 64 && b <= 127) ||
			(a === 169 && b === 254) ||
			(a === 172 && b >= 16 && b <= 31) ||
			(a === 192 && b === 168)
		);
	}
	if (host.includes(':')) {
		return (
			host === '::' ||
			host === '::1' ||
			/^f[cd][0-9a-f]{2}:/.test(host) ||
			/^fe[89ab][0-9a-f]:/.test(host) ||
			/^::ffff:(127|10|192\.168)\./.test(host)
		);
	}
	// One label (a Docker service name, a machine name) or a name reserved for local networks.
	return !host.includes('.') || /\.(local|internal|lan|home\.arpa|localdomain)$/.test(host);
}

/**
 * Refuses, before anything is sent, a resume URL Parallel could not call: a private address while
 * the credential points at a public API. A local stand-in (private base URL) can call it.
 */
export function assertReachableByParallel(
	context: IExecuteFunctions,
	resumeUrl: string,
	apiBaseUrl: string,
): void {
	const callbackHost = new URL(resumeUrl).hostname;
	const apiHost = new URL(apiBaseUrl).hostname;
	if (!isPrivateHost(callbackHost) || isPrivateHost(apiHost)) return;
	const base = new URL(resumeUrl);
	throw new NodeOperationError(
		context.getNode(),
		`Parallel cannot reach this n8n to resume the execution: its webhook address is ${base.protocol}//${base.host}, a local or private address`,
		{
			description:
				"Pause the Execution needs n8n's public address: set the WEBHOOK_URL environment variable to it (e.g. https://n8n.example.com/) and restart n8n. Or set 'While Waiting' to 'Keep the Execution Running', or use Add Runs with the Parallel Task Group Trigger. Nothing was sent to Parallel.",
		},
	);
}

/** The resume URL the runs will call, once it is known that Parallel can reach it. */
export function preparePause(context: IExecuteFunctions, client: ParallelClient): string {
	// As an AI agent's tool the node answers the agent; it cannot park the agent's execution.
	if (context.getNode().type.endsWith('Tool')) {
		throw new NodeOperationError(
			context.getNode(),
			'Pause the Execution is not available to an AI agent',
			{
				description: "Set 'While Waiting' to 'Keep the Execution Running' for the tool.",
			},
		);
	}
	const resumeUrl = resumeUrlOf(context);
	assertReachableByParallel(context, resumeUrl, client.baseUrl);
	return resumeUrl;
}

/** Every run gets Parallel's per-run webhook pointing at this execution's resume URL. */
export function attachCallback(
	prepared: PreparedItems,
	resumeUrl: string,
	taskGroupId: string,
): void {
	const webhook = runWebhook(resumeUrl, taskGroupId);
	for (const run of prepared.runs) run.input = { ...run.input, webhook };
}

/**
 * What the node shows while the execution waits: its input, in a new array. n8n drops it on the
 * resume; with the error output on, n8n empties the array it is given while sorting items, and
 * the input array is the one n8n stores for the resume.
 */
export function parkedOutput(items: INodeExecutionData[]): INodeExecutionData[] {
	return items.map((item, itemIndex) => ({ json: item.json, pairedItem: { item: itemIndex } }));
}

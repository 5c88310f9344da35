/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test infrastructure runs in Node, not in n8n */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ExecutionLifecycleHooks, WebhookContext, WorkflowExecute } from 'n8n-core';
import { Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IRun,
	IRunExecutionData,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { PAUSE_WEBHOOKS } from '../../nodes/ParallelTaskGroup/helpers/pauseMode';
import { TestCredentialsHelper } from './credentials';
import { nodeTypesOf, PACKAGE } from './workflow';
import type { NodeSettings } from './workflow';

/**
 * A stand-in for n8n's waiting-webhook endpoint (`/webhook-waiting/<executionId>/<suffix>`), in
 * front of n8n-core's real WorkflowExecute and WebhookContext. It does what n8n does with a
 * parked execution: 409 while it runs or after it finished, the node's `webhook()` with the
 * stored execution data (node disabled, its parked run dropped), and a resume with the items the
 * webhook returns. `claim: 'atomic'` resumes only if the execution is still waiting (n8n 2.x);
 * `claim: 'none'` resumes for every webhook that returns items (n8n 1.x).
 */
export interface WaitingEndpointOptions {
	claim: 'atomic' | 'none';
	/** n8n 2.x puts a token in the resume URL and refuses requests without it. */
	resumeToken?: string;
}

export interface ExecutionRecord {
	id: string;
	status: 'running' | 'waiting' | 'finished';
	/** The first run (until parked), then each resumed run. */
	runs: IRun[];
	/** How many times n8n resumed it. */
	resumes: number;
	/** Webhook answers by HTTP status. */
	answers: Record<number, number>;
	/** Errors the node's webhook() threw: n8n would resume the execution with them. */
	webhookErrors: Error[];
	/** Resolves when the execution has finished after a resume. */
	finished: Promise<IRun>;
	parked: Promise<IRun>;
}

interface Live extends ExecutionRecord {
	data: string;
	workflow: Workflow;
	workflowData: IWorkflowBase;
	node: INode;
	nodeType: INodeType;
	credentials: ICredentialDataDecryptedObject;
	finish: (run: IRun) => void;
	park: (run: IRun) => void;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/** The bits of express's response the node uses. */
function expressLike(res: ServerResponse) {
	const wrapper = {
		get headersSent() {
			return res.headersSent;
		},
		status(code: number) {
			res.statusCode = code;
			return wrapper;
		},
		json(body: unknown) {
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify(body));
			return wrapper;
		},
	};
	return wrapper;
}

/** Execution IDs are unique per n8n instance; one counter keeps them unique across stand-ins. */
let executionCounter = 0;

export class WaitingEndpoint {
	private readonly executions = new Map<string, Live>();

	private constructor(
		private readonly server: Server,
		readonly baseUrl: string,
		private readonly options: WaitingEndpointOptions,
	) {}

	static async start(options: WaitingEndpointOptions): Promise<WaitingEndpoint> {
		const ref: { endpoint?: WaitingEndpoint } = {};
		const server = createServer((req, res) => {
			void ref.endpoint!.handle(req, res).catch((error: Error) => {
				if (!res.headersSent) {
					res.statusCode = 500;
					res.end(error.message);
				}
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
		const { port } = server.address() as AddressInfo;
		ref.endpoint = new WaitingEndpoint(server, `http://127.0.0.1:${port}/webhook-waiting`, options);
		return ref.endpoint;
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	/** The ID the next `start` will give its execution. */
	nextExecutionId(): string {
		return `exec${executionCounter + 1}`;
	}

	execution(id: string): ExecutionRecord | undefined {
		return this.executions.get(id);
	}

	private additionalData(
		live: Pick<Live, 'id' | 'workflowData' | 'credentials'>,
		onFinish: (run: IRun) => void,
	): IWorkflowExecuteAdditionalData {
		const hooks = new ExecutionLifecycleHooks('manual', live.id, live.workflowData);
		hooks.addHandler('workflowExecuteAfter', (run) => onFinish(run));
		const noop = () => undefined;
		return {
			hooks,
			credentialsHelper: new TestCredentialsHelper({ parallelTaskGroupApi: live.credentials }),
			executionId: live.id,
			restApiUrl: 'http://127.0.0.1/rest',
			instanceBaseUrl: 'http://127.0.0.1/',
			webhookBaseUrl: 'http://127.0.0.1/webhook',
			webhookWaitingBaseUrl: this.baseUrl,
			webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
			formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
			variables: {},
			currentNodeExecutionIndex: 0,
			sendDataToUI: noop,
			setExecutionStatus: noop,
			logAiEvent: noop,
			getRunExecutionData: async () => undefined,
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	/** Starts an execution of Input -> the node; it runs until it parks or ends. */
	start(
		nodeType: INodeType,
		parameters: INodeParameters,
		items: IDataObject[],
		credentials: ICredentialDataDecryptedObject,
		settings: NodeSettings = {},
	): ExecutionRecord {
		const id = `exec${++executionCounter}`;
		const node: INode = {
			id: 'b8e2d2a0-0000-4000-8000-000000000001',
			name: 'Parallel',
			type: `${PACKAGE}.${nodeType.description.name}`,
			typeVersion: 1,
			position: [0, 0],
			parameters,
			credentials: { parallelTaskGroupApi: { id: 'cred1', name: 'Parallel (test)' } },
			...settings,
		};
		const input: INode = {
			id: 'b8e2d2a0-0000-4000-8000-000000000000',
			name: 'Input',
			type: `${PACKAGE}.input`,
			typeVersion: 1,
			position: [-200, 0],
			parameters: {},
		};
		const connections = {
			Input: { main: [[{ node: node.name, type: 'main' as const, index: 0 }]] },
		};
		const workflowData = {
			id: 'wfPauseHarness01',
			name: 'pause harness',
			active: false,
			activeVersionId: null,
			isArchived: false,
			nodes: [input, node],
			connections,
			settings: { executionOrder: 'v1' },
			createdAt: new Date(),
			updatedAt: new Date(),
		} as unknown as IWorkflowBase;
		const workflow = new Workflow({
			id: workflowData.id,
			name: workflowData.name,
			nodes: [input, node],
			connections,
			active: false,
			nodeTypes: nodeTypesOf(nodeType),
			settings: workflowData.settings,
		});
		const inputItems: INodeExecutionData[] = items.map((json) => ({ json }));
		const runExecutionData = {
			...(this.options.resumeToken ? { resumeToken: this.options.resumeToken } : {}),
			resultData: {
				runData: {
					Input: [
						{
							startTime: 0,
							executionTime: 0,
							executionIndex: 0,
							source: [],
							data: { main: [inputItems] },
						},
					],
				},
				lastNodeExecuted: 'Input',
			},
			executionData: {
				contextData: {},
				metadata: {},
				nodeExecutionStack: [
					{
						node,
						data: { main: [inputItems] },
						source: {
							main: [{ previousNode: 'Input', previousNodeOutput: 0, previousNodeRun: 0 }],
						},
					},
				],
				waitingExecution: {},
				waitingExecutionSource: null,
			},
		} as unknown as IRunExecutionData;

		let park: (run: IRun) => void = () => undefined;
		let finish: (run: IRun) => void = () => undefined;
		const live: Live = {
			id,
			status: 'running',
			runs: [],
			resumes: 0,
			answers: {},
			webhookErrors: [],
			parked: new Promise<IRun>((resolve) => (park = resolve)),
			finished: new Promise<IRun>((resolve) => (finish = resolve)),
			data: '',
			workflow,
			workflowData,
			node,
			nodeType,
			credentials,
			park: (run) => park(run),
			finish: (run) => finish(run),
		};
		this.executions.set(id, live);
		const additionalData = this.additionalData(live, (run) => this.ended(live, run));
		void new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(
			workflow,
		);
		return live;
	}

	/** What n8n does when an execution stops: save it, waiting or finished. */
	private ended(live: Live, run: IRun): void {
		live.runs.push(run);
		if (run.waitTill) {
			live.status = 'waiting';
			live.data = JSON.stringify(run.data);
			live.park(run);
		} else {
			live.status = 'finished';
			if (live.resumes === 0) live.park(run);
			live.finish(run);
		}
	}

	private answer(live: Live | undefined, res: ServerResponse, status: number, body: unknown) {
		if (live) live.answers[status] = (live.answers[status] ?? 0) + 1;
		if (!res.headersSent) {
			res.statusCode = status;
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify(body));
		}
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const [, prefix, executionId, suffix] = url.pathname.split('/');
		const live = this.executions.get(executionId);
		const rawBody = await readBody(req);
		if (prefix !== 'webhook-waiting' || !live) {
			this.answer(live, res, 404, { message: 'no such execution' });
			return;
		}
		if (
			this.options.resumeToken &&
			url.searchParams.get('signature') !== this.options.resumeToken
		) {
			this.answer(live, res, 401, { error: 'Invalid token' });
			return;
		}
		if (live.status !== 'waiting') {
			this.answer(live, res, 409, { message: `The execution is ${live.status}` });
			return;
		}
		// n8n reads the stored execution afresh for every request.
		const data = JSON.parse(live.data) as IRunExecutionData;
		const stackEntry = data.executionData!.nodeExecutionStack[0];
		stackEntry.node.disabled = true;
		data.waitTill = undefined;
		data.resultData.runData[data.resultData.lastNodeExecuted!].pop();
		const description = PAUSE_WEBHOOKS.find((webhook) => webhook.path === suffix);
		if (!description) {
			this.answer(live, res, 404, { message: 'no waiting webhook with this path' });
			return;
		}
		let finish: (run: IRun) => void = () => undefined;
		const resumed = new Promise<IRun>((resolve) => (finish = resolve));
		const additionalData = this.additionalData(live, (run) => finish(run));
		const request = {
			body: rawBody.length ? (JSON.parse(rawBody.toString('utf8')) as unknown) : {},
			rawBody,
			headers: req.headers,
			query: Object.fromEntries(url.searchParams),
			params: {},
			method: req.method,
			url: req.url,
		};
		Object.assign(additionalData, { httpRequest: request, httpResponse: expressLike(res) });
		const webhookData: IWebhookData = {
			httpMethod: 'POST',
			node: live.node.name,
			path: description.path as string,
			webhookDescription: description,
			workflowId: live.workflowData.id,
			workflowExecuteAdditionalData: additionalData,
		};
		const context = new WebhookContext(
			live.workflow,
			stackEntry.node,
			additionalData,
			'manual',
			webhookData,
			[],
			data,
		);
		let result: IWebhookResponseData;
		try {
			result = await live.nodeType.webhook!.call(context);
		} catch (error) {
			// n8n would resume the execution with this error: a test must see it.
			live.webhookErrors.push(error as Error);
			this.answer(live, res, 500, { message: (error as Error).message });
			return;
		}
		const status = res.headersSent ? res.statusCode : 200;
		live.answers[status] = (live.answers[status] ?? 0) + 1;
		if (!res.headersSent) res.end(JSON.stringify({ message: 'Webhook call received' }));
		if (!result.workflowData) return;
		if (this.options.claim === 'atomic' && live.status !== 'waiting') return;
		live.status = 'running';
		live.resumes++;
		stackEntry.data.main = result.workflowData;
		stackEntry.metadata = { ...stackEntry.metadata, forwardAllOutputs: true };
		void new WorkflowExecute(additionalData, 'manual', data).processRunExecutionData(live.workflow);
		this.ended(live, await resumed);
	}
}

/** The parked node's output after the resume: its first output and its error output. */
export function resumedOutput(run: IRun): {
	items: INodeExecutionData[];
	errorItems: INodeExecutionData[];
} {
	const taskData = run.data.resultData.runData.Parallel?.at(-1);
	return {
		items: taskData?.data?.main?.[0] ?? [],
		errorItems: taskData?.data?.main?.[1] ?? [],
	};
}

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { NodeHelpers, sleep, Workflow } from 'n8n-workflow';
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { TestCredentialsHelper } from './credentials';

export const PACKAGE = 'n8n-nodes-parallel-task-group';

export type NodeSettings = Partial<
	Pick<INode, 'continueOnFail' | 'onError' | 'retryOnFail' | 'maxTries' | 'waitBetweenTries'>
>;

export interface RunNodeOptions {
	nodeType: INodeType;
	parameters: INodeParameters;
	/** Input items, as plain JSON or whole n8n items. */
	items: Array<IDataObject | INodeExecutionData>;
	credentials?: ICredentialDataDecryptedObject;
	settings?: NodeSettings;
	/** Cancels the execution this many ms after it starts, as the editor's stop button does. */
	cancelAfterMs?: number;
	/** The node's saved version; the highest the node declares when left out. */
	typeVersion?: number;
}

export interface NodeRun {
	/** The node's first output. */
	items: INodeExecutionData[];
	/** The error output, when `onError` is `continueErrorOutput`. */
	errorItems: INodeExecutionData[];
	/** The error that stopped the node, if it did. */
	error?: ExecutionError;
	run: IRun;
	/** The workflow's static data after the run (what n8n would save with the workflow). */
	staticData: IDataObject;
}

function toItem(item: IDataObject | INodeExecutionData): INodeExecutionData {
	return 'json' in item && typeof item.json === 'object'
		? (item as INodeExecutionData)
		: { json: item as IDataObject };
}

/** Stands for whatever node fed the items in, so n8n can pair output items with their input. */
class InputNode implements INodeType {
	description = {
		displayName: 'Input',
		name: 'input',
		group: ['input'],
		version: 1,
		description: 'Test input',
		defaults: { name: 'Input' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];
}

export function nodeTypesOf(...types: INodeType[]): INodeTypes {
	const registry = new Map(
		[...types, new InputNode()].map((type) => [`${PACKAGE}.${type.description.name}`, type]),
	);
	return {
		getByName: (name) => registry.get(name)!,
		getByNameAndVersion: (name, version) =>
			NodeHelpers.getVersionedNodeType(registry.get(name)!, version) as INodeType,
		getKnownTypes: () => ({}),
	};
}

/** What n8n hands the execution engine, reduced to what the package's nodes use. */
export function harnessAdditionalData(
	hooks: ExecutionLifecycleHooks,
	credentials: ICredentialDataDecryptedObject,
): IWorkflowExecuteAdditionalData {
	const noop = () => undefined;
	return {
		hooks,
		credentialsHelper: new TestCredentialsHelper({ parallelTaskGroupApi: credentials }),
		currentNodeParameters: undefined,
		executionId: 'exec1',
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
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

/**
 * Runs one node inside n8n-core's real WorkflowExecute: the real execute context and request
 * helpers (so requests really go over HTTP), parameter resolution with expressions, continueOnFail,
 * the error output and Retry On Fail all behave as in n8n.
 */
export async function runNode(options: RunNodeOptions): Promise<NodeRun> {
	const { nodeType } = options;
	const node: INode = {
		id: 'a7d1c1f0-0000-4000-8000-000000000001',
		name: 'Parallel',
		type: `${PACKAGE}.${nodeType.description.name}`,
		typeVersion:
			options.typeVersion ??
			(Array.isArray(nodeType.description.version)
				? Math.max(...nodeType.description.version)
				: nodeType.description.version),
		position: [0, 0],
		parameters: options.parameters,
		credentials: { parallelTaskGroupApi: { id: 'cred1', name: 'Parallel (test)' } },
		...options.settings,
	};
	const input: INode = {
		id: 'a7d1c1f0-0000-4000-8000-000000000000',
		name: 'Input',
		type: `${PACKAGE}.input`,
		typeVersion: 1,
		position: [-200, 0],
		parameters: {},
	};
	const connections = { Input: { main: [[{ node: node.name, type: 'main' as const, index: 0 }]] } };
	const items = options.items.map(toItem);
	const workflowData: IWorkflowBase = {
		id: 'wfTestHarness0001',
		name: 'harness',
		active: false,
		activeVersionId: null,
		isArchived: false,
		nodes: [input, node],
		connections,
		settings: { executionOrder: 'v1' },
		createdAt: new Date(),
		updatedAt: new Date(),
	} as IWorkflowBase;
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes: [input, node],
		connections,
		active: false,
		nodeTypes: nodeTypesOf(nodeType),
		settings: workflowData.settings,
	});

	const hooks = new ExecutionLifecycleHooks('manual', 'exec1', workflowData);
	let finished: (run: IRun) => void = () => undefined;
	const done = new Promise<IRun>((resolve) => (finished = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => finished(run));

	const additionalData = harnessAdditionalData(hooks, options.credentials ?? {});

	const inputRun = {
		startTime: 0,
		executionTime: 0,
		executionIndex: 0,
		source: [],
		data: { main: [items] },
	};
	const runExecutionData = {
		resultData: { runData: { Input: [inputRun] }, lastNodeExecuted: 'Input' },
		executionData: {
			contextData: {},
			metadata: {},
			nodeExecutionStack: [
				{
					node,
					data: { main: [items] },
					source: { main: [{ previousNode: 'Input', previousNodeOutput: 0, previousNodeRun: 0 }] },
				},
			],
			waitingExecution: {},
			waitingExecutionSource: null,
		},
	} as unknown as IRunExecutionData;

	const execution = new WorkflowExecute(
		additionalData,
		'manual',
		runExecutionData,
	).processRunExecutionData(workflow);
	if (options.cancelAfterMs !== undefined) {
		const cancelAfter = options.cancelAfterMs;
		void sleep(cancelAfter).then(() => execution.cancel());
	}
	let run: IRun;
	try {
		run = await execution;
	} catch {
		run = await done;
	}
	const taskData = run.data.resultData.runData[node.name]?.at(-1);
	return {
		items: taskData?.data?.main?.[0] ?? [],
		errorItems: taskData?.data?.main?.[1] ?? [],
		error: taskData?.error ?? run.data.resultData.error,
		run,
		staticData: workflow.staticData as IDataObject,
	};
}

import { ExecutionLifecycleHooks, TriggerContext, TriggersAndPollers } from 'n8n-core';
import { Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	ITriggerResponse,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { ParallelTaskGroupTrigger } from '../../nodes/ParallelTaskGroupTrigger/ParallelTaskGroupTrigger.node.js';
import { TestCredentialsHelper } from './credentials';
import { nodeTypesOf, PACKAGE } from './workflow';

export interface Emission {
	items: INodeExecutionData[][];
	deduplicationKey?: string;
	at: number;
}

export interface TriggerHandle {
	/** Every emit, in order, as an active n8n would turn each into an execution. */
	emissions: Emission[];
	errors: Error[];
	response: ITriggerResponse | undefined;
	/** The workflow's static data as n8n last saved it: at each emit, as n8n does. */
	savedStaticData: IDataObject;
	close(): Promise<void>;
}

export interface StartTriggerOptions {
	parameters: INodeParameters;
	credentials: ICredentialDataDecryptedObject;
	/** Static data saved by an earlier instance: a restart, or a deactivate/activate. */
	staticData?: IDataObject;
	mode?: 'trigger' | 'manual';
	/** The node version the workflow was saved with (default 1). */
	typeVersion?: number;
}

/**
 * Activates the trigger through n8n-core's own TriggersAndPollers and TriggerContext, with an
 * emit that records what an active workflow would execute and saves static data at each emit,
 * as n8n's active workflow manager does.
 */
export async function startTrigger(options: StartTriggerOptions): Promise<TriggerHandle> {
	const nodeType = new ParallelTaskGroupTrigger();
	const node: INode = {
		id: 'b7d1c1f0-0000-4000-8000-000000000002',
		name: 'Parallel Trigger',
		type: `${PACKAGE}.${nodeType.description.name}`,
		typeVersion: options.typeVersion ?? 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: { parallelTaskGroupApi: { id: 'cred1', name: 'Parallel (test)' } },
	};
	const workflowData = {
		id: 'wfTriggerHarness1',
		name: 'trigger harness',
		active: true,
		nodes: [node],
		connections: {},
		settings: { executionOrder: 'v1' },
	} as unknown as IWorkflowBase;
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: nodeTypesOf(nodeType),
		staticData: structuredClone(options.staticData ?? {}),
		settings: { executionOrder: 'v1' },
	});
	const noop = () => undefined;
	const additionalData = {
		hooks: new ExecutionLifecycleHooks(options.mode ?? 'trigger', 'exec1', workflowData),
		credentialsHelper: new TestCredentialsHelper({ parallelTaskGroupApi: options.credentials }),
		variables: {},
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		sendDataToUI: noop,
		setExecutionStatus: noop,
		logAiEvent: noop,
	} as unknown as IWorkflowExecuteAdditionalData;

	const handle: TriggerHandle = {
		emissions: [],
		errors: [],
		response: undefined,
		savedStaticData: structuredClone(options.staticData ?? {}),
		close: async () => await handle.response?.closeFunction?.(),
	};
	const saveStaticData = () => {
		handle.savedStaticData = JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
	};
	const emit = (
		items: INodeExecutionData[][],
		_r?: unknown,
		_d?: unknown,
		deduplicationKey?: string,
	) => {
		saveStaticData();
		handle.emissions.push({ items, deduplicationKey, at: Date.now() });
	};
	const emitError = (error: Error) => {
		handle.errors.push(error);
	};
	const mode = options.mode ?? 'trigger';
	const context = new TriggerContext(
		workflow,
		node,
		additionalData,
		mode,
		'activate',
		emit,
		emitError,
	);
	handle.response = await new TriggersAndPollers().runTriggerFunction(
		workflow,
		node,
		() => context,
		additionalData,
		mode,
		'activate',
	);
	return handle;
}

/**
 * "Listen for test event" as the editor does it: n8n runs the trigger in manual mode, calls its
 * manualTriggerFunction and takes the first emit as the execution's data.
 */
export async function listenForTestEvent(
	options: Omit<StartTriggerOptions, 'mode'>,
): Promise<{ handle: TriggerHandle; items: INodeExecutionData[][] }> {
	const handle = await startTrigger({ ...options, mode: 'manual' });
	const response = handle.response!;
	const waiting = response.manualTriggerResponse as Promise<INodeExecutionData[][]>;
	await response.manualTriggerFunction?.();
	return { handle, items: await waiting };
}

/** The run IDs of every emitted item, in emit order. */
export const emittedRunIds = (handle: TriggerHandle): string[] =>
	handle.emissions.flatMap((emission) =>
		emission.items.flat().map((item) => String(item.json.run_id ?? item.json.event)),
	);

import { ExecutionLifecycleHooks, TriggerContext, TriggersAndPollers } from 'n8n-core';
import { Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	IRun,
	ITriggerResponse,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { ParallelTaskGroupTrigger } from '../../nodes/ParallelTaskGroupTrigger/ParallelTaskGroupTrigger.node.js';
import { TestCredentialsHelper } from './credentials';
import { nodeTypesOf, PACKAGE } from './workflow';

/** The done promise n8n's emit takes (n8n-workflow does not export its type). */
interface Done {
	resolve(run: IRun | undefined): void;
	reject(error: Error): void;
}

/** An execution n8n ended with an error, as n8n 2.41.1 hands it to the done promise. */
function errorRun(runData: Record<string, unknown[]>, message: string): IRun {
	return {
		data: { resultData: { runData, error: { message } } },
		finished: false,
		mode: 'trigger',
		startedAt: new Date(),
		stoppedAt: new Date(),
		status: 'error',
	} as unknown as IRun;
}

export interface Emission {
	items: INodeExecutionData[][];
	deduplicationKey?: string;
	at: number;
	/** Whether n8n turned it into an execution (not a duplicate key, not lost). */
	executed: boolean;
	/** Whether it came with a done promise, and what n8n did with it. */
	done?: 'resolved' | 'rejected' | 'pending';
	/** Done promises of earlier emits not settled yet when this one came (executions under way). */
	underWay: number;
}

/**
 * What n8n does with emits: from 2.20 on, `emit` takes a deduplication key and n8n runs no second
 * execution with a key it has seen, in ONE index across all workflows (share `keys` between
 * triggers of one instance); before 2.20, `emit` has three parameters and keys are ignored.
 */
export interface HostModel {
	deduplicationKeys: boolean;
	keys: Set<string>;
	/**
	 * Emits n8n accepts (static data saved) but never turns into an execution, as when main
	 * stops while creating it: called with the emit's number in this instance (0-based).
	 */
	loses?: (emitIndex: number, emission: Emission) => boolean;
	/**
	 * Emits n8n 2.x cannot turn into an execution and says so, as when its database times out
	 * under a burst: the emit's done promise is rejected, nothing runs.
	 */
	rejects?: (emitIndex: number, emission: Emission) => boolean;
	/**
	 * Emits whose execution n8n ends before any node ran, as a queue-mode worker that cannot find
	 * the execution's data does: the done promise resolves with an error run without node data,
	 * and the record (with its key) is gone.
	 */
	vanishes?: (emitIndex: number, emission: Emission) => boolean;
	/** Emits whose execution fails in a node: the done promise resolves with an error run. */
	failsInNode?: (emitIndex: number, emission: Emission) => boolean;
	/** Whether the workflow runs on Engine 2.0, which refuses emits with a done promise. */
	engineV2?: boolean;
	/**
	 * Executions that take their time: done promises are kept in `pendingDone` instead of being
	 * resolved at once, for the test to resolve (or never).
	 */
	holdDone?: boolean;
}

export const n8nHost = (deduplicationKeys = true): HostModel => ({
	deduplicationKeys,
	keys: new Set(),
});

export interface TriggerHandle {
	/** Every emit, in order, as an active n8n would turn each into an execution. */
	emissions: Emission[];
	/** The emits n8n turned into executions (see HostModel). */
	executions(): Emission[];
	errors: Error[];
	/** Done promises the host keeps (HostModel.holdDone), oldest first; resolve to end them. */
	pendingDone: Array<() => void>;
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
	workflowId?: string;
	nodeId?: string;
	/** The n8n it runs in (default: 2.20+ with keys, an index of its own). */
	host?: HostModel;
}

/**
 * Activates the trigger through n8n-core's own TriggersAndPollers and TriggerContext, with an
 * emit that records what an active workflow would execute and saves static data at each emit,
 * as n8n's active workflow manager does.
 */
export async function startTrigger(options: StartTriggerOptions): Promise<TriggerHandle> {
	const nodeType = new ParallelTaskGroupTrigger();
	const node: INode = {
		id: options.nodeId ?? 'b7d1c1f0-0000-4000-8000-000000000002',
		name: 'Parallel Trigger',
		type: `${PACKAGE}.${nodeType.description.name}`,
		typeVersion: options.typeVersion ?? 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: { parallelTaskGroupApi: { id: 'cred1', name: 'Parallel (test)' } },
	};
	const workflowData = {
		id: options.workflowId ?? 'wfTriggerHarness1',
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
		settings: { executionOrder: 'v1', ...(options.host?.engineV2 ? { engineType: 'v2' } : {}) },
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

	const host = options.host ?? n8nHost();
	const handle: TriggerHandle = {
		emissions: [],
		executions: () => handle.emissions.filter((emission) => emission.executed),
		errors: [],
		pendingDone: [],
		response: undefined,
		savedStaticData: structuredClone(options.staticData ?? {}),
		close: async () => await handle.response?.closeFunction?.(),
	};
	const saveStaticData = () => {
		handle.savedStaticData = JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
	};
	const record = (items: INodeExecutionData[][], deduplicationKey?: string, done?: Done) => {
		saveStaticData();
		const emission: Emission = {
			items,
			deduplicationKey,
			at: Date.now(),
			executed: false,
			underWay: handle.pendingDone.length,
		};
		const index = handle.emissions.length;
		handle.emissions.push(emission);
		if (done && host.engineV2) {
			emission.done = 'rejected';
			done.reject(new Error('Engine 2.0 cannot run a trigger that waits for its execution'));
			return;
		}
		if (host.loses?.(index, emission)) return;
		if (host.rejects?.(index, emission)) {
			// n8n 2.x: the execution could not be created; the done promise says so.
			if (done) {
				emission.done = 'rejected';
				done.reject(new Error('Timeout waiting for lock SqliteWriteConnectionMutex'));
			}
			return;
		}
		const fresh = deduplicationKey === undefined || !host.keys.has(deduplicationKey);
		if (fresh && host.vanishes?.(index, emission)) {
			if (done) {
				emission.done = 'resolved';
				done.resolve(errorRun({}, 'Worker failed to find data for execution 459 (job 320)'));
			}
			return;
		}
		if (fresh) {
			if (deduplicationKey !== undefined) host.keys.add(deduplicationKey);
			emission.executed = true;
		}
		if (done && emission.executed && host.failsInNode?.(index, emission)) {
			emission.done = 'resolved';
			done.resolve(errorRun({ 'Write back': [{}] }, 'The sheet refused the row'));
			return;
		}
		// Resolved when the execution ended, or at once for a duplicate key (n8n 2.x).
		if (done && host.holdDone && emission.executed) {
			emission.done = 'pending';
			const end = () => {
				emission.done = 'resolved';
				done.resolve(undefined);
			};
			handle.pendingDone.push(end);
		} else if (done) {
			emission.done = 'resolved';
			done.resolve(undefined);
		}
	};
	// The parameter count is what the trigger reads to know whether the host honours keys.
	const emit = host.deduplicationKeys
		? (items: INodeExecutionData[][], _r?: unknown, done?: unknown, key?: string) =>
				record(items, key, done as Done | undefined)
		: (items: INodeExecutionData[][], response?: unknown, done?: unknown) => {
				void response;
				record(items, undefined, done as Done | undefined);
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

const runIdsOf = (emissions: Emission[]): string[] =>
	emissions.flatMap((emission) =>
		emission.items.flat().map((item) => String(item.json.run_id ?? item.json.event)),
	);

/** The run IDs of every emitted item, in emit order. */
export const emittedRunIds = (handle: TriggerHandle): string[] => runIdsOf(handle.emissions);

/** The run IDs of the emits n8n executed, in emit order. */
export const executedRunIds = (handle: TriggerHandle): string[] => runIdsOf(handle.executions());

/** The trigger's parameters as the tests use them: short idle and stall bounds. */
export const triggerParameters = (
	taskGroupId: string,
	options: IDataObject = {},
	events = ['runCompleted'],
): INodeParameters => ({
	taskGroupId,
	events,
	options: { maxIdleSeconds: 1, stallSeconds: 2, ...options },
});

/** After each test: closes the triggers it opened and clears the emulator's faults and hold. */
export function closeTriggersAfterEach(
	open: TriggerHandle[],
	emulator: { clearFaults(): void; hold(on: boolean): void },
): void {
	afterEach(async () => {
		for (const trigger of open.splice(0)) await trigger.close();
		emulator.clearFaults();
		emulator.hold(false);
	});
}

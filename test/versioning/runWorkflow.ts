// Runs a saved workflow file (an example, or a versioning fixture) the way n8n would: every node
// at the typeVersion it was saved with, parameters resolved by n8n-workflow, the package's nodes
// executed by n8n-core's WorkflowExecute against the emulator. Nodes of other packages (Google
// Sheets, Set, Filter, Merge, ...) are not installed here: each is replaced by a stand-in with
// the same name, inputs and outputs that passes its first input on, except that a node nothing
// feeds starts the run with one empty item and a sheet read returns ROWS. A workflow that starts
// with the package's trigger is activated instead (n8n-core's TriggersAndPollers), and what it
// emits is its output; the nodes after it are not run.
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { NodeConnectionTypes, NodeHelpers, Workflow } from 'n8n-workflow';
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	IConnections,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IPinData,
	IRun,
	IWorkflowBase,
} from 'n8n-workflow';

import { startTrigger } from '../harness/trigger';
import type { TriggerHandle } from '../harness/trigger';
import { harnessAdditionalData } from '../harness/workflow';
import type { PackageNode } from './packageNodes';

export interface WorkflowFile {
	id?: string;
	name: string;
	nodes: INode[];
	connections: IConnections;
	pinData?: Record<string, Array<IDataObject | INodeExecutionData>>;
	settings?: IDataObject;
}

export interface WorkflowRun {
	/** The outputs of each node that ran (its last run), by node name. */
	outputs: Map<string, Array<INodeExecutionData[] | null>>;
	/** The error of each node that failed, by node name. */
	errors: Map<string, ExecutionError>;
	/** A trigger's emissions, when the workflow starts with the package's trigger. */
	emissions?: INodeExecutionData[][];
}

/** What the stand-in of a sheet read returns: the columns the examples use. */
export const ROWS: IDataObject[] = [1, 2, 3].map((row) => ({
	row_number: row + 1,
	company: `Company ${row}`,
	website: `https://company${row}.example`,
	researched_at: '',
	research_error: '',
	run_id: '',
}));

const CREDENTIAL = { parallelTaskGroupApi: { id: 'cred1', name: 'Parallel (versioning)' } };

const isSheetRead = (node: INode) =>
	node.type === 'n8n-nodes-base.googleSheets' &&
	['read', undefined].includes(node.parameters.operation as string | undefined);

function standIn(node: INode, connections: IConnections): INodeType {
	const inputIndexes = Object.values(connections).flatMap((byType) =>
		(byType.main ?? []).flatMap((targets) =>
			(targets ?? []).filter((target) => target.node === node.name).map((target) => target.index),
		),
	);
	const outgoing = connections[node.name]?.main ?? [];
	const inputs = inputIndexes.length ? Math.max(...inputIndexes) + 1 : 0;
	const outputs = Math.max(outgoing.length, 1);
	const rows = isSheetRead(node);
	const description = {
		displayName: `Stand-in for ${node.type}`,
		name: `standIn${node.id}`,
		group: ['transform'],
		version: node.typeVersion,
		description: 'Versioning test stand-in',
		defaults: { name: node.name },
		inputs: Array(inputs).fill(NodeConnectionTypes.Main),
		outputs: Array(outputs).fill(NodeConnectionTypes.Main),
		properties: [],
	} as unknown as INodeTypeDescription;
	return {
		description,
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const input = inputs ? this.getInputData(0) : [{ json: {} }];
			const items = rows
				? ROWS.map((json) => ({ json: { ...json }, pairedItem: { item: 0 } }))
				: input.map((item, index) => ({ json: item.json, pairedItem: { item: index } }));
			return [items, ...Array.from({ length: outputs - 1 }, () => [])];
		},
	};
}

function nodeTypesFor(
	workflow: WorkflowFile,
	packageNodes: PackageNode[],
): {
	nodes: INode[];
	nodeTypes: INodeTypes;
} {
	const registry = new Map<string, INodeType | PackageNode['nodeType']>(
		packageNodes.map((node) => [node.type, node.nodeType]),
	);
	const nodes = workflow.nodes.map((original) => {
		const node = { ...original, parameters: { ...original.parameters } };
		if (registry.has(node.type)) return { ...node, credentials: CREDENTIAL };
		const type = `standIn:${node.name}`;
		registry.set(type, standIn(node, workflow.connections));
		return { ...node, type };
	});
	const get = (name: string) => {
		const type = registry.get(name);
		if (!type) throw new Error(`No node type ${name}`);
		return type;
	};
	return {
		nodes,
		nodeTypes: {
			getByName: get,
			getByNameAndVersion: (name, version) => NodeHelpers.getVersionedNodeType(get(name), version),
			getKnownTypes: () => ({}),
		},
	};
}

/** The node a run starts from: the only node with outgoing and no incoming main connections. */
function startNodeOf(workflow: WorkflowFile): INode {
	const fed = new Set(
		Object.values(workflow.connections).flatMap((byType) =>
			(byType.main ?? []).flatMap((targets) => (targets ?? []).map((target) => target.node)),
		),
	);
	// Sub-nodes (an agent's model and tools) connect by ai_* types only: they start nothing.
	const starts = workflow.nodes.filter(
		(node) => workflow.connections[node.name]?.main && !fed.has(node.name),
	);
	if (starts.length !== 1) {
		throw new Error(
			`'${workflow.name}' must have exactly one node that starts it, found: ${starts.map((node) => node.name).join(', ') || 'none'}`,
		);
	}
	return starts[0];
}

function pinDataOf(workflow: WorkflowFile): IPinData {
	return Object.fromEntries(
		Object.entries(workflow.pinData ?? {}).map(([name, items]) => [
			name,
			items.map((item) =>
				'json' in item && typeof item.json === 'object'
					? (item as INodeExecutionData)
					: { json: item as IDataObject },
			),
		]),
	);
}

export interface RunOptions {
	packageNodes: PackageNode[];
	credentials: ICredentialDataDecryptedObject;
	/** For a trigger: resolves once the emissions are complete (or throws when they never are). */
	awaitEmissions?: (handle: TriggerHandle, node: INode) => Promise<void>;
}

export async function runWorkflow(
	workflow: WorkflowFile,
	options: RunOptions,
): Promise<WorkflowRun> {
	const start = startNodeOf(workflow);
	const trigger = options.packageNodes.find((node) => node.type === start.type && node.isTrigger);
	if (trigger) return await runTrigger(start, options);

	const { nodes, nodeTypes } = nodeTypesFor(workflow, options.packageNodes);
	const workflowData = {
		id: workflow.id ?? 'wfVersioning00001',
		name: workflow.name,
		nodes,
		connections: workflow.connections,
		active: false,
		settings: { executionOrder: 'v1' },
	} as unknown as IWorkflowBase;
	const instance = new Workflow({
		id: workflowData.id,
		name: workflow.name,
		nodes,
		connections: workflow.connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const hooks = new ExecutionLifecycleHooks('manual', 'exec1', workflowData);
	const run: IRun = await new WorkflowExecute(
		harnessAdditionalData(hooks, options.credentials),
		'manual',
	).run({
		workflow: instance,
		startNode: instance.getNode(start.name)!,
		pinData: pinDataOf(workflow),
	});
	const outputs = new Map<string, Array<INodeExecutionData[] | null>>();
	const errors = new Map<string, ExecutionError>();
	for (const [name, runs] of Object.entries(run.data.resultData.runData)) {
		const last = runs.at(-1);
		if (last?.data?.main) outputs.set(name, last.data.main);
		if (last?.error) errors.set(name, last.error);
	}
	if (run.data.resultData.error && errors.size === 0) {
		errors.set(run.data.resultData.lastNodeExecuted ?? '(workflow)', run.data.resultData.error);
	}
	return { outputs, errors };
}

async function runTrigger(node: INode, options: RunOptions): Promise<WorkflowRun> {
	const handle = await startTrigger({
		parameters: node.parameters,
		credentials: options.credentials,
		typeVersion: node.typeVersion,
	});
	try {
		await options.awaitEmissions?.(handle, node);
	} finally {
		await handle.close();
	}
	const errors = new Map<string, ExecutionError>();
	if (handle.errors.length) errors.set(node.name, handle.errors[0] as ExecutionError);
	const emissions = handle.emissions.map((emission) => emission.items[0] ?? []);
	return { outputs: new Map([[node.name, [emissions.flat()]]]), errors, emissions };
}

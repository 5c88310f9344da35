/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e harness runs in Node, not in n8n */
// The example workflows from examples/, and the local stand-ins that make them runnable here:
// the schedule becomes a manual trigger (`n8n execute` starts from one), reading the sheet
// becomes a Code node that returns fixture rows (same node name, so `$('Read rows')` still
// resolves), and writing to the sheet becomes a No-Op whose input the tests read. Parallel
// nodes get the harness's credential and, where the example leaves it for the user, a group ID.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { EXAMPLES_DIR } from './paths';

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: string;
	executeOnce?: boolean;
	[key: string]: unknown;
}

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	active?: boolean;
	[key: string]: unknown;
}

export const PACKAGE_NODE_PREFIX = 'n8n-nodes-parallel-task-group.';
export const ACTION_NODE_TYPE = `${PACKAGE_NODE_PREFIX}parallelTaskGroup`;
export const TRIGGER_NODE_TYPE = `${PACKAGE_NODE_PREFIX}parallelTaskGroupTrigger`;
export const CREDENTIAL_TYPE = 'parallelTaskGroupApi';

/** The example files, by file name without `.json`. */
export const EXAMPLES = {
	enrich: 'enrich-sheet-rows-on-schedule',
	addRunsGetResults: 'add-runs-then-get-results',
	dispatch: 'dispatch-long-research',
	collect: 'write-back-when-runs-finish',
	agentTool: 'research-agent-tool',
} as const;

export function exampleFiles(): string[] {
	return readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort();
}

export function loadExample(name: string): WorkflowJson {
	const file = name.endsWith('.json') ? name : `${name}.json`;
	return JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as WorkflowJson;
}

export type Row = Record<string, string | number>;

export interface StandInOptions {
	/** The 16-character ID n8n 2.x requires, distinct per variant imported into one instance. */
	id: string;
	name?: string;
	/** What the sheet "contains": returned by the stand-in for every sheet read. */
	rows: Row[];
	credential: { id: string; name: string };
	/** Fills every Parallel node whose Task Group ID the example leaves empty. */
	taskGroupId?: string;
	/** Extra per-node parameter overrides, by node name. */
	parameters?: Record<string, Record<string, unknown>>;
	/** Per-node setting overrides (e.g. onError), by node name. */
	settings?: Record<string, Partial<Pick<WorkflowNode, 'onError' | 'executeOnce'>>>;
}

function isSheetRead(node: WorkflowNode): boolean {
	const operation = node.parameters.operation ?? 'read';
	return node.type === 'n8n-nodes-base.googleSheets' && operation === 'read';
}

function isSheetWrite(node: WorkflowNode): boolean {
	return node.type === 'n8n-nodes-base.googleSheets' && !isSheetRead(node);
}

function standInRows(rows: Row[]): string {
	return `// Stand-in for the Google Sheets read: the rows the e2e suite (or sandbox) works on.\nreturn ${JSON.stringify(rows)}.map((json) => ({ json }));`;
}

/** A copy of `workflow` whose Parallel nodes use `credential` (and `taskGroupId` where empty). */
export function withCredential(
	workflow: WorkflowJson,
	credential: { id: string; name: string },
	taskGroupId?: string,
): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((node) => {
			if (node.type !== ACTION_NODE_TYPE && node.type !== TRIGGER_NODE_TYPE) return node;
			const parameters = { ...node.parameters };
			if (taskGroupId && parameters.taskGroupId === '') parameters.taskGroupId = taskGroupId;
			return { ...node, parameters, credentials: { [CREDENTIAL_TYPE]: { ...credential } } };
		}),
	};
}

/** A copy of `workflow` that runs without Google: see the header comment. */
export function withStandIns(workflow: WorkflowJson, options: StandInOptions): WorkflowJson {
	if (options.id.length !== 16) throw new Error(`Workflow ID '${options.id}' is not 16 characters`);
	const nodes = workflow.nodes.map((original): WorkflowNode => {
		const node: WorkflowNode = { ...original, parameters: { ...original.parameters } };
		if (node.type === 'n8n-nodes-base.scheduleTrigger') {
			return {
				...node,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				parameters: {},
			};
		}
		if (isSheetRead(node)) {
			return {
				id: node.id,
				name: node.name,
				position: node.position,
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				parameters: { jsCode: standInRows(options.rows) },
			};
		}
		if (isSheetWrite(node)) {
			return {
				id: node.id,
				name: node.name,
				position: node.position,
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				parameters: {},
			};
		}
		if (node.type === ACTION_NODE_TYPE || node.type === TRIGGER_NODE_TYPE) {
			node.credentials = { [CREDENTIAL_TYPE]: { ...options.credential } };
			if (options.taskGroupId && node.parameters.taskGroupId === '')
				node.parameters.taskGroupId = options.taskGroupId;
		}
		const overrides = options.parameters?.[node.name];
		if (overrides) node.parameters = { ...node.parameters, ...overrides };
		Object.assign(node, options.settings?.[node.name] ?? {});
		return node;
	});
	const named = [...Object.keys(options.parameters ?? {}), ...Object.keys(options.settings ?? {})];
	const unknownOverrides = named.filter(
		(name) => !workflow.nodes.some((node) => node.name === name),
	);
	if (unknownOverrides.length)
		throw new Error(`No node named ${unknownOverrides.join(', ')} in '${workflow.name}'`);
	return {
		...workflow,
		id: options.id,
		name: options.name ?? workflow.name,
		nodes,
		active: false,
	};
}

/** The name of the first node of a type (e.g. the start node to run from). */
export function nodeNameOfType(workflow: WorkflowJson, type: string): string {
	const node = workflow.nodes.find((candidate) => candidate.type === type);
	if (!node) throw new Error(`'${workflow.name}' has no ${type} node`);
	return node.name;
}

/** The manual trigger a headless scenario starts its workflow from (`n8n execute`). */
export function manualStart(
	id: string,
	name = 'Start',
	position: [number, number] = [0, 0],
): WorkflowNode {
	return {
		id,
		name,
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position,
		parameters: {},
	};
}

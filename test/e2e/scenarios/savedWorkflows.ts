/* eslint-disable @n8n/community-nodes/no-restricted-globals -- e2e harness runs in Node, not in n8n */
// "Workflows saved with every node version": the versioning fixtures (test/versioning, one
// workflow per node version and operation) imported into real n8n and run with `n8n execute`.
// Each must create the paid runs, errors and output shape (items, JSON keys and kinds, pairing)
// recorded for it by the jest versioning test, which runs them through n8n-core. They run as the
// branches of one workflow (one n8n start instead of one per fixture); the pinned input of each
// becomes a Code node that returns it (`n8n execute` starts from a manual trigger and does not
// use pinned data).
// Trigger fixtures are left to the trigger scenarios: they need an active workflow.
import { expectEqual } from '../harness/expect';
import { EMULATOR_CREDENTIAL } from '../harness/credentials';
import type { EmulatorProcess } from '../harness/emulator';
import { figure } from '../harness/log';
import type { NodeItem } from '../harness/runData';
import type { MajorContext } from '../harness/suite';
import {
	ACTION_NODE_TYPE,
	CREDENTIAL_TYPE,
	PACKAGE_NODE_PREFIX,
	TRIGGER_NODE_TYPE,
} from '../harness/workflows';
import type { WorkflowJson, WorkflowNode } from '../harness/workflows';
import type { INodeExecutionData } from 'n8n-workflow';
import {
	expectedFileOf,
	fixtureFiles,
	loadWithScene,
	needsScene,
	readJson,
} from '../../versioning/savedWorkflows';
import type { Expectation, Scene } from '../../versioning/savedWorkflows';
import { outputShape } from '../../versioning/shape';

/** The scene of the jest test, made over the emulator's public API: two completed runs, one failed. */
async function makeScene(emulator: EmulatorProcess): Promise<Scene> {
	const taskGroupId = await emulator.createGroup();
	const call = async (method: string, path: string, body?: unknown) => {
		const response = await fetch(`${emulator.url}/v1/tasks/groups/${taskGroupId}${path}`, {
			method,
			headers: { 'content-type': 'application/json', 'x-api-key': emulator.apiKey },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		if (!response.ok) throw new Error(`scene: ${method} ${path} answered ${response.status}`);
		return (await response.json()) as Record<string, unknown>;
	};
	const added = await call('POST', '/runs', {
		inputs: [
			{ input: 'Who is the CEO of Company A?', processor: 'lite' },
			{ input: 'Who is the CEO of Company B?', processor: 'lite' },
			{ input: 'Company C __fail__', processor: 'lite' },
		],
	});
	const deadline = Date.now() + 60_000;
	while (((await call('GET', '')).status as { is_active: boolean }).is_active) {
		if (Date.now() > deadline) throw new Error(`scene: group ${taskGroupId} never finished`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	return { taskGroupId, runId: (added.run_ids as string[])[0], completed: 2, failed: 1 };
}

/** `value` with every string's references to renamed nodes (`$('Name')`, `$node["Name"]`) updated. */
function renameReferences<T>(value: T, names: Map<string, string>): T {
	let text = JSON.stringify(value);
	for (const [from, to] of names) {
		for (const [open, close] of [
			["$('", "')"],
			['$(\\"', '\\")'],
			['$node[\\"', '\\"]'],
			["$node['", "']"],
		]) {
			text = text.split(`${open}${from}${close}`).join(`${open}${to}${close}`);
		}
	}
	return JSON.parse(text) as T;
}

interface Branch {
	label: string;
	expected: Expectation;
	/** Node names in the fixture -> in the combined workflow. */
	names: Map<string, string>;
}

/**
 * All fixtures as branches of one workflow, so that n8n starts once: a manual trigger feeds, per
 * fixture, a Code node returning its pinned input under the pinned node's (prefixed) name, then
 * the fixture's own nodes, renamed `<fixture> | <name>` and given IDs of their own. The package's nodes get the emulator
 * credential.
 */
function combined(fixtures: Array<{ label: string; workflow: FixtureJson }>, id: string) {
	const start = 'Start (e2e)';
	const nodes: WorkflowNode[] = [
		{
			id: `${id}-start`,
			name: start,
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
	];
	const connections: Record<string, unknown> = { [start]: { main: [[]] } };
	const starts = (connections[start] as { main: unknown[][] }).main[0];
	fixtures.forEach(({ label, workflow }, row) => {
		const pinned = workflow.pinData ?? {};
		const names = new Map(workflow.nodes.map((node) => [node.name, `${label} | ${node.name}`]));
		workflow.nodes.forEach((original, column) => {
			const node = renameReferences({ ...original, name: names.get(original.name)! }, names);
			// Fixtures of one operation at two node versions share node IDs; one workflow cannot.
			node.id = `${id}-${row}-${column}`;
			node.position = [original.position[0] + 220, original.position[1] + row * 200];
			if (node.type.startsWith(PACKAGE_NODE_PREFIX)) {
				node.credentials = { [CREDENTIAL_TYPE]: { ...EMULATOR_CREDENTIAL } };
			} else if (pinned[original.name]) {
				node.type = 'n8n-nodes-base.code';
				node.typeVersion = 2;
				node.parameters = { jsCode: `return ${JSON.stringify(pinned[original.name])};` };
				starts.push({ node: node.name, type: 'main', index: 0 });
			}
			nodes.push(node);
		});
		for (const [from, byType] of Object.entries(workflow.connections)) {
			connections[names.get(from)!] = renameReferences(
				JSON.parse(
					JSON.stringify(byType).replace(
						/"node":"([^"]+)"/g,
						(_match, name: string) => `"node":${JSON.stringify(names.get(name) ?? name)}`,
					),
				),
				names,
			);
		}
	});
	return {
		id,
		name: 'e2e: workflows saved with every node version',
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
	} as WorkflowJson;
}

type FixtureJson = WorkflowJson & { pinData?: Record<string, unknown[]> };

export async function savedWorkflowsScenario(ctx: MajorContext): Promise<void> {
	const files = fixtureFiles().filter(
		(file) => !readJson<WorkflowJson>(file).nodes.some((node) => node.type === TRIGGER_NODE_TYPE),
	);
	expectEqual(files.length > 0, true, 'versioning fixtures of the action node to exist');
	const fixtures: Array<{ label: string; workflow: FixtureJson }> = [];
	const branches: Branch[] = [];
	for (const file of files) {
		const label = file.split('/test/versioning/fixtures/')[1].replace(/\.json$/, '');
		const scene = needsScene(file) ? await makeScene(ctx.emulator) : undefined;
		const workflow = loadWithScene(file, scene) as unknown as FixtureJson;
		fixtures.push({ label, workflow });
		branches.push({
			label,
			expected: readJson<Expectation>(expectedFileOf(file)),
			names: new Map(workflow.nodes.map((node) => [node.name, `${label} | ${node.name}`])),
		});
	}
	const workflow = combined(fixtures, 'PrlSavedAllVers1');
	await ctx.instance.importWorkflows([workflow]);
	const before = (await ctx.emulator.counters()).runsCreatedTotal;
	const result = await ctx.instance.execute(workflow.id, 600_000);
	const created = (await ctx.emulator.counters()).runsCreatedTotal - before;
	expectEqual(result.code, 0, 'the exit code of n8n execute');
	const owed = branches.reduce((sum, branch) => sum + branch.expected.runsCreated, 0);
	expectEqual(created, owed, 'paid runs created by all saved workflows');
	for (const { label, expected, names } of branches) {
		for (const [node, record] of Object.entries(expected.nodes)) {
			const task = result.run.runData[names.get(node)!]?.at(-1);
			expectEqual(task?.error?.message ?? null, record.error, `${label}: '${node}' error`);
			const main = (task?.data?.main ?? []) as Array<NodeItem[] | null>;
			expectEqual(
				outputShape(main as unknown as Array<INodeExecutionData[] | null>),
				record.output,
				`${label}: '${node}' output shape in real n8n`,
			);
		}
	}
	const actionNodes = workflow.nodes.filter((node) => node.type === ACTION_NODE_TYPE).length;
	figure(
		`${ctx.tag}: ${branches.length} saved workflows (${actionNodes} action nodes, every node version and operation) ran as recorded in one execution`,
	);
}

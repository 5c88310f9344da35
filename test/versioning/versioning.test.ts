/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test infrastructure runs in Node, not in n8n */
// Versions that do not break workflows (docs/versioning.md): every workflow in examples/ and a
// workflow saved with every version of every node, one per operation, still loads as n8n saves
// it, runs against the emulator, and does what it did when it was recorded: the same resolved
// parameters, the same paid runs, the same errors and the same shape of output, paired with the
// same items. New node versions, operations and examples are found from package.json, the node
// descriptions and the folders; nothing here names one.
import { existsSync } from 'node:fs';
import { relative } from 'node:path';

import type { INode, INodeParameters } from 'n8n-workflow';

import { DEFAULT_API_KEY, startEmulator } from '../emulator';
import { waitFor } from '../emulator/helpers';
import type { TriggerHandle } from '../harness/trigger';
import { useForSuite } from '../harness/useForSuite';
import { operationsAt, packageNodes } from './packageNodes';
import type { PackageNode } from './packageNodes';
import { runWorkflow } from './runWorkflow';
import type { WorkflowFile } from './runWorkflow';
import {
	exampleExpectationFile,
	exampleFiles,
	expectedFileOf,
	fillUserIds,
	fixtureFile,
	fixtureFiles,
	fixtureForNewVersion,
	fixtureVersion,
	loadWithScene,
	makeScene,
	needsScene,
	packageNodesIn,
	parameterIssues,
	readJson,
	RECORD,
	RECORD_HINT,
	resolvedParameters,
	savedForm,
	withTokens,
	writeJson,
} from './savedWorkflows';
import type { Expectation, Scene } from './savedWorkflows';
import { outputShape, unorderedShape } from './shape';

const nodes = packageNodes();
const emulator = useForSuite(() => startEmulator({ speed: 0.0005 }));
const rel = (file: string) => relative(__dirname, file);

/** Every (node, version, operation) a saved workflow can hold, with the fixture that covers it. */
const coverage = nodes.flatMap((node) =>
	node.versions.flatMap((version) =>
		operationsAt(node, version).map((operation) => ({
			node,
			version,
			operation,
			file: fixtureFile(node, operation, version),
		})),
	),
);

// Recording a new node version starts from the previous version's fixture of each operation,
// re-saved at the new version; they are written before the tests below are collected.
if (RECORD) {
	for (const entry of coverage) {
		if (existsSync(entry.file)) continue;
		const earlier = entry.node.versions.filter((version) => version < entry.version).reverse();
		const previous = earlier
			.map((version) => fixtureFile(entry.node, entry.operation, version))
			.find((file) => existsSync(file));
		if (previous) writeJson(entry.file, fixtureForNewVersion(previous, entry.node, entry.version));
	}
}

/** Run Completed / Run Failed / Group Completed emissions a trigger owes for the scene's group. */
async function awaitTriggerEmissions(
	handle: TriggerHandle,
	parameters: INodeParameters,
	scene: Scene | undefined,
) {
	const events = parameters.events as string[];
	const owed =
		(events.includes('runCompleted') ? (scene?.completed ?? 0) : 0) +
		(events.includes('runFailed') ? (scene?.failed ?? 0) : 0) +
		(events.includes('groupCompleted') ? 1 : 0);
	await waitFor(
		() => handle.emissions.length >= owed || handle.errors.length > 0,
		20_000,
		`${owed} emissions of the trigger (Emit Runs Finished Before Activation must stay on)`,
	);
}

async function observe(workflow: WorkflowFile, scene: Scene | undefined): Promise<Expectation> {
	const before = emulator.counters().runsCreatedTotal;
	const resolved = new Map(
		packageNodesIn(workflow, nodes).map(({ node, type }) => [
			node.name,
			withTokens(resolvedParameters(type, node), scene),
		]),
	);
	const run = await runWorkflow(workflow, {
		packageNodes: nodes,
		credentials: { apiKey: DEFAULT_API_KEY, baseUrl: emulator.url },
		awaitEmissions: async (handle, trigger) =>
			await awaitTriggerEmissions(handle, resolved.get(trigger.name)!, scene),
	});
	const expectation: Expectation = {
		runsCreated: emulator.counters().runsCreatedTotal - before,
		nodes: {},
	};
	for (const { node, type } of packageNodesIn(workflow, nodes)) {
		const output = outputShape(run.outputs.get(node.name) ?? []);
		expectation.nodes[node.name] = {
			typeVersion: node.typeVersion,
			parameters: resolved.get(node.name)!,
			error: run.errors.get(node.name)?.message ?? null,
			output: type.isTrigger ? output.map(unorderedShape) : output,
		};
	}
	return expectation;
}

/** Compares with the recorded expectation, or records it (VERSIONING_RECORD). */
function checkAgainstRecord(file: string, expectedFile: string, observed: Expectation) {
	const chosen = RECORD?.startsWith('only:') && file.includes(RECORD.slice('only:'.length));
	if (RECORD === 'all' || chosen || (RECORD && !existsSync(expectedFile))) {
		writeJson(expectedFile, observed);
		return;
	}
	if (!existsSync(expectedFile)) {
		throw new Error(`${rel(file)}: nothing is recorded for it yet; ${RECORD_HINT}`);
	}
	const expected = readJson<Expectation>(expectedFile);
	// Keys name what differs in jest's diff.
	expect({ 'paid runs created': observed.runsCreated }).toEqual({
		'paid runs created': expected.runsCreated,
	});
	expect(Object.keys(observed.nodes)).toEqual(Object.keys(expected.nodes));
	for (const [name, node] of Object.entries(expected.nodes)) {
		const actual = observed.nodes[name];
		const at = `'${name}' (v${node.typeVersion})`;
		expect({ [`${at} resolved parameters`]: actual.parameters }).toEqual({
			[`${at} resolved parameters`]: node.parameters,
		});
		expect({ [`${at} error`]: actual.error }).toEqual({ [`${at} error`]: node.error });
		expect({ [`${at} output shape`]: actual.output }).toEqual({
			[`${at} output shape`]: node.output,
		});
	}
}

/** How the saved parameters differ from what the editor saves at that version. */
function savedFormProblems(type: PackageNode, node: INode): string[] {
	const saved = savedForm(type, node);
	const names = new Set([...Object.keys(node.parameters), ...Object.keys(saved)]);
	return [...names]
		.filter((name) => JSON.stringify(node.parameters[name]) !== JSON.stringify(saved[name]))
		.map((name) =>
			!(name in saved)
				? `'${name}' is not a parameter of v${node.typeVersion} here, or equals its default (the editor saves neither)`
				: !(name in node.parameters)
					? `'${name}' would be saved as ${JSON.stringify(saved[name])}`
					: `'${name}' is saved as ${JSON.stringify(node.parameters[name])}, the editor saves ${JSON.stringify(saved[name])}`,
		);
}

describe('every node version has a saved workflow for each operation', () => {
	it('finds the package nodes and their versions', () => {
		expect(nodes.length).toBeGreaterThan(0);
		expect(coverage.length).toBeGreaterThan(nodes.length);
	});

	it.each(coverage.map((entry) => [entry.node.name, entry.version, entry.operation, entry]))(
		'%s v%s %s',
		(_name, _version, _operation, entry) => {
			if (!existsSync(entry.file)) {
				throw new Error(
					`no saved workflow for ${entry.node.name} v${entry.version} ${entry.operation} (${rel(entry.file)}): save one from n8n there (see test/versioning/README.md), or ${RECORD_HINT}`,
				);
			}
		},
	);

	it('has no fixture for a version or operation the nodes do not declare', () => {
		const known = new Set(coverage.map((entry) => entry.file));
		expect(
			fixtureFiles()
				.filter((file) => !known.has(file))
				.map(rel),
		).toEqual([]);
	});
});

describe.each(fixtureFiles().map((file) => [rel(file), file]))(
	'saved workflow %s',
	(_name, file) => {
		const version = fixtureVersion(file);
		const workflow = () => readJson<WorkflowFile>(file);

		it(`holds one package node, saved at v${version} as the editor saves it`, () => {
			const found = packageNodesIn(workflow(), nodes);
			expect(found.map(({ node }) => node.typeVersion)).toEqual([version]);
			const [{ node, type }] = found;
			expect({ [`${node.name} saved parameters`]: savedFormProblems(type, node) }).toEqual({
				[`${node.name} saved parameters`]: [],
			});
			expect({ [`${node.name} parameter issues`]: parameterIssues(type, node) }).toEqual({
				[`${node.name} parameter issues`]: [],
			});
		});

		it('runs and does what it did when it was recorded', async () => {
			const scene = needsScene(file) ? await makeScene(emulator) : undefined;
			const observed = await observe(loadWithScene(file, scene), scene);
			checkAgainstRecord(file, expectedFileOf(file), observed);
		});
	},
);

describe.each(exampleFiles().map((file) => [rel(file), file]))('example %s', (_name, file) => {
	it('uses only node versions the package declares', () => {
		// An AI Agent tool (`<node type>Tool`) is the node itself, at the node's versions.
		const workflow = readJson<WorkflowFile>(file);
		const asNodes = workflow.nodes.map((node) => ({
			...node,
			type: node.type.replace(/Tool$/, ''),
		}));
		for (const { node, type } of packageNodesIn({ ...workflow, nodes: asNodes }, nodes)) {
			expect({ [node.name]: type.versions }).toEqual({
				[node.name]: expect.arrayContaining([node.typeVersion]),
			});
		}
	});

	it('runs and does what it did when it was recorded', async () => {
		const scene = await makeScene(emulator);
		const workflow = fillUserIds(loadWithScene(file, scene), nodes, scene);
		const observed = await observe(workflow, scene);
		checkAgainstRecord(file, exampleExpectationFile(file), observed);
	});
});

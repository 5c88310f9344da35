/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test infrastructure runs in Node, not in n8n */
// The saved workflows the versioning test runs, what it expects of them, and the "scene" of
// Parallel objects each one needs. Layout (test/versioning/README.md):
//   fixtures/v<version>/<node name>.<resource>.<operation>.json   a workflow saved at that version
//   fixtures/v<version>/<node name>.trigger.json                  ... for a trigger
//   fixtures/v<version>/<same name>.expected.json                 what it did when recorded
//   examples/<example file name>.expected.json                    the same for examples/*.json
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { NodeHelpers } from 'n8n-workflow';
import type { INode, INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../emulator';
import { addRuns, newGroup, waitForInactive } from '../emulator/helpers';
import { descriptionAt, REPO_ROOT } from './packageNodes';
import type { PackageNode } from './packageNodes';
import type { WorkflowFile } from './runWorkflow';
import type { ItemShape } from './shape';

export const FIXTURES_DIR = join(__dirname, 'fixtures');
export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');
export const EXAMPLE_EXPECTATIONS_DIR = join(__dirname, 'examples');

/**
 * `VERSIONING_RECORD=1` writes what is missing; `=only:<part of a path>` also rewrites the
 * records of matching files (an example that changed); `=all` rewrites everything.
 */
export const RECORD = process.env.VERSIONING_RECORD;
export const RECORD_HINT =
	'record it with `VERSIONING_RECORD=1 npx jest test/versioning`, review the new files and commit them (test/versioning/README.md)';

export const versionDir = (version: number) => join(FIXTURES_DIR, `v${version}`);
export const fixtureFile = (node: PackageNode, operation: string, version: number) =>
	join(versionDir(version), `${node.name}.${operation}.json`);
export const expectedFileOf = (file: string) => file.replace(/\.json$/, '.expected.json');

/** What one package node did in a saved workflow when it was recorded. */
export interface NodeExpectation {
	typeVersion: number;
	/** Every parameter n8n resolves for it at that version: saved values plus defaults. */
	parameters: INodeParameters;
	/** The message of the error that stopped it, or null. */
	error: string | null;
	output: ItemShape[][];
}

export interface Expectation {
	/** Paid runs the workflow created. */
	runsCreated: number;
	nodes: Record<string, NodeExpectation>;
}

export function readJson<T>(file: string): T {
	return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function writeJson(file: string, value: unknown): void {
	mkdirSync(dirname(file), { recursive: true });
	writeFileSync(file, `${JSON.stringify(value, null, '\t')}\n`);
}

export function fixtureFiles(): string[] {
	if (!existsSync(FIXTURES_DIR)) return [];
	return readdirSync(FIXTURES_DIR)
		.filter((dir) => /^v\d+(\.\d+)?$/.test(dir))
		.flatMap((dir) =>
			readdirSync(join(FIXTURES_DIR, dir))
				.filter((file) => file.endsWith('.json') && !file.endsWith('.expected.json'))
				.map((file) => join(FIXTURES_DIR, dir, file)),
		)
		.sort();
}

export function exampleFiles(): string[] {
	return readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => join(EXAMPLES_DIR, file));
}

export const exampleExpectationFile = (example: string) =>
	join(EXAMPLE_EXPECTATIONS_DIR, basename(example).replace(/\.json$/, '.expected.json'));

/** The version a fixture's folder stands for: `fixtures/v1.1/x.json` -> 1.1. */
export const fixtureVersion = (file: string) => Number(basename(dirname(file)).slice(1));

export const packageNodesIn = (workflow: WorkflowFile, nodes: PackageNode[]) =>
	workflow.nodes
		.map((node) => ({ node, type: nodes.find((candidate) => candidate.type === node.type) }))
		.filter((entry): entry is { node: INode; type: PackageNode } => entry.type !== undefined);

/** Every parameter n8n resolves for the node at its version (what `new Workflow()` does). */
export function resolvedParameters(type: PackageNode, node: INode): INodeParameters {
	const description = descriptionAt(type, node.typeVersion);
	return (
		NodeHelpers.getNodeParameters(
			description.properties,
			node.parameters,
			true,
			false,
			node,
			description,
		) ?? {}
	);
}

/** The parameters as the editor saves them at the node's version: values that differ from the defaults. */
export function savedForm(type: PackageNode, node: INode): INodeParameters {
	const description = descriptionAt(type, node.typeVersion);
	return (
		NodeHelpers.getNodeParameters(
			description.properties,
			resolvedParameters(type, node),
			false,
			false,
			node,
			description,
		) ?? {}
	);
}

/** Parameter problems the editor would flag on the node (a required value missing...). */
export function parameterIssues(type: PackageNode, node: INode): string[] {
	const description = descriptionAt(type, node.typeVersion);
	const issues = NodeHelpers.getNodeParametersIssues(description.properties, node, description);
	return Object.entries(issues?.parameters ?? {}).map(
		([name, messages]) => `${name}: ${messages.join('; ')}`,
	);
}

/**
 * The Parallel objects a saved workflow refers to. A fixture names them with these tokens; an
 * example leaves a required ID empty for the user, and gets the scene's ID there.
 */
export interface Scene {
	taskGroupId: string;
	/** A completed run of the group. */
	runId: string;
	/** Runs in the group by final status. */
	completed: number;
	failed: number;
}

export const SCENE_TOKENS = {
	$SCENE_TASK_GROUP_ID: (scene: Scene) => scene.taskGroupId,
	$SCENE_RUN_ID: (scene: Scene) => scene.runId,
} as const;

/** A finished group: two completed runs and one failed run, all lite. */
export async function makeScene(emulator: Emulator): Promise<Scene> {
	const taskGroupId = await newGroup(emulator);
	const added = await addRuns(emulator, taskGroupId, {
		inputs: [
			{ input: 'Who is the CEO of Company A?', processor: 'lite' },
			{ input: 'Who is the CEO of Company B?', processor: 'lite' },
			{ input: 'Company C __fail__', processor: 'lite' },
		],
	});
	if (added.status !== 200) throw new Error(`scene: add runs answered ${added.status}`);
	await waitForInactive(emulator, taskGroupId);
	return { taskGroupId, runId: (added.body.run_ids as string[])[0], completed: 2, failed: 1 };
}

/** The workflow file with the scene's IDs in place of the tokens. */
export function loadWithScene(file: string, scene: Scene | undefined): WorkflowFile {
	let text = readFileSync(file, 'utf8');
	for (const [token, value] of Object.entries(SCENE_TOKENS)) {
		if (!text.includes(token)) continue;
		if (!scene) throw new Error(`${file} uses ${token} but no scene was made`);
		text = text.split(token).join(value(scene));
	}
	return JSON.parse(text) as WorkflowFile;
}

/** `value` with the scene's IDs turned back into their tokens, so that records do not hold them. */
export function withTokens<T>(value: T, scene: Scene | undefined): T {
	if (!scene) return value;
	let text = JSON.stringify(value);
	for (const [token, of] of Object.entries(SCENE_TOKENS)) text = text.split(of(scene)).join(token);
	return JSON.parse(text) as T;
}

export const needsScene = (file: string) =>
	Object.keys(SCENE_TOKENS).some((token) => readFileSync(file, 'utf8').includes(token));

/** IDs a user fills in after importing an example: required, empty, and known to the scene. */
const USER_FILLED: Record<string, keyof Scene> = { taskGroupId: 'taskGroupId', runId: 'runId' };

export function fillUserIds(
	workflow: WorkflowFile,
	nodes: PackageNode[],
	scene: Scene,
): WorkflowFile {
	const filled = packageNodesIn(workflow, nodes).map(({ node, type }) => {
		const missing = parameterIssues(type, node).map((issue) => issue.split(':')[0]);
		const parameters = { ...node.parameters };
		for (const name of missing) {
			if (USER_FILLED[name] && !parameters[name]) parameters[name] = scene[USER_FILLED[name]];
		}
		return { ...node, parameters };
	});
	return {
		...workflow,
		nodes: workflow.nodes.map((node) => filled.find((f) => f.name === node.name) ?? node),
	};
}

/** A fixture for a new version, from the same operation's fixture at the version before. */
export function fixtureForNewVersion(
	previousFile: string,
	type: PackageNode,
	version: number,
): WorkflowFile {
	const workflow = readJson<WorkflowFile>(previousFile);
	return {
		...workflow,
		name: workflow.name.replace(/^v[\d.]+/, `v${version}`),
		nodes: workflow.nodes.map((node) => {
			if (node.type !== type.type) return node;
			const moved = { ...node, typeVersion: version };
			return { ...moved, parameters: savedForm(type, moved) };
		}),
	};
}

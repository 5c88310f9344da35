/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- the sandbox runs in Node, not in n8n */
// `npm start`: a real n8n 2.x with this package installed from its packed tarball, a ready
// Parallel credential and the example workflows, for trying the nodes in the editor.
// `npm run demo`: the same set-up, headless: runs the enrichment example on a few companies and
// prints what came back.
//
// Without PARALLEL_API_KEY the credential points at the local emulator (no account, no cost;
// answers are synthetic). With PARALLEL_API_KEY (and optionally PARALLEL_BASE_URL) it points at
// Parallel's API, and runs are billed. N8N_PORT picks the editor port (default 5678).
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import {
	parallelCredential,
	EMULATOR_CREDENTIAL,
	REAL_API_CREDENTIAL,
} from '../test/e2e/harness/credentials';
import type { CredentialRef } from '../test/e2e/harness/credentials';
import { startEmulatorProcess } from '../test/e2e/harness/emulator';
import type { EmulatorProcess } from '../test/e2e/harness/emulator';
import { companyRows } from '../test/e2e/harness/fixtures';
import { ensureN8nBuilds } from '../test/e2e/harness/install';
import { log, registerSecret, seconds, step, table, warn } from '../test/e2e/harness/log';
import { N8nApi } from '../test/e2e/harness/n8nApi';
import { N8nInstance } from '../test/e2e/harness/n8nInstance';
import { buildAndPack, installIntoN8n } from '../test/e2e/harness/pack';
import { makeRunDir } from '../test/e2e/harness/paths';
import { createTaskGroup } from '../test/e2e/harness/parallelApi';
import { freePort, portInUse } from '../test/e2e/harness/ports';
import { ProcessRegistry } from '../test/e2e/harness/processes';
import { nodeTask, outputItems } from '../test/e2e/harness/runData';
import type { WorkflowJson } from '../test/e2e/harness/workflows';
import {
	EXAMPLES,
	exampleFiles,
	loadExample,
	withCredential,
	withStandIns,
} from '../test/e2e/harness/workflows';

const demo = process.argv.includes('--demo');
const registry = new ProcessRegistry();
const { runDir, logDir } = makeRunDir('parallel-sandbox');

interface Parallel {
	mode: 'emulator' | 'api';
	baseUrl: string;
	apiKey: string;
	credential: CredentialRef;
	emulator?: EmulatorProcess;
}

async function connectParallel(): Promise<Parallel> {
	const apiKey = process.env.PARALLEL_API_KEY?.trim();
	if (apiKey) {
		registerSecret(apiKey);
		const baseUrl = process.env.PARALLEL_BASE_URL?.trim() || 'https://api.parallel.ai';
		return { mode: 'api', baseUrl, apiKey, credential: REAL_API_CREDENTIAL };
	}
	const speed = Number(process.env.PARALLEL_EMULATOR_SPEED ?? 0.05);
	const emulator = await startEmulatorProcess(registry, logDir, speed);
	return {
		mode: 'emulator',
		baseUrl: emulator.url,
		apiKey: emulator.apiKey,
		credential: { ...EMULATOR_CREDENTIAL, name: 'Parallel (local emulator)' },
		emulator,
	};
}

async function editorPort(): Promise<number> {
	const wanted = Number(process.env.N8N_PORT ?? 5678);
	if (!(await portInUse(wanted))) return wanted;
	const port = await freePort();
	warn(`port ${wanted} is in use; the editor gets port ${port} instead`);
	return port;
}

async function prepareInstance(parallel: Parallel, port?: number): Promise<N8nInstance> {
	const builds = await step(
		'n8n 2.x (installed once per machine, a few minutes the first time)',
		() => ensureN8nBuilds([2]),
	);
	const pkg = await step('build and npm pack the package', () =>
		buildAndPack(registry, runDir, logDir),
	);
	const instance = await N8nInstance.create(builds.get(2)!, registry, {
		root: join(runDir, 'n8n'),
		logDir,
		label: 'sandbox',
		port,
	});
	await step("install the tarball into n8n's community packages folder", () =>
		installIntoN8n(registry, pkg, instance.userFolder, logDir),
	);
	await step(`add the credential '${parallel.credential.name}'`, () =>
		instance.importCredentials([
			parallelCredential(parallel.credential, parallel.apiKey, parallel.baseUrl),
		]),
	);
	return instance;
}

const SAMPLE_ROWS = companyRows(8);

/** The examples as published, plus runnable "Try it" copies whose sheet steps are stand-ins. */
function sandboxWorkflows(credential: CredentialRef, taskGroupId: string): WorkflowJson[] {
	const originals = exampleFiles().map((file) =>
		withCredential(loadExample(file), credential, taskGroupId),
	);
	const tryIt = (name: string, id: string, title: string) =>
		withStandIns(loadExample(name), {
			id,
			name: `Try it: ${title}`,
			rows: SAMPLE_ROWS,
			credential,
			taskGroupId,
		});
	return [
		...originals,
		tryIt(EXAMPLES.enrich, 'SbxTryEnrichRows', 'enrich 8 sample companies'),
		tryIt(EXAMPLES.addRunsGetResults, 'SbxTryAddGetRes1', 'add runs, wait, get results'),
		tryIt(EXAMPLES.dispatch, 'SbxTryDispatch01', 'dispatch research to the task group'),
		tryIt(EXAMPLES.collect, 'SbxTryCollector1', 'results arrive through the trigger'),
	];
}

/** Resolves if n8n exits by itself; Ctrl+C is handled by `shutdown`. */
async function untilN8nExits(instance: N8nInstance): Promise<void> {
	await new Promise<void>((resolve) => {
		const watch = setInterval(() => {
			if (instance.running || stopping) return;
			clearInterval(watch);
			warn(`n8n stopped on its own; its log is in ${logDir}`);
			process.exitCode = 1;
			resolve();
		}, 1_000);
	});
}

async function startSandbox(): Promise<void> {
	const parallel = await step('connect Parallel', connectParallel);
	const instance = await prepareInstance(parallel, await editorPort());
	const taskGroupId = await step('create the task group the dispatcher examples share', () =>
		createTaskGroup(parallel.baseUrl, parallel.apiKey, { source: 'n8n-sandbox' }),
	);
	await step('import the example workflows', () =>
		instance.importWorkflows(sandboxWorkflows(parallel.credential, taskGroupId)),
	);
	await step('start n8n', () => instance.start());
	const api = new N8nApi(instance.url);
	const owner = {
		email: 'sandbox@example.com',
		firstName: 'Sandbox',
		lastName: 'User',
		password: `Sandbox-${randomBytes(4).toString('hex')}-1`,
	};
	await step('create the login and activate the trigger example', async () => {
		await api.setupOwner(owner);
		await api.createApiKey();
		await api.activate('SbxTryCollector1');
	});
	log();
	log('n8n is running with n8n-nodes-parallel-task-group installed from its packed tarball.');
	log(`  Editor:     ${instance.url}`);
	log(`  Login:      ${owner.email} / ${owner.password}`);
	log(
		parallel.mode === 'emulator'
			? `  Parallel:   local emulator at ${parallel.baseUrl} (synthetic answers, no cost; set PARALLEL_API_KEY for the real API)`
			: `  Parallel:   ${parallel.baseUrl} with your PARALLEL_API_KEY (runs are billed)`,
	);
	log(`  Credential: ${parallel.credential.name}`);
	log(`  Task group for the dispatcher examples: ${taskGroupId}`);
	log('  Workflows:  the 4 examples as published (their Google Sheets steps need your own');
	log('              credential), and 4 "Try it" copies that run as they are: open');
	log('              "Try it: enrich 8 sample companies" and click Execute workflow, or run');
	log('              "Try it: dispatch research..." and watch "Try it: results arrive through');
	log('              the trigger" (active) start once per finished run, under Executions.');
	log(`  Logs:       ${logDir}`);
	log('Press Ctrl+C to stop n8n and the emulator.');
	await untilN8nExits(instance);
}

async function runDemo(): Promise<void> {
	const parallel = await step('connect Parallel', connectParallel);
	if (parallel.mode === 'api')
		warn(`using the real API: ${SAMPLE_ROWS.length} base runs, about $0.01 each`);
	const instance = await prepareInstance(parallel);
	const workflow = withStandIns(loadExample(EXAMPLES.enrich), {
		id: 'SbxDemoEnrich001',
		name: 'Demo: enrich sample companies',
		rows: SAMPLE_ROWS,
		credential: parallel.credential,
	});
	await step('import the enrichment example', () => instance.importWorkflows([workflow]));
	const result = await step(
		`run it headlessly (n8n execute) on ${SAMPLE_ROWS.length} companies`,
		() => instance.execute(workflow.id, 900_000),
	);
	const node = 'Research companies';
	const task = nodeTask(result.run, node);
	if (!task) throw new Error(`The enrichment did not run:\n${result.output.slice(-2000)}`);
	const enriched = outputItems(result.run, node, 0);
	const failed = outputItems(result.run, node, 1);
	const schema = JSON.parse(
		String(workflow.nodes.find((n) => n.name === node)?.parameters.outputJsonSchema),
	) as { properties: Record<string, unknown> };
	const fields = Object.keys(schema.properties);
	log();
	log(
		`Input rows and what Parallel (${parallel.mode === 'emulator' ? 'local emulator' : parallel.baseUrl}) researched:`,
	);
	table(
		[...enriched, ...failed].map((item) => ({ ...item.json, error: item.json.error ?? '' })),
		['row_number', 'company', 'website', ...fields, ...(failed.length ? ['error'] : [])],
		24,
	);
	log();
	log(
		`${enriched.length} of ${SAMPLE_ROWS.length} rows enriched${failed.length ? `, ${failed.length} failed` : ''}: the Enrich node took ${seconds(task.executionTime)}, the whole headless run ${seconds(result.ms)} (n8n start-up included).`,
	);
	if (result.code !== 0 || enriched.length === 0) process.exitCode = 1;
}

let stopping = false;

/** Stops every process the sandbox started, by PID, removes its folder unless something failed. */
async function shutdown(exitCode: number): Promise<void> {
	if (stopping) return;
	stopping = true;
	log('Stopping everything the sandbox started...');
	await registry.stopAll();
	const left = registry.leftovers();
	if (left.length) warn(`still running:\n${left.join('\n')}`);
	if (exitCode) log(`Logs kept in ${logDir}`);
	else rmSync(runDir, { recursive: true, force: true });
	process.exit(exitCode);
}

async function main(): Promise<void> {
	// Ctrl+C is how the sandbox is meant to end; for the demo it is an interruption.
	process.on('SIGINT', () => void shutdown(demo ? 130 : 0));
	process.on('SIGTERM', () => void shutdown(demo ? 143 : 0));
	try {
		if (demo) await runDemo();
		else await startSandbox();
	} catch (error) {
		warn((error as Error).message);
		process.exitCode = 1;
	}
	await shutdown(Number(process.exitCode ?? 0));
}

void main();

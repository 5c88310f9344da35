/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- e2e harness runs in Node, not in n8n */
// `npm run test:e2e`: the package in real n8n 2.x and 1.x. See docs/e2e.md.
//   --major=2 | --major=1   only one major (default: both)
//   --skip-editor --skip-trigger   leave out the browser or the trigger scenario
//   --skip-queue            leave out queue mode (main, workers, Redis, Postgres; n8n 2.x only)
//   --queue-only            only queue mode (implies --major=2)
//   --only=<text>           run only the scenarios whose title contains <text> (set-up steps run);
//                           several texts separated by | (any of them)
//   --keep                  keep the run folder (n8n user folders, logs) even when all passed
//   --serial                run the lanes one after another instead of at the same time
// The lanes (n8n 2.x, n8n 1.x, queue mode) run at the same time, each with its own emulator
// (scenarios set its speed, holds and faults) and its own n8n processes and ports: on 2 cores
// most of a lane's time is waiting on runs, restarts and callbacks.
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { startEmulatorProcess } from './harness/emulator';
import { ensureChromium, ensureN8nBuilds } from './harness/install';
import type { N8nMajor } from './harness/install';
import {
	figure,
	log,
	recordedFigures,
	recordedTimings,
	registerSecret,
	seconds,
	step,
	warn,
} from './harness/log';
import { N8nApi } from './harness/n8nApi';
import { N8nInstance } from './harness/n8nInstance';
import { buildAndPack, installIntoN8n } from './harness/pack';
import { makeRunDir } from './harness/paths';
import { ProcessRegistry } from './harness/processes';
import { E2E_OWNER, FAST_SPEED } from './harness/suite';
import type { MajorContext, SuiteContext } from './harness/suite';
import {
	BAD_KEY_CREDENTIAL,
	EMULATOR_CREDENTIAL,
	parallelCredential,
	SIGNED_CREDENTIAL,
} from './harness/credentials';
import { DEFAULT_CALLBACK_SECRET } from '../emulator';
import { addRunsGetResults } from './scenarios/addRunsGetResults';
import {
	agentToolScenario,
	agentToolTimeoutScenario,
	closeModelServers,
} from './scenarios/agentTool';
import { badCredentialErrorOutput, badCredentialStops } from './scenarios/badCredential';
import { credentialTest } from './scenarios/credentialTest';
import { editorScenario, exampleWorkflows } from './scenarios/editor';
import { enrichFailure } from './scenarios/enrichFailure';
import { enrichRows } from './scenarios/enrichRows';
import { followUpChain } from './scenarios/followUp';
import { getResultsPaging } from './scenarios/getResultsPaging';
import type { HeadlessScenario } from './scenarios/headlessScenario';
import { packageLoaded } from './scenarios/packageLoaded';
import { queueScenarios, runQueueSuite } from './scenarios/queue/queueSuite';
import { pauseScenario } from './scenarios/pauseMode';
import { savedWorkflowsScenario } from './scenarios/savedWorkflows';
import { PAYING_ONCE } from './scenarios/payingOnce';
import { triggerBasicScenario } from './scenarios/triggerBasic';
import { triggerRestartScenario } from './scenarios/triggerRestart';

const HEADLESS: HeadlessScenario[] = [
	enrichRows,
	enrichFailure,
	followUpChain,
	addRunsGetResults,
	badCredentialStops,
	badCredentialErrorOutput,
	...PAYING_ONCE,
	agentToolScenario,
	agentToolTimeoutScenario,
];

interface Options {
	majors: N8nMajor[];
	only?: string;
	editor: boolean;
	trigger: boolean;
	queue: boolean;
	queueOnly: boolean;
	keep: boolean;
	serial: boolean;
}

function parseOptions(argv: string[]): Options {
	const value = (name: string) =>
		argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
	const major = value('major');
	const known = [
		'--skip-editor',
		'--skip-trigger',
		'--skip-queue',
		'--queue-only',
		'--keep',
		'--serial',
	];
	const unknown = argv.filter((arg) => !/^--(major|only)=/.test(arg) && !known.includes(arg));
	if (unknown.length) throw new Error(`Unknown option(s): ${unknown.join(' ')}`);
	if (major !== undefined && major !== '1' && major !== '2')
		throw new Error(`--major must be 1 or 2, got ${major}`);
	const queueOnly = argv.includes('--queue-only');
	if (queueOnly && (major === '1' || argv.includes('--skip-queue')))
		throw new Error('--queue-only runs n8n 2.x queue mode: drop --major=1 / --skip-queue');
	return {
		majors: queueOnly ? [2] : major ? [Number(major) as N8nMajor] : [2, 1],
		only: value('only'),
		editor: !argv.includes('--skip-editor'),
		trigger: !argv.includes('--skip-trigger'),
		queue: !argv.includes('--skip-queue'),
		queueOnly,
		keep: argv.includes('--keep'),
		serial: argv.includes('--serial'),
	};
}

// N8N_E2E_START_TIMEOUT_S: how long n8n may take to start (a loaded machine can need minutes).
const START_TIMEOUT_MS = Number(process.env.N8N_E2E_START_TIMEOUT_S ?? 300) * 1000;

const failures: string[] = [];
let onlyFilter: string | undefined;

function wanted(name: string): boolean {
	return !onlyFilter || onlyFilter.split('|').some((text) => name.includes(text));
}

/** A scenario failing is recorded and the next one runs; the summary lists every failure. */
async function scenario(name: string, work: () => Promise<void>): Promise<void> {
	if (!wanted(name)) return;
	try {
		await step(name, work);
	} catch (error) {
		failures.push(`${name}: ${(error as Error).message}`);
	}
}

async function runMajor(suite: SuiteContext, ctx: MajorContext, options: Options): Promise<void> {
	const { instance, tag } = ctx;
	await step(`${tag}: install the packed package into n8n's community packages folder`, () =>
		installIntoN8n(suite.registry, suite.pkg, instance.userFolder, suite.logDir),
	);
	await step(`${tag}: import the Parallel credentials (first command: migrations)`, () =>
		instance.importCredentials([
			parallelCredential(EMULATOR_CREDENTIAL, suite.emulator.apiKey, suite.emulator.url),
			parallelCredential(BAD_KEY_CREDENTIAL, `wrong-${suite.emulator.apiKey}`, suite.emulator.url),
			parallelCredential(SIGNED_CREDENTIAL, suite.emulator.apiKey, suite.emulator.url, {
				webhookSecret: DEFAULT_CALLBACK_SECRET,
			}),
		]),
	);
	for (const headless of HEADLESS) await headless.prepare?.(ctx);
	await getResultsPaging.prepare(ctx);
	const trigger = triggerRestartScenario();
	const triggerBasic = ctx.build.major === 1 ? triggerBasicScenario() : undefined;
	const pause = pauseScenario();
	const examples = exampleWorkflows().map((example) => example.workflow);
	const workflows = [
		// The examples exactly as published (they must import; the editor scenario opens them).
		...examples,
		...HEADLESS.map((headless) => headless.workflow(ctx)),
		getResultsPaging.workflow(ctx),
		...(options.trigger ? await trigger.prepare(ctx) : []),
		...(options.trigger && triggerBasic ? await triggerBasic.prepare(ctx) : []),
		...(await pause.prepare(ctx)),
	];
	await step(
		`${tag}: import the examples and ${workflows.length - examples.length} runnable variants`,
		() => instance.importWorkflows(workflows),
	);
	for (const headless of HEADLESS) {
		const workflow = headless.workflow(ctx);
		await scenario(`${tag}: ${headless.title}`, async () => {
			await headless.before?.(ctx);
			try {
				const result = await instance.execute(workflow.id);
				await headless.verify(result, ctx);
			} finally {
				await headless.after?.(ctx);
			}
		});
	}
	await scenario(`${tag}: workflows saved with every node version run as recorded`, () =>
		savedWorkflowsScenario(ctx),
	);

	// The pause scenario's receivers listen from its prepare on: close them however this ends.
	try {
		await runServerScenarios(ctx, options, { trigger, triggerBasic }, pause);
	} finally {
		await pause.close();
	}
}

async function runServerScenarios(
	ctx: MajorContext,
	options: Options,
	triggers: {
		trigger: ReturnType<typeof triggerRestartScenario>;
		triggerBasic?: ReturnType<typeof triggerBasicScenario>;
	},
	pause: ReturnType<typeof pauseScenario>,
): Promise<void> {
	const { instance, tag } = ctx;
	const { trigger, triggerBasic } = triggers;
	await step(`${tag}: start n8n`, async () =>
		figure(`${tag} start: ${seconds(await instance.start(START_TIMEOUT_MS))}`),
	);
	const api = new N8nApi(instance.url);
	await step(`${tag}: owner account and API key`, async () => {
		await api.setupOwner(ctx.owner);
		await api.createApiKey();
	});
	ctx.api = api;
	await scenario(`${tag}: n8n loaded the package`, () => packageLoaded(ctx));
	await scenario(`${tag}: credential test through n8n (valid and wrong key)`, () =>
		credentialTest(ctx),
	);
	await scenario(`${tag}: ${getResultsPaging.title}`, () => getResultsPaging.run(ctx));
	if (options.editor && ctx.build.major === 2)
		await scenario(`${tag}: the editor in Chromium`, () => editorScenario(ctx));
	if (options.trigger) {
		if (triggerBasic)
			await scenario(`${tag}: trigger: one execution per run`, () => triggerBasic.run(ctx));
		await scenario(
			`${tag}: trigger: one execution per run across an n8n restart, with and without keys`,
			() => trigger.run(ctx),
		);
	}
	await scenario(
		`${tag}: pause: 50 rows, n8n restarted during the wait, resumed once with every answer`,
		() => pause.runLong(ctx),
	);
	await scenario(
		`${tag}: pause: lost, duplicated, late, early and forged callbacks, resumed once`,
		() => pause.runFaults(ctx),
	);
	await step(`${tag}: stop n8n`, async () =>
		figure(`${tag} stop: ${seconds(await instance.stop())}`),
	);
}

function printSummary(startedAt: number, installMs: number): void {
	log();
	log('Summary');
	for (const timing of recordedTimings())
		log(`  ${timing.ok ? 'ok    ' : 'FAILED'} ${seconds(timing.ms).padStart(8)}  ${timing.name}`);
	log();
	for (const text of recordedFigures()) log(`  ${text}`);
	const total = Date.now() - startedAt;
	log();
	log(
		`Total ${seconds(total)} (n8n install/cache check ${seconds(installMs)}; without it ${seconds(total - installMs)})`,
	);
	if (failures.length) {
		log();
		log(`${failures.length} failure(s):`);
		for (const failure of failures) log(`  - ${failure}`);
	} else {
		log('All e2e scenarios passed.');
	}
}

async function main(): Promise<void> {
	const options = parseOptions(process.argv.slice(2));
	onlyFilter = options.only;
	registerSecret(E2E_OWNER.password);
	const startedAt = Date.now();
	const registry = new ProcessRegistry();
	const { runDir, logDir } = makeRunDir('parallel-e2e');
	log(`Run folder: ${runDir}`);

	let stopping = false;
	const interrupt = (signal: string) => {
		if (stopping) return;
		stopping = true;
		warn(`${signal}: stopping every process this run started`);
		void (async () => {
			await registry.stopAll().catch(() => undefined);
			await registry.killAdopted();
			const left = registry.leftovers();
			log(`Stopped. Processes of this run still alive (ps): ${left.length}`);
			log(`Logs kept in ${runDir}`);
			process.exit(130);
		})();
	};
	process.on('SIGINT', () => interrupt('SIGINT'));
	process.on('SIGTERM', () => interrupt('SIGTERM'));

	let installMs = 0;
	try {
		const installStarted = Date.now();
		const builds = await step('install or reuse the n8n builds', () =>
			ensureN8nBuilds(options.majors),
		);
		if (options.editor && options.majors.includes(2) && !options.queueOnly) {
			try {
				await step('Chromium for the editor checks', ensureChromium);
			} catch (error) {
				// The other scenarios still run; the editor check counts as failed.
				failures.push(`the editor in Chromium: ${(error as Error).message}`);
				options.editor = false;
			}
		}
		installMs = Date.now() - installStarted;
		const pkg = await step('build and npm pack the package', async () => {
			const packed = await buildAndPack(registry, runDir, logDir);
			figure(
				`tarball ${packed.tarball.split('/').pop()}: ${packed.files} files, ${packed.sizeBytes} bytes`,
			);
			return packed;
		});
		const emulatorFor = (lane: string) =>
			step(`${lane}: start a Parallel emulator`, () =>
				startEmulatorProcess(registry, logDir, FAST_SPEED, `emulator-${lane.replace(/\W+/g, '-')}`),
			);
		const lanes: Array<() => Promise<void>> = [];
		for (const major of options.queueOnly ? [] : options.majors) {
			const build = builds.get(major)!;
			const tag = `n8n ${build.version}`;
			lanes.push(async () => {
				const suite: SuiteContext = {
					registry,
					runDir,
					logDir,
					emulator: await emulatorFor(tag),
					pkg,
				};
				const instance = await N8nInstance.create(build, registry, {
					root: join(runDir, `n8n-${build.version}`),
					logDir,
					label: `n8n-${build.version}`,
				});
				const ctx: MajorContext = { ...suite, build, instance, owner: E2E_OWNER, tag };
				try {
					await runMajor(suite, ctx, options);
				} catch (error) {
					failures.push(`${tag}: ${(error as Error).message}`);
					await instance.stop();
				}
			});
		}
		const build2 = builds.get(2);
		if (options.queue && build2)
			lanes.push(async () => {
				const tag = `n8n ${build2.version} queue mode`;
				if (!queueScenarios().some((entry) => wanted(`${tag}: ${entry.title}`))) return;
				const emulator = await emulatorFor(tag);
				await runQueueSuite({ registry, runDir, logDir, emulator, pkg }, build2, scenario, wanted);
			});
		const runLane = async (lane: () => Promise<void>) => {
			try {
				await lane();
			} catch (error) {
				failures.push((error as Error).message);
			}
		};
		if (options.serial) for (const lane of lanes) await runLane(lane);
		else await Promise.all(lanes.map(runLane));
	} catch (error) {
		failures.push((error as Error).message);
	} finally {
		await step('tear down every process by PID', async () => {
			await closeModelServers();
			await registry.stopAll();
			await registry.killAdopted();
			const left = registry.leftovers();
			if (left.length) failures.push(`processes left behind:\n${left.join('\n')}`);
			figure(`processes left behind after teardown (ps): ${left.length}`);
		}).catch(() => undefined);
		printSummary(startedAt, installMs);
		if (failures.length || options.keep) log(`Logs and n8n folders kept in ${runDir}`);
		else rmSync(runDir, { recursive: true, force: true });
	}
	process.exitCode = failures.length ? 1 : 0;
}

void main();

// The three failures of issue 9, each in real n8n against the emulator's faults:
// - a 2,000-item Add Runs whose second batch answers 504 at once and is applied 4 s later (a
//   gateway that gives up while the backend goes on) must end with exactly 2,000 runs;
// - a 307 from the Base URL to another host must send the API key nowhere and stop the run with
//   an error naming that host;
// - Get Results on a /runs stream that goes silent after 100 of 300 runs must notice the silence,
//   resume from the last event and return all 300 runs once.
import { EMULATOR_CREDENTIAL } from '../harness/credentials';
import { expectAtLeast, expectEqual, expectMatch, expectTrue } from '../harness/expect';
import { figure, seconds } from '../harness/log';
import { waitFor } from '../harness/poll';
import { nodeTask, outputItems, pairedIndex } from '../harness/runData';
import type { MajorContext } from '../harness/suite';
import { ACTION_NODE_TYPE, CREDENTIAL_TYPE, manualStart } from '../harness/workflows';
import type { WorkflowJson } from '../harness/workflows';
import type { HeadlessScenario } from './headlessScenario';

const NODE = 'Parallel';

/** Manual trigger → a Code node returning `rowsCode`'s items → one Parallel node. */
function workflowOf(
	id: string,
	name: string,
	rowsCode: string,
	parameters: Record<string, unknown>,
): WorkflowJson {
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			manualStart(`${id}-start`),
			{
				id: `${id}-rows`,
				name: 'Rows',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
				parameters: { jsCode: rowsCode },
			},
			{
				id: `${id}-node`,
				name: NODE,
				type: ACTION_NODE_TYPE,
				typeVersion: 1,
				position: [400, 0],
				parameters,
				credentials: { [CREDENTIAL_TYPE]: { ...EMULATOR_CREDENTIAL } },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: NODE, type: 'main', index: 0 }]] },
		},
	};
}

const rows = (count: number) =>
	`return Array.from({ length: ${count} }, (_, i) => ({ json: { row: i + 1, company: 'Company ' + (i + 1) } }));`;

/** A value per n8n major (the majors' scenarios can run at the same time), set before it is read. */
function perMajor<T>(what: string) {
	const values = new Map<string, T>();
	return {
		set: (ctx: MajorContext, value: T) => values.set(ctx.tag, value),
		get(ctx: MajorContext): T {
			if (!values.has(ctx.tag)) throw new Error(`${ctx.tag}: no ${what} prepared`);
			return values.get(ctx.tag)!;
		},
	};
}

const lateGroups = perMajor<string>('task group');
const lateWorkBefore = perMajor<number>('late-work count');
const ITEMS = 2000;

export const lateBatch: HeadlessScenario = {
	title: 'add 2,000 runs: a batch answered 504 and applied 4 s later is not paid twice',
	async prepare(ctx) {
		lateGroups.set(ctx, await ctx.emulator.createGroup({ e2e: 'late batch' }));
	},
	async before(ctx) {
		lateWorkBefore.set(ctx, (await ctx.emulator.counters()).lateWorkDone);
		await ctx.emulator.addFault({
			route: 'addRuns',
			skip: 1,
			times: 1,
			action: { type: 'applyLate', afterMs: 4000, status: 504 },
		});
	},
	workflow: (ctx) =>
		workflowOf(
			`E2eLateBatch${ctx.build.major}000`.slice(0, 16),
			'e2e: add runs, late batch',
			rows(ITEMS),
			{
				resource: 'taskGroup',
				operation: 'addRuns',
				taskGroupId: lateGroups.get(ctx),
				processor: 'lite',
				outputSchemaType: 'text',
			},
		),
	async verify(result, ctx) {
		const group = lateGroups.get(ctx);
		expectEqual(result.code, 0, 'the exit code of n8n execute');
		expectEqual(result.run.status, 'success', 'the execution status');
		const added = outputItems(result.run, NODE);
		expectEqual(added.length, ITEMS, 'items from Add runs');
		expectEqual(new Set(added.map((item) => item.json.run_id)).size, ITEMS, 'distinct run IDs');
		added.forEach((item, index) => {
			if (pairedIndex(item) !== index)
				expectEqual(pairedIndex(item), index, `item ${index}'s pairedItem`);
		});
		// Only once the late batch has landed could a duplicate show.
		await waitFor(
			'the late batch to land',
			async () => (await ctx.emulator.counters()).lateWorkDone > lateWorkBefore.get(ctx),
			{ timeoutMs: 30_000 },
		);
		const counters = await ctx.emulator.counters();
		expectEqual(counters.runsCreated[group], ITEMS, `runs in task group ${group}`);
		expectEqual(counters.duplicateInputs[group] ?? 0, 0, 'runs paid twice');
		const runIds = new Set((await ctx.emulator.group(group)).runs.map((run) => run.run_id));
		expectTrue(
			added.every((item) => runIds.has(item.json.run_id as string)),
			'every run ID in the output to be a run of the group',
		);
		expectEqual(
			result.run.metadata[`parallel_task_group_${NODE}`],
			group,
			'the task group in the execution custom data',
		);
		expectMatch(result.output, new RegExp(`adds runs to task group ${group}`), "n8n's log");
		const ms = nodeTask(result.run, NODE)?.executionTime ?? 0;
		figure(
			`${ctx.tag} add runs, ${ITEMS} items, one batch applied 4 s after its 504: ${counters.runsCreated[group]} runs, node ${seconds(ms)}`,
		);
	},
	async after(ctx) {
		await ctx.emulator.clearFaults();
	},
};

const redirectGroups = perMajor<string>('task group');
const redirectTargetBefore = perMajor<{ requests: number; withApiKey: number }>(
	'redirect-target count',
);

export const redirectElsewhere: HeadlessScenario = {
	title: 'a 307 to another host: the key goes nowhere, the error names the host',
	async prepare(ctx) {
		redirectGroups.set(ctx, await ctx.emulator.createGroup({ e2e: 'redirect' }));
	},
	async before(ctx) {
		redirectTargetBefore.set(ctx, (await ctx.emulator.counters()).redirectTarget);
		await ctx.emulator.addFault({
			route: '*',
			times: -1,
			action: { type: 'redirect', status: 307 },
		});
	},
	workflow: (ctx) =>
		workflowOf(
			`E2eRedirect${ctx.build.major}00000`.slice(0, 16),
			'e2e: add runs, redirected',
			rows(3),
			{
				resource: 'taskGroup',
				operation: 'addRuns',
				taskGroupId: redirectGroups.get(ctx),
				processor: 'lite',
				outputSchemaType: 'text',
			},
		),
	async verify(result, ctx) {
		expectEqual(result.code, 1, 'the exit code of n8n execute');
		expectEqual(result.run.status, 'error', 'the execution status');
		const error = result.run.runData[NODE]?.[0]?.error;
		expectMatch(
			error?.message,
			/^Parallel's address answered with a redirect to http:\/\/127\.0\.0\.1:\d+$/,
			`the error n8n shows on '${NODE}'`,
		);
		expectMatch(error?.description ?? '', /The API key was not sent there/, 'the hint under it');
		const counters = await ctx.emulator.counters();
		expectEqual(
			counters.redirectTarget,
			redirectTargetBefore.get(ctx),
			'requests the other host received',
		);
		expectEqual(counters.runsCreated[redirectGroups.get(ctx)] ?? 0, 0, 'runs created');
		figure(`${ctx.tag} redirect: "${error?.message}"`);
	},
	async after(ctx) {
		await ctx.emulator.clearFaults();
	},
};

const silentGroups = perMajor<string>('task group');
const RUNS = 300;
const streamsBefore = perMajor<number>('streams count');

export const silentRunsStream: HeadlessScenario = {
	title: 'get results: a /runs stream silent after 100 of 300 runs still gives all 300 once',
	async prepare(ctx) {
		const group = await ctx.emulator.createGroup({ e2e: 'silent runs stream' });
		await ctx.emulator.addRuns(
			group,
			Array.from({ length: RUNS }, (_, i) => ({ company: `Company ${i + 1}` })),
		);
		await waitFor(
			`the ${RUNS} runs of ${group} to finish`,
			async () => (await ctx.emulator.group(group)).runs.every((run) => run.status === 'completed'),
			{ timeoutMs: 60_000 },
		);
		silentGroups.set(ctx, group);
	},
	async before(ctx) {
		streamsBefore.set(ctx, (await ctx.emulator.counters()).streamsOpened);
		await ctx.emulator.addFault({
			route: 'runs',
			times: 1,
			action: { type: 'stallStream', afterEvents: 100 },
		});
	},
	workflow: (ctx) =>
		workflowOf(
			`E2eSilentRuns${ctx.build.major}00`.slice(0, 16),
			'e2e: get results, silent stream',
			rows(1),
			{
				resource: 'taskGroup',
				operation: 'getResults',
				taskGroupId: silentGroups.get(ctx),
			},
		),
	async verify(result, ctx) {
		expectEqual(result.code, 0, 'the exit code of n8n execute');
		expectEqual(result.run.status, 'success', 'the execution status');
		const results = outputItems(result.run, NODE);
		expectEqual(results.length, RUNS, 'items from Get results');
		expectEqual(new Set(results.map((item) => item.json.run_id)).size, RUNS, 'distinct runs');
		expectTrue(
			results.every(
				(item) => item.json.status === 'completed' && typeof item.json.summary === 'string',
			),
			'every result completed, with its output',
		);
		const counters = await ctx.emulator.counters();
		expectAtLeast(counters.injectedFaults, 1, 'faults injected');
		expectEqual(
			counters.streamsOpened - streamsBefore.get(ctx),
			2,
			'runs streams opened (one resume)',
		);
		const ms = nodeTask(result.run, NODE)?.executionTime ?? 0;
		figure(
			`${ctx.tag} get results through a silent /runs stream: ${RUNS} runs once, node ${seconds(ms)} (silence bound 60 s)`,
		);
	},
	async after(ctx) {
		await ctx.emulator.clearFaults();
	},
};

export const PAYING_ONCE: HeadlessScenario[] = [lateBatch, redirectElsewhere, silentRunsStream];

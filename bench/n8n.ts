/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console -- benchmarks run in Node, not in n8n */
// `npm run bench:n8n`: the nodes inside a real n8n 2.41.1 server (the packed package, installed
// as n8n installs community packages), each figure from the execution record's executionTime,
// beside the same measurement in n8n-core's WorkflowExecute in this process (the harness), and
// the baselines, all in one run against the emulator in its own process with 50 ms latency.
//   npm run bench:n8n                     Add Runs, Get Results and the trigger
//   npm run bench:n8n -- addRuns          only some: addRuns, getResults, getResultsScaling, trigger
//   BENCH_N8N_SIZES=1000,10000 BENCH_REPS=3 npm run bench:n8n
import '../bench/lib/quietN8n';

import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';

import type { WorkflowNode } from '../test/e2e/harness/workflows';
import { MAX_BATCH, SEED_BATCH, viaBatches, viaNode } from './addRuns';
import type { GetResultsArgs, GetResultsMeasurement } from './children/getResultsNode';
import type { JsonParseMeasurement } from './children/jsonParseLimit';
import { OUTPUT_PAD_BYTES } from './getResults';
import { runChild } from './lib/childProcess';
import { REPO_ROOT, startEmulatorProcess } from './lib/emulatorProcess';
import type { EmulatorProcess } from './lib/emulatorProcess';
import { companies } from './lib/items';
import { describeMachine } from './lib/machine';
import {
	addRunsSequentially,
	createGroup,
	runInputs,
	runsStreamBytes,
	waitUntilInactive,
} from './lib/plainApi';
import { median } from './lib/stats';
import { count, markdownTable, mb, mbps, ms, ratio } from './lib/table';
import type { BenchN8n } from './n8n/instance';
import { startBenchN8n } from './n8n/instance';
import { BURST, TRICKLE_RUNS, triggerLagAt } from './n8n/triggerLag';
import type { BurstFigures, TriggerLagResult } from './n8n/triggerLag';
import {
	ADD_RUNS_WORKFLOW,
	BENCH_WORKFLOWS,
	GET_RESULTS_WORKFLOW,
	NODE,
	rowsCode,
	SAME_ITEMS,
	SAME_ITEMS_WORKFLOW,
	sameItemsCode,
	START,
	TRIGGER_WORKFLOWS,
} from './n8n/workflows';
import { BURST_RUNS, benchTrigger } from './triggerLatency';
import type { TriggerFigures } from './triggerLatency';

const LATENCY_MS = 50;
const REPS = Number(process.env.BENCH_REPS ?? 3);
const SIZES = (process.env.BENCH_N8N_SIZES ?? '1000,10000,100000').split(',').map(Number);
/** 100,000 items take ~10 s a way: fewer repetitions there. */
const LARGE = 100_000;
const LARGE_REPS = Number(process.env.BENCH_LARGE_REPS ?? 1);
const ADD_ROUTE = 'POST /tasks/groups/:id/runs';
const RESULT_RUNS = 10_000;

const load = () => loadavg()[0].toFixed(1);

interface Sample {
	ms: number;
	posts?: number;
	rssGrowth?: number;
	peakRss?: number;
	/** Bytes of the node's output items as JSON. */
	outputBytes?: number;
	firstItem?: unknown;
	/** From the node's start in real n8n: the first and last add-runs POST created, the last answer ended. */
	firstPost?: number;
	lastPost?: number;
	lastAnswer?: number;
}

type Samples = Record<string, Sample[]>;

const summary = (list: Sample[]) => ({
	ms: median(list.map((s) => s.ms)),
	posts: median(list.map((s) => s.posts ?? Number.NaN)),
	rssGrowth: median(list.map((s) => s.rssGrowth ?? Number.NaN)),
	peakRss: median(list.map((s) => s.peakRss ?? Number.NaN)),
	outputBytes: median(list.map((s) => s.outputBytes ?? Number.NaN)),
	firstPost: median(list.map((s) => s.firstPost ?? Number.NaN)),
	lastPost: median(list.map((s) => s.lastPost ?? Number.NaN)),
	lastAnswer: median(list.map((s) => s.lastAnswer ?? Number.NaN)),
	reps: list.length,
});

async function nodeInN8n(
	n8n: BenchN8n,
	emulator: EmulatorProcess,
	workflowId: string,
	patch: (node: WorkflowNode) => void,
	expectedItems: number,
	nodeName = NODE,
): Promise<Sample> {
	const before = (await emulator.counters()).requests[ADD_ROUTE] ?? 0;
	const { execution, rssBefore, peakRss } = await n8n.run(workflowId, START, patch);
	if (execution.status !== 'success')
		throw new Error(
			`n8n execution ${execution.id}: ${execution.status} ${execution.run.error?.message}`,
		);
	const task = execution.run.runData[nodeName]?.[0];
	const output = task?.data?.main?.[0] ?? [];
	if (!task || output.length !== expectedItems)
		throw new Error(`n8n execution ${execution.id}: ${output.length} items, not ${expectedItems}`);
	const posts = ((await emulator.counters()).requests[ADD_ROUTE] ?? 0) - before;
	// The node's POSTs, placed against its start (both epoch ms in the n8n process).
	const during = (times: number[]) =>
		times
			.filter((at) => at >= task.startTime - 1 && at <= task.startTime + task.executionTime + 1)
			.map((at) => at - task.startTime);
	const { starts, ends } = n8n.posts();
	const [postStarts, postEnds] = [during(starts), during(ends)];
	return {
		ms: task.executionTime,
		posts,
		firstPost: postStarts.length ? Math.min(...postStarts) : undefined,
		lastPost: postStarts.length ? Math.max(...postStarts) : undefined,
		lastAnswer: postEnds.length ? Math.max(...postEnds) : undefined,
		rssGrowth: peakRss - rssBefore,
		peakRss,
		outputBytes: Buffer.byteLength(JSON.stringify(output.map((item) => item.json))),
		firstItem: output[0]?.json,
	};
}

/** Add Runs of `size` items: in real n8n (default, and Concurrent Requests 10), in the harness, and the two baselines. */
async function addRunsAt(n8n: BenchN8n, emulator: EmulatorProcess, size: number, reps: number) {
	const samples: Samples = {
		n8n: [],
		n8nC10: [],
		harness: [],
		limit: [],
		limitKeyed: [],
		seed: [],
	};
	const inN8n = async (concurrency?: number) => {
		await emulator.reset();
		const groupId = await createGroup(emulator.url);
		return await nodeInN8n(
			n8n,
			emulator,
			ADD_RUNS_WORKFLOW,
			(node) => {
				if (node.name === 'Rows') node.parameters.jsCode = rowsCode(size);
				if (node.name === NODE) {
					node.parameters.taskGroupId = groupId;
					node.parameters.options = concurrency ? { concurrency } : {};
				}
			},
			size,
		);
	};
	const fresh = async <T>(work: () => Promise<T>) => {
		await emulator.reset();
		return await work();
	};
	const loadBefore = load();
	// Untimed warm-up of each way (JIT in n8n, in this process and in the emulator).
	if (size <= 10_000) {
		await inN8n();
		await fresh(() => viaNode(emulator, size));
		await fresh(() => viaBatches(emulator, MAX_BATCH, size / MAX_BATCH, size));
	}
	for (let rep = 0; rep < reps; rep++) {
		samples.n8n.push(await inN8n());
		if (size === 10_000) samples.n8nC10.push(await inN8n(10));
		samples.harness.push(await fresh(() => viaNode(emulator, size)));
		samples.limit.push(await fresh(() => viaBatches(emulator, MAX_BATCH, size / MAX_BATCH, size)));
		samples.limitKeyed.push(
			await fresh(() => viaBatches(emulator, MAX_BATCH, size / MAX_BATCH, size, true)),
		);
		if (rep === 0 || size <= 10_000)
			samples.seed.push(await fresh(() => viaBatches(emulator, SEED_BATCH, 1, size)));
		console.error(`bench:n8n addRuns ${size} rep ${rep + 1}: n8n ${ms(samples.n8n[rep].ms)}`);
	}
	await emulator.reset();
	return {
		size,
		load: `${loadBefore} -> ${load()}`,
		...Object.fromEntries(
			Object.entries(samples)
				.filter(([, list]) => list.length)
				.map(([way, list]) => [way, summary(list)]),
		),
	} as { size: number; load: string } & Record<string, ReturnType<typeof summary>>;
}

async function completedGroup(emulator: EmulatorProcess, runs: number): Promise<string> {
	const groupId = await createGroup(emulator.url);
	await addRunsSequentially(emulator.url, groupId, runInputs(companies(runs)), 1000);
	await waitUntilInactive(emulator.url, groupId);
	return groupId;
}

/** The node's Get Results (Return All) of `taskGroupId` in real n8n, expecting `items` results. */
const getResultsInN8n = (
	n8n: BenchN8n,
	emulator: EmulatorProcess,
	taskGroupId: string,
	items: number,
) =>
	nodeInN8n(
		n8n,
		emulator,
		GET_RESULTS_WORKFLOW,
		(node) => {
			if (node.name === NODE) node.parameters.taskGroupId = taskGroupId;
		},
		items,
	);

/** Get Results of 10,000 runs of ~2 KB: in real n8n, in the harness (own process), and a bare reader. */
async function getResultsAt(n8n: BenchN8n, emulator: EmulatorProcess, reps: number) {
	await emulator.reset();
	await emulator.configure({ outputPadBytes: OUTPUT_PAD_BYTES, speed: 0.001 });
	const warmUpGroupId = await completedGroup(emulator, 1000);
	const groupId = await completedGroup(emulator, RESULT_RUNS);
	const payloadBytes = (await runsStreamBytes(emulator.url, groupId)).length;
	const args: GetResultsArgs = { url: emulator.url, warmUpGroupId, groupId, runs: RESULT_RUNS };
	const inN8n = (taskGroupId: string, items: number) =>
		getResultsInN8n(n8n, emulator, taskGroupId, items);
	// n8n's own share: the same number of items, shaped like the node's first one, from a Code node.
	const sameItems = (template: unknown, items: number) =>
		nodeInN8n(
			n8n,
			emulator,
			SAME_ITEMS_WORKFLOW,
			(node) => {
				if (node.name === SAME_ITEMS) node.parameters.jsCode = sameItemsCode(template, items);
			},
			items,
			SAME_ITEMS,
		);
	// Each n8n figure comes from a restarted server after one untimed run of 1,000 items: in a
	// server that ran a large execution before, freed heap stays resident and hides the growth.
	const afterRestart = async (warmUp: () => Promise<Sample>, measure: () => Promise<Sample>) => {
		await n8n.restart();
		await warmUp();
		return await measure();
	};
	// The same node with the execution not saved: the growth without n8n writing the record.
	const READS = 'GET /tasks/groups/:id/runs';
	const unsaved = async () => {
		const before = (await emulator.counters()).requests[READS] ?? 0;
		const { rssBefore, peakRss } = await n8n.runUnsaved(GET_RESULTS_WORKFLOW, START, (node) => {
			if (node.name === NODE) node.parameters.taskGroupId = groupId;
		});
		if (((await emulator.counters()).requests[READS] ?? 0) === before)
			throw new Error('Get Results with the record not saved read no /runs stream');
		return { ms: Number.NaN, rssGrowth: peakRss - rssBefore, peakRss };
	};
	const loadBefore = load();
	const { firstItem } = await inN8n(warmUpGroupId, 1000);
	const samples: Samples = {
		n8n: [],
		n8nUnsaved: [],
		n8nAlone: [],
		harness: [],
		bare: [],
		bytesOnly: [],
	};
	for (let rep = 0; rep < reps; rep++) {
		samples.n8n.push(
			await afterRestart(
				() => inN8n(warmUpGroupId, 1000),
				() => inN8n(groupId, RESULT_RUNS),
			),
		);
		samples.n8nUnsaved.push(await afterRestart(() => inN8n(warmUpGroupId, 1000), unsaved));
		samples.n8nAlone.push(
			await afterRestart(
				() => sameItems(firstItem, 1000),
				() => sameItems(firstItem, RESULT_RUNS),
			),
		);
		const harness = await runChild<GetResultsMeasurement>('getResultsNode.ts', args);
		samples.harness.push({ ms: harness.ms, rssGrowth: harness.peakRss - harness.rssBefore });
		const bare = await runChild<JsonParseMeasurement>('jsonParseLimit.ts', args);
		samples.bare.push({ ms: bare.ms, rssGrowth: bare.peakRss - bare.rssBefore });
		samples.bytesOnly.push({ ms: bare.rawReadMs });
		console.error(`bench:n8n getResults rep ${rep + 1}: n8n ${ms(samples.n8n[rep].ms)}`);
	}
	await emulator.reset();
	await emulator.configure({ outputPadBytes: 0, speed: 1 });
	return {
		payloadBytes,
		load: `${loadBefore} -> ${load()}`,
		...Object.fromEntries(Object.entries(samples).map(([way, list]) => [way, summary(list)])),
	} as { payloadBytes: number; load: string } & Record<string, ReturnType<typeof summary>>;
}

/**
 * Get Results with Return All at each size: real n8n (a restarted server, after one untimed run
 * of 1,000) beside the bare reader, for how time and memory grow with the group.
 */
async function getResultsScaling(
	n8n: BenchN8n,
	emulator: EmulatorProcess,
	sizes: number[],
	repsAt: (size: number) => number,
) {
	await emulator.reset();
	await emulator.configure({ outputPadBytes: OUTPUT_PAD_BYTES, speed: 0.001 });
	const warmUpGroupId = await completedGroup(emulator, 1000);
	const inN8n = (taskGroupId: string, items: number) =>
		getResultsInN8n(n8n, emulator, taskGroupId, items);
	const results = [];
	for (const size of sizes) {
		const loadBefore = load();
		const groupId = await completedGroup(emulator, size);
		const payloadBytes = (await runsStreamBytes(emulator.url, groupId)).length;
		const samples: Samples = { n8n: [], bare: [] };
		for (let rep = 0; rep < repsAt(size); rep++) {
			await n8n.restart();
			await inN8n(warmUpGroupId, 1000);
			samples.n8n.push(await inN8n(groupId, size));
			const bare = await runChild<JsonParseMeasurement>('jsonParseLimit.ts', {
				url: emulator.url,
				warmUpGroupId,
				groupId,
				runs: size,
			} satisfies GetResultsArgs);
			samples.bare.push({ ms: bare.ms, rssGrowth: bare.peakRss - bare.rssBefore });
			console.error(`bench:n8n getResults ${size} rep ${rep + 1}: n8n ${ms(samples.n8n[rep].ms)}`);
		}
		results.push({
			size,
			payloadBytes,
			load: `${loadBefore} -> ${load()}`,
			n8n: summary(samples.n8n),
			bare: summary(samples.bare),
		});
	}
	await emulator.reset();
	await emulator.configure({ outputPadBytes: 0, speed: 1 });
	return results;
}

function getResultsScalingTable(results: Awaited<ReturnType<typeof getResultsScaling>>): string {
	const at10k = results.find((result) => result.size === 10_000);
	const rows: string[][] = [];
	for (const r of results) {
		const growth = (way: 'n8n' | 'bare') =>
			`+${mb(r[way].rssGrowth)} (${ratio(r[way].rssGrowth / r.payloadBytes)} payload)`;
		rows.push([
			`${count(r.size)} (${mb(r.payloadBytes)})`,
			'node in real n8n, Return All (executionTime; n8n peak RSS growth)',
			`${ms(r.n8n.ms)}, ${mbps(r.payloadBytes, r.n8n.ms)}; ${growth('n8n')}`,
			`${r.n8n.reps}`,
			[
				`${ratio(r.bare.ms / r.n8n.ms)} the bare reader's rate`,
				at10k && r.size !== 10_000
					? `${ratio(r.n8n.ms / at10k.n8n.ms)} the 10,000-run time for ${ratio(r.size / 10_000)} the runs`
					: '',
			]
				.filter(Boolean)
				.join('; '),
			r.load,
		]);
		rows.push([
			'',
			'bare reader: fetch + JSON.parse per data line (own process)',
			`${ms(r.bare.ms)}, ${mbps(r.payloadBytes, r.bare.ms)}; ${growth('bare')}`,
			`${r.bare.reps}`,
			'',
			'',
		]);
	}
	return markdownTable(
		['Runs', 'Way', 'Median', 'Reps', 'Compared in this run', 'Load (1 min) before -> after'],
		rows,
	);
}

type AddRunsResult = Awaited<ReturnType<typeof addRunsAt>>;
type GetResultsResult = Awaited<ReturnType<typeof getResultsAt>>;

function addRunsTable(results: AddRunsResult[]): string {
	const rows: string[][] = [];
	const at10k = results.find((result) => result.size === 10_000);
	for (const r of results) {
		const posts = (way: string) => `${count(r[way].posts)} POSTs`;
		const rss = `n8n peak RSS ${mb(r.n8n.peakRss)} (+${mb(r.n8n.rssGrowth)})`;
		rows.push([
			`${count(r.size)}`,
			'node in real n8n, default options',
			`${ms(r.n8n.ms)}, ${posts('n8n')}, ${rss}`,
			`${r.n8n.reps}`,
			`${ratio(r.n8n.ms / r.limit.ms)} of limit; ${ratio(r.seed.ms / r.n8n.ms)} faster than seed`,
			r.load,
		]);
		if (Number.isFinite(r.n8n.lastAnswer))
			rows.push([
				'',
				"real n8n, from the node's start: when n8n created the first and the last POST, when the last answer ended",
				`first POST +${ms(r.n8n.firstPost)}, last POST +${ms(r.n8n.lastPost)}, last answer +${ms(r.n8n.lastAnswer)}`,
				`${r.n8n.reps}`,
				'',
				'',
			]);
		if (r.n8nC10)
			rows.push([
				'',
				'node in real n8n, Concurrent Requests 10',
				`${ms(r.n8nC10.ms)}, ${posts('n8nC10')}`,
				`${r.n8nC10.reps}`,
				`${ratio(r.n8nC10.ms / r.limit.ms)} of limit`,
				'',
			]);
		rows.push([
			'',
			'node in the harness (n8n-core in the bench process)',
			`${ms(r.harness.ms)}, ${posts('harness')}`,
			`${r.harness.reps}`,
			`${ratio(r.harness.ms / r.limit.ms)} of limit`,
			'',
		]);
		rows.push([
			'',
			`limit: ${count(r.size / MAX_BATCH)} POSTs of 1,000 all at once (plain fetch)`,
			`${ms(r.limit.ms)}`,
			`${r.limit.reps}`,
			'',
			'',
		]);
		rows.push([
			'',
			'limit with item keys: the same POSTs, each input with a key in its metadata as the node sends',
			`${ms(r.limitKeyed.ms)}`,
			`${r.limitKeyed.reps}`,
			`node ${ratio(r.n8n.ms / r.limitKeyed.ms)} of it`,
			'',
		]);
		rows.push([
			'',
			'seed: POSTs of 500 one after another (plain fetch)',
			`${ms(r.seed.ms)}, ${posts('seed')}`,
			`${r.seed.reps}`,
			'',
			'',
		]);
		if (at10k && r.size !== 10_000)
			rows.push([
				'',
				'scaling (real n8n)',
				`${ratio(r.n8n.ms / at10k.n8n.ms)} the 10,000-item time for ${ratio(r.size / 10_000)} the items`,
				'',
				'',
				'',
			]);
	}
	return markdownTable(
		['Items', 'Way', 'Median', 'Runs', 'Compared in this run', 'Load (1 min) before -> after'],
		rows,
	);
}

function getResultsTable(r: GetResultsResult): string {
	const rate = (way: string) => mbps(r.payloadBytes, r[way].ms);
	return markdownTable(
		['Way', 'Median', 'Runs', 'Compared in this run', 'Load (1 min) before -> after'],
		[
			[
				'node in real n8n (executionTime)',
				`${ms(r.n8n.ms)}, ${rate('n8n')}; n8n peak RSS +${mb(r.n8n.rssGrowth)} (${ratio(r.n8n.rssGrowth / r.payloadBytes)} payload), ${mb(r.n8n.peakRss)} total`,
				`${r.n8n.reps}`,
				`${ratio(r.bare.ms / r.n8n.ms)} the bare reader's rate`,
				r.load,
			],
			[
				'node in real n8n, the execution not saved (saveManualExecutions off)',
				`n8n peak RSS +${mb(r.n8nUnsaved.rssGrowth)} (${ratio(r.n8nUnsaved.rssGrowth / r.payloadBytes)} payload), ${mb(r.n8nUnsaved.peakRss)} total`,
				`${r.n8nUnsaved.reps}`,
				`saving the record: +${mb(r.n8n.rssGrowth - r.n8nUnsaved.rssGrowth)} of the growth`,
				'',
			],
			[
				`n8n alone: a Code node returning ${count(RESULT_RUNS)} items shaped like the node's (${mb(r.n8nAlone.outputBytes)} of item JSON; the node's: ${mb(r.n8n.outputBytes)})`,
				`${ms(r.n8nAlone.ms)}; n8n peak RSS +${mb(r.n8nAlone.rssGrowth)} (${ratio(r.n8nAlone.rssGrowth / r.payloadBytes)} payload), ${mb(r.n8nAlone.peakRss)} total`,
				`${r.n8nAlone.reps}`,
				'',
				'',
			],
			[
				'node in the harness (own process)',
				`${ms(r.harness.ms)}, ${rate('harness')}; peak RSS +${mb(r.harness.rssGrowth)}`,
				`${r.harness.reps}`,
				`${ratio(r.bare.ms / r.harness.ms)} the bare reader's rate`,
				'',
			],
			[
				'bare reader: fetch + JSON.parse per data line (own process)',
				`${ms(r.bare.ms)}, ${rate('bare')}; peak RSS +${mb(r.bare.rssGrowth)}`,
				`${r.bare.reps}`,
				'',
				'',
			],
			[
				'bytes only, no parsing',
				`${ms(r.bytesOnly.ms)}, ${rate('bytesOnly')}`,
				`${r.bytesOnly.reps}`,
				'',
				'',
			],
		],
	);
}

function triggerTable(real: TriggerLagResult, harness: TriggerFigures): string {
	const med = (list: BurstFigures[], pick: (f: BurstFigures) => number) => median(list.map(pick));
	const statuses = (list: BurstFigures[], expected = BURST) =>
		list
			.map((f) => {
				const total = Object.values(f.statuses).reduce((a, b) => a + b, 0);
				const listed = Object.entries(f.statuses).map(([status, n]) => `${n} ${status}`);
				// Not listed as finished when the wait ended: still running, or never created.
				if (total < expected) listed.push(`${expected - total} not finished`);
				return listed.join(', ');
			})
			.join(' / ');
	const floor = harness.eventArrival.medianMs + harness.roundTripMs;
	const realMedian = med(real.trigger, (f) => f.medianMs);
	return markdownTable(
		[
			'Way',
			'Median lag (start)',
			'p99',
			'Median to end',
			'Executions',
			'Runs',
			'Compared in this run',
		],
		[
			[
				`trigger in real n8n, ${count(BURST)} runs: execution startedAt - run end`,
				ms(realMedian),
				ms(med(real.trigger, (f) => f.p99Ms)),
				ms(med(real.trigger, (f) => f.endMedianMs)),
				`${statuses(real.trigger)}; burst run in ${ms(med(real.trigger, (f) => f.spanMs))}; n8n failure log lines ${real.trigger.map((f) => f.n8nErrors).join(' / ')}; re-emits ${real.trigger.map((f) => f.reEmits).join(' / ')}`,
				`${real.trigger.length}`,
				`${ms(realMedian - floor)} above the floor`,
			],
			[
				`trigger in real n8n, ${TRICKLE_RUNS} runs ending over ~3-18 s (n8n keeps up)`,
				ms(med(real.trickle, (f) => f.medianMs)),
				ms(med(real.trickle, (f) => f.p99Ms)),
				ms(med(real.trickle, (f) => f.endMedianMs)),
				`${statuses(real.trickle, TRICKLE_RUNS)}`,
				`${real.trickle.length}`,
				`${ms(med(real.trickle, (f) => f.medianMs) - floor)} above the floor`,
			],
			[
				`n8n's own: ${count(BURST)} webhook calls over 0.5 s, startedAt - call sent`,
				ms(med(real.webhook, (f) => f.medianMs)),
				ms(med(real.webhook, (f) => f.p99Ms)),
				ms(med(real.webhook, (f) => f.endMedianMs)),
				`${statuses(real.webhook)}; burst run in ${ms(med(real.webhook, (f) => f.spanMs))}; n8n failure log lines ${real.webhook.map((f) => f.n8nErrors).join(' / ')}`,
				`${real.webhook.length}`,
				'',
			],
			[
				'trigger in the harness: emit - run end',
				ms(harness.node.medianMs),
				ms(harness.node.p99Ms),
				'',
				'',
				`${harness.node.reps}`,
				`${ms(harness.node.medianMs - floor)} above the floor`,
			],
			[
				'floor: plain events reader arrival + one GET /result alone',
				ms(floor),
				'',
				'',
				'',
				`${harness.eventArrival.reps}`,
				`load ${real.load}`,
			],
		],
	);
}

async function main() {
	const chosen = process.argv.slice(2);
	const wanted = (name: string) => !chosen.length || chosen.includes(name);
	const machine = describeMachine();
	const started = Date.now();
	const folder = resolve(REPO_ROOT, 'bench/results');
	const name = `n8n-${machine.date.replace(/[:]/g, '-')}`;
	let version = '';
	const report = (sections: string[]) =>
		[
			`Parallel Task Group nodes in real n8n ${version}, ${machine.date}`,
			`CPU: ${machine.cpu}, ${machine.cores} cores; bench Node ${machine.node}; commit ${machine.commit}; load average at start ${machine.loadAverage}`,
			`Emulator in its own process, ${LATENCY_MS} ms latency on every response. "real n8n": the node's executionTime in the execution record of an n8n server; "harness": n8n-core's WorkflowExecute in the bench process. Medians; ratios compare medians of this run.`,
			'',
			sections.join('\n\n'),
			'',
			`(${((Date.now() - started) / 1000).toFixed(0)} s in all)`,
		].join('\n');
	// Written after each section, so a later section's failure keeps the earlier tables.
	const write = (raw: Record<string, unknown>, sections: string[]) => {
		mkdirSync(folder, { recursive: true });
		writeFileSync(resolve(folder, `${name}.json`), JSON.stringify(raw, null, 2));
		writeFileSync(resolve(folder, `${name}.md`), `${report(sections)}\n`);
	};
	const emulator = await startEmulatorProcess({ latencyMs: LATENCY_MS, speed: 1 });
	let n8n: BenchN8n | undefined;
	// Ctrl+C stops n8n and the emulator too, not only this process.
	const interrupted = async () => {
		await n8n?.close();
		await emulator.close();
		process.exit(130);
	};
	process.once('SIGINT', () => void interrupted());
	process.once('SIGTERM', () => void interrupted());
	const sections: string[] = [];
	const raw: Record<string, unknown> = { machine };
	try {
		console.error('bench:n8n: install, pack and start n8n 2.41.1...');
		n8n = await startBenchN8n(emulator.url, [...BENCH_WORKFLOWS, ...TRIGGER_WORKFLOWS]);
		version = n8n.version;
		if (wanted('addRuns')) {
			const results: AddRunsResult[] = [];
			for (const size of SIZES)
				results.push(await addRunsAt(n8n, emulator, size, size >= LARGE ? LARGE_REPS : REPS));
			raw.addRuns = results;
			sections.push(`### Add Runs\n\n${addRunsTable(results)}`);
			write(raw, sections);
		}
		if (wanted('getResults')) {
			const result = await getResultsAt(n8n, emulator, REPS);
			raw.getResults = result;
			sections.push(
				`### Get Results, ${count(RESULT_RUNS)} runs, ${mb(result.payloadBytes)} /runs stream\n\n${getResultsTable(result)}`,
			);
			write(raw, sections);
		}
		if (wanted('getResultsScaling')) {
			const results = await getResultsScaling(n8n, emulator, SIZES, (size) =>
				size >= LARGE ? LARGE_REPS : REPS,
			);
			raw.getResultsScaling = results;
			sections.push(
				`### Get Results at ${SIZES.map(count).join(' / ')} runs (~2 KB each)\n\n${getResultsScalingTable(results)}`,
			);
			write(raw, sections);
		}
		if (wanted('trigger')) {
			const real = await triggerLagAt(n8n, emulator, REPS, load);
			const harness = await benchTrigger(emulator, REPS);
			raw.trigger = { real, harness };
			sections.push(
				`### Trigger, ${count(BURST)} completions in ~0.5 s in real n8n (${count(BURST_RUNS)} in the harness), outputs fetched\n\n${triggerTable(real, harness)}`,
			);
			write(raw, sections);
		}
	} finally {
		await n8n?.close();
		await emulator.close();
	}
	console.log(report(sections));
	write(raw, sections);
}

main().catch((error: Error) => {
	console.error(error);
	process.exitCode = 1;
});

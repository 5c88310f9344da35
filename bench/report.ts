import type { AddRunsFigures } from './addRuns';
import { ADD_RUNS_ITEMS } from './addRuns';
import type { LagFigures } from './completionLag';
import type { GetResultsFigures } from './getResults';
import { RESULT_RUNS } from './getResults';
import type { Machine } from './lib/machine';
import type { Row } from './lib/table';
import { count, markdownTable, mb, mbps, ms, ratio, verdict } from './lib/table';
import type { SseFigures } from './sseReader';
import type { TriggerFigures } from './triggerLatency';
import { BURST_RUNS } from './triggerLatency';

export interface Figures {
	addRuns?: AddRunsFigures;
	lag?: LagFigures;
	getResults?: GetResultsFigures;
	trigger?: TriggerFigures;
	sse?: SseFigures;
}

const HEADER = ['#', 'Measured', 'Way', 'Median', 'Runs', 'Compared in this run', 'Goal'];

function addRunsRows(f: AddRunsFigures): Row[] {
	const faster = f.seed.ms / f.node.ms;
	const goal = `${verdict(f.node.posts === 10)}: ${count(f.node.posts)} POSTs (10); ${verdict(faster >= 5)}: ${ratio(faster)} vs seed (>= 5x)`;
	const cpu = (m: { emulatorCpuMs: number; clientCpuMs: number }) =>
		`CPU: client ${ms(m.clientCpuMs)}, emulator ${ms(m.emulatorCpuMs)}`;
	const title = `Add Runs, ${count(ADD_RUNS_ITEMS)} items`;
	return [
		[
			'1',
			title,
			'node execute() via n8n-core',
			`${ms(f.node.ms)}, ${count(f.node.posts)} POSTs, ${cpu(f.node)}`,
			`${f.node.reps}`,
			'',
			goal,
		],
		[
			'',
			'',
			'(a) seed: POSTs of 500, one after another',
			`${ms(f.seed.ms)}, ${count(f.seed.posts)} POSTs, ${cpu(f.seed)}`,
			`${f.seed.reps}`,
			`node ${ratio(faster)} faster`,
			'',
		],
		[
			'',
			'',
			'(b) one POST /tasks/runs per item, 50 in flight',
			`${ms(f.perItem.ms)}, ${count(f.perItem.posts)} POSTs, ${cpu(f.perItem)}`,
			`${f.perItem.reps}`,
			`node ${ratio(f.perItem.ms / f.node.ms)} faster`,
			'',
		],
		[
			'',
			'',
			'limit: 10 POSTs of 1,000 all at once (plain fetch)',
			`${ms(f.limit.ms)}, ${count(f.limit.posts)} POSTs, ${cpu(f.limit)}`,
			`${f.limit.reps}`,
			`node ${ratio(f.node.ms / f.limit.ms)} of limit; seed ${ratio(f.seed.ms / f.limit.ms)}`,
			'',
		],
	];
}

function lagRows(f: LagFigures): Row[] {
	return [
		[
			'2',
			'Completion lag (group inactive -> returned)',
			'node Wait for Completion (events stream)',
			ms(f.nodeMs),
			`${f.reps}`,
			'',
			`${verdict(f.nodeMs < 1000)}: < 1 s`,
		],
		[
			'',
			'',
			'seed: GET group every 10 s (random phase)',
			ms(f.pollerMs),
			`${f.reps}`,
			`node ${ratio(f.pollerMs / Math.max(f.nodeMs, 1))} sooner`,
			'',
		],
	];
}

function getResultsRows(f: GetResultsFigures): Row[] {
	const payload = f.payloadBytes;
	const wall = (payload / 1_000_000) * (1000 / f.node.ms);
	const growth = f.node.rssGrowth / payload;
	const goal = `${verdict(wall >= 50)}: >= 50 MB/s; ${verdict(growth < 3)}: peak RSS growth ${ratio(growth)} payload (< 3x)`;
	const rss = (m: { rssGrowth: number; peakRss: number }) =>
		`peak RSS +${mb(m.rssGrowth)} (${ratio(m.rssGrowth / payload)} payload), ${mb(m.peakRss)} total`;
	return [
		[
			'3',
			`Get Results, ${count(RESULT_RUNS)} runs, ${mb(payload)} /runs stream`,
			'node, own process (n8n-core)',
			`${mbps(payload, f.node.ms)} wall (${ms(f.node.ms)}), ${mbps(payload, f.node.cpuMs)} of CPU; ${rss(f.node)}`,
			`${f.node.reps}`,
			'',
			goal,
		],
		[
			'',
			'',
			'plain fetch + JSON.parse per line, own process',
			`${mbps(payload, f.limit.ms)} wall (${ms(f.limit.ms)}), ${mbps(payload, f.limit.cpuMs)} of CPU; ${rss(f.limit)}`,
			`${f.limit.reps}`,
			`node ${ratio(f.limit.ms / f.node.ms)} its speed`,
			'',
		],
		[
			'',
			'',
			'bytes only, no parsing (emulator + socket)',
			`${mbps(payload, f.limit.rawReadMs)} (${ms(f.limit.rawReadMs)})`,
			`${f.limit.reps}`,
			`node ${ratio(f.limit.rawReadMs / f.node.ms)} of it`,
			'',
		],
		[
			'',
			'',
			'limit: JSON.parse of the data lines, from memory',
			`${mbps(payload, f.limit.parseOnlyMs)} (${ms(f.limit.parseOnlyMs)})`,
			`${f.limit.reps}`,
			`node CPU ${ratio(f.limit.parseOnlyMs / f.node.cpuMs)} of it`,
			'',
		],
	];
}

function triggerRows(f: TriggerFigures): Row[] {
	const floor = f.eventArrival.medianMs + f.roundTripMs;
	return [
		[
			'4',
			`Trigger, ${count(BURST_RUNS)} completions in ${ms(f.node.burstMs)}, outputs fetched`,
			'node trigger, emit - run end',
			`median ${ms(f.node.medianMs)}, p99 ${ms(f.node.p99Ms)}`,
			`${f.node.reps}`,
			`${ratio(f.node.medianMs / floor)} the floor`,
			`${verdict(f.node.medianMs < 20)}: median < 20 ms`,
		],
		[
			'',
			'',
			'plain events reader, arrival - run end (no output)',
			`median ${ms(f.eventArrival.medianMs)}, p99 ${ms(f.eventArrival.p99Ms)}`,
			`${f.eventArrival.reps}`,
			'',
			'',
		],
		[
			'',
			'',
			'one GET /result of a finished run, alone',
			ms(f.roundTripMs),
			`${f.eventArrival.reps}`,
			'',
			'',
		],
		['', '', 'floor with output: arrival + one round trip', ms(floor), '', '', ''],
	];
}

function sseRows(f: SseFigures): Row[] {
	const rows: Row[] = [];
	const sizes = Object.keys(f.readGroupEvents).map(Number);
	for (const size of sizes) {
		rows.push([
			'',
			'',
			`readGroupEvents (SSE + JSON + typing), ${size / 1024} KB chunks`,
			mbps(f.bytes, f.readGroupEvents[size]),
			`${f.reps}`,
			`${ratio(f.jsonParseMs / f.readGroupEvents[size])} of JSON.parse`,
			'',
		]);
	}
	for (const size of sizes) {
		rows.push([
			'',
			'',
			`readSse (SSE framing only), ${size / 1024} KB chunks`,
			mbps(f.bytes, f.readSse[size]),
			`${f.reps}`,
			'',
			'',
		]);
	}
	rows.push([
		'',
		'',
		'limit: JSON.parse of the same data lines',
		mbps(f.bytes, f.jsonParseMs),
		`${f.reps}`,
		'',
		'',
	]);
	rows[0][0] = '5';
	rows[0][1] = `SSE reader alone, ${mb(f.bytes)} recorded stream (${count(f.events)} events)`;
	return rows;
}

export function renderReport(machine: Machine, figures: Figures): string {
	const rows = [
		...(figures.addRuns ? addRunsRows(figures.addRuns) : []),
		...(figures.lag ? lagRows(figures.lag) : []),
		...(figures.getResults ? getResultsRows(figures.getResults) : []),
		...(figures.trigger ? triggerRows(figures.trigger) : []),
		...(figures.sse ? sseRows(figures.sse) : []),
	];
	return [
		`Parallel Task Group node benchmarks, ${machine.date}`,
		`CPU: ${machine.cpu}, ${machine.cores} cores; Node ${machine.node}; n8n-core ${machine.n8nCore}; commit ${machine.commit}; load average at start ${machine.loadAverage}`,
		'Emulator in its own process, 50 ms latency on every response. Each figure is the median of the runs shown; ratios compare medians of this run.',
		'',
		markdownTable(HEADER, rows),
	].join('\n');
}

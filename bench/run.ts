/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console -- benchmarks run in Node, not in n8n */
import './lib/quietN8n';

import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { benchAddRuns } from './addRuns';
import { benchCompletionLag } from './completionLag';
import { benchGetResults } from './getResults';
import { REPO_ROOT, startEmulatorProcess } from './lib/emulatorProcess';
import { describeMachine } from './lib/machine';
import type { Figures } from './report';
import { renderReport } from './report';
import { benchSseReader } from './sseReader';
import { benchTrigger } from './triggerLatency';

/** `npm run bench` runs everything; `npm run bench -- addRuns trigger` only those. */
const SCENARIOS = ['addRuns', 'lag', 'getResults', 'trigger', 'sse'] as const;
type Scenario = (typeof SCENARIOS)[number];

const REPS = Number(process.env.BENCH_REPS ?? 5);
/** One request per item takes ~25 s a run: fewer repetitions keep the whole run near 5 minutes. */
const PER_ITEM_REPS = Number(process.env.BENCH_PER_ITEM_REPS ?? 3);
const LATENCY_MS = 50;

async function main() {
	const chosen = process.argv
		.slice(2)
		.filter((arg): arg is Scenario => SCENARIOS.includes(arg as Scenario));
	const wanted = (scenario: Scenario) => !chosen.length || chosen.includes(scenario);
	const machine = describeMachine();
	const started = Date.now();
	const emulator = await startEmulatorProcess({ latencyMs: LATENCY_MS, speed: 1 });
	const figures: Figures = {};
	const step = async <T>(name: Scenario, work: () => Promise<T>) => {
		if (!wanted(name)) return undefined;
		console.error(`bench: ${name}...`);
		await emulator.reset();
		await emulator.configure({ latencyMs: LATENCY_MS, outputPadBytes: 0 });
		return await work();
	};
	try {
		figures.addRuns = await step('addRuns', () => benchAddRuns(emulator, REPS, PER_ITEM_REPS));
		figures.lag = await step('lag', () => benchCompletionLag(emulator, REPS));
		figures.getResults = await step('getResults', () => benchGetResults(emulator, REPS));
		figures.trigger = await step('trigger', () => benchTrigger(emulator, REPS));
		figures.sse = await step('sse', () => benchSseReader(emulator, REPS));
	} finally {
		await emulator.close();
	}
	const report = renderReport(machine, figures);
	console.log(report);
	console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
	const folder = resolve(REPO_ROOT, 'bench/results');
	mkdirSync(folder, { recursive: true });
	const name = machine.date.replace(/[:]/g, '-');
	writeFileSync(resolve(folder, `${name}.json`), JSON.stringify({ machine, figures }, null, 2));
	writeFileSync(resolve(folder, `${name}.md`), `${report}\n`);
}

main().catch((error: Error) => {
	console.error(error);
	process.exitCode = 1;
});

import type { GetResultsArgs, GetResultsMeasurement } from './children/getResultsNode';
import type { JsonParseMeasurement } from './children/jsonParseLimit';
import { runChild } from './lib/childProcess';
import type { EmulatorProcess } from './lib/emulatorProcess';
import { companies } from './lib/items';
import {
	addRunsSequentially,
	createGroup,
	runInputs,
	runsStreamBytes,
	waitUntilInactive,
} from './lib/plainApi';
import { median } from './lib/stats';

export const RESULT_RUNS = 10_000;
const WARM_UP_RUNS = 1_000;
/** Makes each run's `output` about 2 KB (2,010 bytes of JSON). */
export const OUTPUT_PAD_BYTES = 1450;

export interface GetResultsFigures {
	payloadBytes: number;
	node: { ms: number; cpuMs: number; rssGrowth: number; peakRss: number; reps: number };
	limit: {
		ms: number;
		cpuMs: number;
		parseOnlyMs: number;
		rawReadMs: number;
		rssGrowth: number;
		peakRss: number;
		reps: number;
	};
}

async function completedGroup(emulator: EmulatorProcess, runs: number): Promise<string> {
	const groupId = await createGroup(emulator.url);
	await addRunsSequentially(emulator.url, groupId, runInputs(companies(runs)), 1000);
	await waitUntilInactive(emulator.url, groupId);
	return groupId;
}

/**
 * Get Results of 10,000 completed runs (~2 KB output each): the node in a fresh child process per
 * measurement, against a bare JSON.parse of the same stream in its own child. The emulator runs
 * in another process, so each peak RSS is the reader's own.
 */
export async function benchGetResults(
	emulator: EmulatorProcess,
	reps: number,
): Promise<GetResultsFigures> {
	await emulator.reset();
	await emulator.configure({ outputPadBytes: OUTPUT_PAD_BYTES, speed: 0.001 });
	const warmUpGroupId = await completedGroup(emulator, WARM_UP_RUNS);
	const groupId = await completedGroup(emulator, RESULT_RUNS);
	const payloadBytes = (await runsStreamBytes(emulator.url, groupId)).length;
	const args: GetResultsArgs = { url: emulator.url, warmUpGroupId, groupId, runs: RESULT_RUNS };
	const node: GetResultsMeasurement[] = [];
	const limit: JsonParseMeasurement[] = [];
	for (let rep = 0; rep < reps; rep++) {
		node.push(await runChild<GetResultsMeasurement>('getResultsNode.ts', args));
		limit.push(await runChild<JsonParseMeasurement>('jsonParseLimit.ts', args));
	}
	await emulator.reset();
	await emulator.configure({ outputPadBytes: 0 });
	const of = <T>(list: T[], pick: (m: T) => number) => median(list.map(pick));
	return {
		payloadBytes,
		node: {
			ms: of(node, (m) => m.ms),
			cpuMs: of(node, (m) => m.cpuMs),
			rssGrowth: of(node, (m) => m.peakRss - m.rssBefore),
			peakRss: of(node, (m) => m.peakRss),
			reps,
		},
		limit: {
			ms: of(limit, (m) => m.ms),
			cpuMs: of(limit, (m) => m.cpuMs),
			parseOnlyMs: of(limit, (m) => m.parseOnlyMs),
			rawReadMs: of(limit, (m) => m.rawReadMs),
			rssGrowth: of(limit, (m) => m.peakRss - m.rssBefore),
			peakRss: of(limit, (m) => m.peakRss),
			reps,
		},
	};
}

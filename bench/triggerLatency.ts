import { startTrigger } from '../test/harness/trigger';
import type { EmulatorProcess } from './lib/emulatorProcess';
import { API_KEY } from './lib/emulatorProcess';
import { companies } from './lib/items';
import type { Json } from './lib/plainApi';
import {
	addRunsSequentially,
	call,
	createGroup,
	runInputs,
	runsFromStream,
	runsStreamBytes,
} from './lib/plainApi';
import { median, now, quantile, sleep } from './lib/stats';
import { readEvents } from './lib/sseClient';

export const BURST_RUNS = 1_000;
/** Lite runs take 10–60 simulated seconds: at this speed the 1,000 end within ~0.5 s. */
export const BURST_SPEED = 0.01;
const ROUND_TRIPS = 20;

export interface LatencySummary {
	medianMs: number;
	p99Ms: number;
	reps: number;
	burstMs: number;
}

export interface TriggerFigures {
	node: LatencySummary;
	/** A plain client reading the events stream and nothing else: the floor without outputs. */
	eventArrival: LatencySummary;
	/** One GET /v1/tasks/runs/{id}/result of a finished run, alone: the price of an output. */
	roundTripMs: number;
}

/** Adds the burst's runs while the emulator holds every run, so nothing ends before `release`. */
export async function heldGroup(emulator: EmulatorProcess, runs = BURST_RUNS) {
	const groupId = await createGroup(emulator.url);
	await emulator.hold(true);
	const runIds = await addRunsSequentially(
		emulator.url,
		groupId,
		runInputs(companies(runs)),
		BURST_RUNS,
	);
	return { groupId, runIds, release: async () => await emulator.hold(false) };
}

/** run_id -> the epoch ms the emulator stamped when the run ended (`modified_at`). */
export async function endTimes(
	emulator: EmulatorProcess,
	groupId: string,
): Promise<Map<string, number>> {
	const runs = runsFromStream((await runsStreamBytes(emulator.url, groupId, '')).toString());
	const ended = new Map<string, number>();
	for (const [runId, run] of runs)
		ended.set(runId, Date.parse((run as Json).modified_at as string));
	return ended;
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string) {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await sleep(20);
	}
}

function latencies(arrivals: Map<string, number>, ended: Map<string, number>): number[] {
	return [...arrivals].map(([runId, at]) => at - (ended.get(runId) ?? Number.NaN));
}

async function nodeOnce(
	emulator: EmulatorProcess,
): Promise<{ samples: number[]; burstMs: number }> {
	const { groupId, release } = await heldGroup(emulator);
	const trigger = await startTrigger({
		parameters: { taskGroupId: groupId, events: ['runCompleted'] },
		credentials: { apiKey: API_KEY, baseUrl: emulator.url },
	});
	try {
		await release();
		await waitUntil(() => trigger.emissions.length >= BURST_RUNS, 60_000, 'the trigger');
	} finally {
		await trigger.close();
	}
	if (trigger.errors.length) throw trigger.errors[0];
	const arrivals = new Map<string, number>();
	for (const emission of trigger.emissions) {
		const json = emission.items[0][0].json;
		if (json.output === undefined && json.basis === undefined)
			throw new Error('emit without output');
		arrivals.set(String(json.run_id), emission.at);
	}
	const ended = await endTimes(emulator, groupId);
	return { samples: latencies(arrivals, ended), burstMs: burstSpan(ended) };
}

function burstSpan(ended: Map<string, number>): number {
	const times = [...ended.values()];
	return Math.max(...times) - Math.min(...times);
}

/** A plain reader of the events stream that does nothing but note when each run's event arrives. */
async function eventArrivalOnce(emulator: EmulatorProcess) {
	const { groupId, release } = await heldGroup(emulator);
	const arrivals = new Map<string, number>();
	const reading = readEvents(`${emulator.url}/v1/tasks/groups/${groupId}/events`, (event) => {
		const run = event.run as Json | undefined;
		if (event.type === 'task_run.state' && run) arrivals.set(run.run_id as string, Date.now());
	});
	await sleep(200);
	await release();
	await reading;
	if (arrivals.size !== BURST_RUNS) throw new Error(`plain reader saw ${arrivals.size} runs`);
	const ended = await endTimes(emulator, groupId);
	// The other half of the floor: one GET of a finished run's output, alone, one at a time.
	const roundTrips: number[] = [];
	for (const runId of [...ended.keys()].slice(0, ROUND_TRIPS)) {
		const started = now();
		await call(emulator.url, 'GET', `/tasks/runs/${runId}/result?timeout=0`);
		roundTrips.push(now() - started);
	}
	return { samples: latencies(arrivals, ended), burstMs: burstSpan(ended), roundTrips };
}

const summary = (reps: Array<{ samples: number[]; burstMs: number }>): LatencySummary => ({
	medianMs: median(reps.map((rep) => median(rep.samples))),
	p99Ms: median(reps.map((rep) => quantile(rep.samples, 0.99))),
	reps: reps.length,
	burstMs: median(reps.map((rep) => rep.burstMs)),
});

/**
 * Trigger latency for a burst of 1,000 completions, outputs fetched: emit time (the harness's
 * Date.now() at n8n's emit) minus the run's end (its `modified_at`, stamped by the emulator when
 * the run turned completed). Same wall clock, two processes. Per repetition the median and p99
 * of the 1,000; the table shows the median of those over the repetitions.
 */
export async function benchTrigger(
	emulator: EmulatorProcess,
	reps: number,
): Promise<TriggerFigures> {
	await emulator.reset();
	await emulator.configure({ speed: BURST_SPEED });
	const node: Array<{ samples: number[]; burstMs: number }> = [];
	const plain: Array<{ samples: number[]; burstMs: number; roundTrips: number[] }> = [];
	for (let rep = 0; rep < reps; rep++) {
		node.push(await nodeOnce(emulator));
		plain.push(await eventArrivalOnce(emulator));
		await emulator.reset();
	}
	await emulator.hold(false);
	return {
		node: summary(node),
		eventArrival: summary(plain),
		roundTripMs: median(plain.flatMap((rep) => rep.roundTrips)),
	};
}

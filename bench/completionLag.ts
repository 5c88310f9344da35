import { runNode } from '../test/harness/workflow';
import type { EmulatorProcess } from './lib/emulatorProcess';
import { API_KEY } from './lib/emulatorProcess';
import { companies } from './lib/items';
import { ParallelTaskGroup } from './lib/nodes';
import { addRunsSequentially, createGroup, groupStatus, runInputs } from './lib/plainApi';
import { median, sleep } from './lib/stats';

/** The seed's "Monitor Progress" loop sleeps 10 s between GETs of the group. */
const SEED_POLL_MS = 10_000;
const RUNS_PER_GROUP = 100;
/** Lite runs take 10–60 simulated seconds: at this speed a group of 100 ends ~3 s after it starts. */
const LAG_SPEED = 0.05;

export interface LagFigures {
	nodeMs: number;
	pollerMs: number;
	reps: number;
	nodeSamples: number[];
	pollerSamples: number[];
}

/**
 * The seed's poller with its schedule at a random phase: its first GET is `phaseMs` after the
 * runs were added, then one every 10 s. Returns the time (epoch ms) it saw the group inactive.
 */
async function seedPoller(url: string, groupId: string, phaseMs: number): Promise<number> {
	await sleep(phaseMs);
	for (;;) {
		const status = await groupStatus(url, groupId);
		if (!status.is_active) return Date.now();
		await sleep(SEED_POLL_MS);
	}
}

async function nodeWait(url: string, groupId: string): Promise<number> {
	const run = await runNode({
		nodeType: new ParallelTaskGroup(),
		parameters: {
			resource: 'taskGroup',
			operation: 'waitForCompletion',
			taskGroupId: groupId,
			maxWaitSeconds: 120,
		},
		items: [{}],
		credentials: { apiKey: API_KEY, baseUrl: url },
	});
	const returned = Date.now();
	if (run.error) throw run.error;
	if (run.items[0]?.json.completed !== true) throw new Error('Wait for Completion timed out');
	return returned;
}

/**
 * Completion lag: from the group turning inactive (its `modified_at`, stamped by the emulator at
 * the last run's transition) to Wait for Completion returning, against the seed's 10-s poller
 * started at a random phase, both waiting on the same group at the same time.
 */
export async function benchCompletionLag(
	emulator: EmulatorProcess,
	reps: number,
): Promise<LagFigures> {
	await emulator.configure({ speed: LAG_SPEED });
	const nodeSamples: number[] = [];
	const pollerSamples: number[] = [];
	for (let rep = 0; rep < reps; rep++) {
		const groupId = await createGroup(emulator.url);
		await addRunsSequentially(
			emulator.url,
			groupId,
			runInputs(companies(RUNS_PER_GROUP)),
			RUNS_PER_GROUP,
		);
		const phaseMs = Math.random() * SEED_POLL_MS;
		const [nodeDone, pollerDone] = await Promise.all([
			nodeWait(emulator.url, groupId),
			seedPoller(emulator.url, groupId, phaseMs),
		]);
		const status = await groupStatus(emulator.url, groupId);
		const inactiveAt = Date.parse(status.modified_at);
		nodeSamples.push(nodeDone - inactiveAt);
		pollerSamples.push(pollerDone - inactiveAt);
	}
	return {
		nodeMs: median(nodeSamples),
		pollerMs: median(pollerSamples),
		reps,
		nodeSamples,
		pollerSamples,
	};
}

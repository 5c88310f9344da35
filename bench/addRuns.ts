import { runNode } from '../test/harness/workflow';
import type { EmulatorProcess } from './lib/emulatorProcess';
import { API_KEY } from './lib/emulatorProcess';
import { companies } from './lib/items';
import { ParallelTaskGroup } from './lib/nodes';
import { call, createGroup, runInputs, TASK_SPEC } from './lib/plainApi';
import { cpuMs, median, pool, timed } from './lib/stats';

export const ADD_RUNS_ITEMS = 10_000;
/** The seed document's batch size ("Batch Processing Pattern"), sent one POST after another. */
export const SEED_BATCH = 500;
/** n8n's HTTP Request node: "Items per Batch" defaults to 50. */
const HTTP_NODE_BATCH = 50;
/** The API's largest add-runs request. */
export const MAX_BATCH = 1000;

const ADD_ROUTE = 'POST /tasks/groups/:id/runs';
const CREATE_RUN_ROUTE = 'POST /tasks/runs';

export interface Measured {
	ms: number;
	posts: number;
	/** CPU the emulator process spent during the measurement. */
	emulatorCpuMs: number;
	/** CPU this process (the node in n8n-core, or the plain client) spent during it. */
	clientCpuMs: number;
}

export type AddRunsWay = 'node' | 'seed' | 'perItem' | 'limit';
export type AddRunsFigures = Record<AddRunsWay, Measured & { reps: number }>;

async function measure(
	emulator: EmulatorProcess,
	route: string,
	work: () => Promise<void>,
): Promise<Measured> {
	const before = (await emulator.counters()).requests[route] ?? 0;
	const cpuBefore = emulator.cpuMs();
	const clientCpuBefore = cpuMs();
	const { ms } = await timed(work);
	const clientCpuMs = cpuMs() - clientCpuBefore;
	const emulatorCpuMs = emulator.cpuMs() - cpuBefore;
	const after = (await emulator.counters()).requests[route] ?? 0;
	return { ms, posts: after - before, emulatorCpuMs, clientCpuMs };
}

/** The node's Add Runs through n8n-core's WorkflowExecute, default options (POSTs of 1,000, 4 at a time). */
export async function viaNode(
	emulator: EmulatorProcess,
	count = ADD_RUNS_ITEMS,
): Promise<Measured> {
	const groupId = await createGroup(emulator.url);
	const items = companies(count);
	return await measure(emulator, ADD_ROUTE, async () => {
		const run = await runNode({
			nodeType: new ParallelTaskGroup(),
			parameters: {
				resource: 'taskGroup',
				operation: 'addRuns',
				taskGroupId: groupId,
				processor: 'lite',
				outputSchemaType: 'text',
			},
			items,
			credentials: { apiKey: API_KEY, baseUrl: emulator.url },
		});
		if (run.error) throw run.error;
		if (run.items.length !== count) throw new Error(`node: ${run.items.length} items`);
	});
}

/**
 * Plain POSTs of `batchSize` inputs, `concurrency` at a time. `keyed`: each input carries a key in
 * its metadata, as the node's runs do (a run is found again by it after a lost answer).
 */
export async function viaBatches(
	emulator: EmulatorProcess,
	batchSize: number,
	concurrency: number,
	count = ADD_RUNS_ITEMS,
	keyed = false,
): Promise<Measured> {
	const groupId = await createGroup(emulator.url);
	const inputs = runInputs(companies(count)).map((input, index) =>
		keyed ? { ...input, metadata: { n8n_key: `${groupId}:bench-node:0:${index}` } } : input,
	);
	let created = 0;
	const measured = await measure(emulator, ADD_ROUTE, async () => {
		await pool(Math.ceil(inputs.length / batchSize), concurrency, async (batch) => {
			const { json } = await call(emulator.url, 'POST', `/tasks/groups/${groupId}/runs`, {
				default_task_spec: TASK_SPEC,
				inputs: inputs.slice(batch * batchSize, (batch + 1) * batchSize),
			});
			created += (json.run_ids as string[]).length;
		});
	});
	if (created !== count) throw new Error(`batches: ${created} runs`);
	return measured;
}

/** One POST /v1/tasks/runs per item, 50 in flight (a new one as soon as one answers). */
async function viaRequestPerItem(emulator: EmulatorProcess): Promise<Measured> {
	const items = companies(ADD_RUNS_ITEMS);
	return await measure(emulator, CREATE_RUN_ROUTE, async () => {
		await pool(items.length, HTTP_NODE_BATCH, async (index) => {
			await call(emulator.url, 'POST', '/tasks/runs', {
				input: items[index],
				processor: 'lite',
				task_spec: TASK_SPEC,
			});
		});
	});
}

const WAYS: Record<AddRunsWay, (emulator: EmulatorProcess) => Promise<Measured>> = {
	node: viaNode,
	seed: (emulator) => viaBatches(emulator, SEED_BATCH, 1),
	perItem: viaRequestPerItem,
	limit: (emulator) => viaBatches(emulator, MAX_BATCH, ADD_RUNS_ITEMS / MAX_BATCH),
};

/**
 * Add Runs of 10,000 items four ways, interleaved in each repetition. The emulator is reset
 * before every measurement, so each starts from the same empty state.
 */
export async function benchAddRuns(
	emulator: EmulatorProcess,
	reps: number,
	perItemReps: number,
): Promise<AddRunsFigures> {
	const samples: Record<AddRunsWay, Measured[]> = { node: [], seed: [], perItem: [], limit: [] };
	// Realistic speed: no run leaves 'queued' for seconds, so no run ends while runs are added.
	await emulator.configure({ speed: 1 });
	const run = async (way: AddRunsWay) => {
		await emulator.reset();
		return await WAYS[way](emulator);
	};
	// An untimed pass of each batched way warms up the JIT in both processes.
	for (const way of ['node', 'seed', 'limit'] as const) await run(way);
	for (let rep = 0; rep < reps; rep++) {
		for (const way of ['node', 'seed', 'limit'] as const) samples[way].push(await run(way));
		if (rep < perItemReps) samples.perItem.push(await run('perItem'));
	}
	await emulator.reset();
	const summary = (list: Measured[]) => ({
		ms: median(list.map((m) => m.ms)),
		posts: median(list.map((m) => m.posts)),
		emulatorCpuMs: median(list.map((m) => m.emulatorCpuMs)),
		clientCpuMs: median(list.map((m) => m.clientCpuMs)),
		reps: list.length,
	});
	return {
		node: summary(samples.node),
		seed: summary(samples.seed),
		perItem: summary(samples.perItem),
		limit: summary(samples.limit),
	};
}

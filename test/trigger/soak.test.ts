/* eslint-disable no-console -- the soak test prints the figures it measured */
import type { INodeParameters } from 'n8n-workflow';

import { DEFAULT_API_KEY, startEmulator } from '../emulator';
import { addRuns, newGroup, waitFor, waitForInactive } from '../emulator/helpers';
import { executedRunIds, n8nHost, startTrigger } from '../harness/trigger';
import type { TriggerHandle } from '../harness/trigger';
import { useForSuite } from '../harness/useForSuite';

/** Real seconds are this many simulated seconds: lite runs take 20-120 ms, ultra2x up to 7 s. */
const SPEED = 0.002;
const PROCESSORS = ['lite', 'base', 'core', 'pro', 'ultra', 'ultra2x'];

const emulator = useForSuite(() => startEmulator({ speed: SPEED, keepAliveMs: 150 }));

const inputs = (wave: number, count: number) =>
	Array.from({ length: count }, (_, i) => ({
		input: { wave, row: i },
		processor: PROCESSORS[i % PROCESSORS.length],
	}));

test('a group of 1,000 runs through simulated hours of drops, stalls, idle time and a restart: each run emitted exactly once', async () => {
	const started = Date.now();
	const group = await newGroup(emulator);
	const parameters: INodeParameters = {
		taskGroupId: group,
		events: ['runCompleted', 'runFailed'],
		options: { maxIdleSeconds: 1, stallSeconds: 1 },
	};
	const credentials = { apiKey: DEFAULT_API_KEY, baseUrl: emulator.url };
	emulator.addFault({
		route: 'events',
		times: -1,
		action: { type: 'dropStream', afterEvents: 40 },
	});
	emulator.addFault({
		route: 'events',
		skip: 3,
		times: 2,
		action: { type: 'stallStream', afterEvents: 5 },
	});
	emulator.addFault({
		route: 'events',
		skip: 6,
		times: 3,
		action: { type: 'status', status: 503 },
	});
	emulator.addFault({ route: 'events', skip: 9, times: 2, action: { type: 'duplicateEvents' } });
	emulator.addFault({ route: 'runs', times: 3, action: { type: 'dropStream', afterEvents: 7 } });

	const host = n8nHost();
	const instances: TriggerHandle[] = [await startTrigger({ parameters, credentials, host })];
	const expected: string[] = [];
	const add = async (wave: number, count: number) => {
		const { body } = await addRuns(
			emulator,
			group,
			{ inputs: inputs(wave, count) },
			'/v1',
			'?refresh_status=false',
		);
		expected.push(...(body.run_ids as string[]));
	};
	const allEmitted = () => instances.flatMap(executedRunIds);
	const connections = () => emulator.counters().requests['GET /tasks/groups/:id/events'] ?? 0;
	// Every events connection delivers all that is after the cursor: once `count` more have been
	// opened, whatever was due has been emitted (a counter, not a sleep).
	const afterReconnects = async (count: number) => {
		const target = connections() + count;
		await waitFor(() => (connections() >= target ? true : undefined), 60_000, 'reconnects');
	};

	// Wave 1, then an idle group the stream is closed on.
	await add(1, 300);
	await waitForInactive(emulator, group, 60_000);
	await afterReconnects(3);
	// n8n restarts: the trigger comes back from the static data it had saved at its last emit.
	await instances[0].close();
	instances.push(
		await startTrigger({
			parameters,
			credentials,
			host,
			staticData: instances[0].savedStaticData,
		}),
	);
	// Wave 2 while the first runs of wave 3 keep coming.
	await add(2, 400);
	await waitFor(
		() => (new Set(allEmitted()).size >= 400 ? true : undefined),
		60_000,
		'the first runs of wave 2',
	);
	await add(3, 300);
	await waitForInactive(emulator, group, 120_000);
	await waitFor(
		() => (new Set(allEmitted()).size >= 1000 ? true : undefined),
		60_000,
		'1,000 emits',
	);
	await afterReconnects(3);
	for (const instance of instances) await instance.close();

	const emits = instances.reduce((sum, instance) => sum + instance.emissions.length, 0);
	const emitted = allEmitted();
	const unique = new Set(emitted);
	const missing = expected.filter((id) => !unique.has(id));
	const counters = emulator.counters();
	const simulatedHours = (Date.now() - started) / 1000 / SPEED / 3600;
	console.log(
		`soak: ${expected.length} runs, ${emits} emits (replays included), ${emitted.length} executed, ${emitted.length - unique.size} duplicates, ` +
			`${missing.length} missing, ${counters.requests['GET /tasks/groups/:id/events']} event connections, ` +
			`${counters.injectedFaults} faults injected, ${((Date.now() - started) / 1000).toFixed(1)} s real = ` +
			`${simulatedHours.toFixed(1)} h simulated`,
	);
	expect(expected).toHaveLength(1000);
	expect(emitted).toHaveLength(1000);
	expect(unique.size).toBe(1000);
	expect(missing).toEqual([]);
	expect(instances.flatMap((instance) => instance.errors)).toEqual([]);
	expect(counters.openStreams).toBe(0);
}, 180_000);

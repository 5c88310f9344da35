import { sleep } from 'n8n-workflow';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { DEFAULT_API_KEY, startEmulator } from '../emulator';
import { addRuns, liteInputs, newGroup, waitFor, waitForInactive } from '../emulator/helpers';
import {
	executedRunIds,
	n8nHost,
	startTrigger,
	closeTriggersAfterEach,
	triggerParameters,
} from '../harness/trigger';
import type { TriggerHandle } from '../harness/trigger';
import { useForSuite } from '../harness/useForSuite';

const open: TriggerHandle[] = [];
/** One n8n per test: a restarted trigger finds the deduplication keys of the one before. */
let host = n8nHost();
beforeEach(() => {
	host = n8nHost();
});

const emulator = useForSuite(() => startEmulator({ speed: 0.0005, keepAliveMs: 100 }));
closeTriggersAfterEach(open, emulator);

const parameters = triggerParameters;

async function activate(
	params: INodeParameters,
	staticData?: IDataObject,
	apiKey = DEFAULT_API_KEY,
) {
	const trigger = await startTrigger({
		parameters: params,
		credentials: { apiKey, baseUrl: emulator.url },
		staticData,
		host,
	});
	open.push(trigger);
	return trigger;
}

const eventConnections = () => emulator.counters().requests['GET /tasks/groups/:id/events'] ?? 0;

/**
 * Waits until `count` more events connections have been opened: each delivers all that is after
 * the cursor (and replays what is due), so what was not emitted by then never is.
 */
async function afterReconnects(count: number) {
	const target = eventConnections() + count;
	await waitFor(() => (eventConnections() >= target ? true : undefined), 30_000, 'reconnects');
}

const emitted = (trigger: TriggerHandle, count: number, what = `${count} emits`) =>
	waitFor(() => (executedRunIds(trigger).length >= count ? true : undefined), 20_000, what);

function expectExactlyOnce(ids: string[], expected: string[]) {
	expect(ids.length).toBe(new Set(ids).size);
	expect(new Set(ids)).toEqual(new Set(expected));
}

async function runIdsOf(group: string, count: number, extra: IDataObject = {}) {
	const { body } = await addRuns(emulator, group, { inputs: liteInputs(count, extra) });
	return body.run_ids as string[];
}

describe('Parallel Task Group Trigger', () => {
	it('emits each completed run once, with its output and a deduplication key', async () => {
		const group = await newGroup(emulator);
		const trigger = await activate(parameters(group));
		const ids = await runIdsOf(group, 12);
		await emitted(trigger, 12);
		expectExactlyOnce(executedRunIds(trigger), ids);
		const first = trigger.emissions[0];
		expect(first.items[0][0].json).toMatchObject({
			run_id: expect.stringMatching(/^trun_/),
			status: 'completed',
			taskgroup_id: group,
			summary: expect.stringContaining('name=item-'),
			basis: expect.any(Array),
		});
		expect(first.deduplicationKey).toBe(
			`wfTriggerHarness1:b7d1c1f0-0000-4000-8000-000000000002:${String(first.items[0][0].json.run_id)}`,
		);
		expect(trigger.errors).toEqual([]);
	});

	it('includes the input, or the raw record, when asked', async () => {
		const group = await newGroup(emulator);
		const trigger = await activate(parameters(group, { includeInput: true, simplify: false }));
		await runIdsOf(group, 1);
		await emitted(trigger, 1);
		expect(trigger.emissions[0].items[0][0].json).toMatchObject({
			run: { status: 'completed' },
			input: { input: { name: 'item-0' }, processor: 'lite' },
			output: { type: 'json' },
		});
	});

	it('emits failed runs and the group completion when chosen, each once', async () => {
		const group = await newGroup(emulator);
		const trigger = await activate(parameters(group, {}, ['runFailed', 'groupCompleted']));
		await addRuns(emulator, group, {
			inputs: [...liteInputs(3), { input: '__fail__', processor: 'lite' }],
		});
		await waitFor(
			() => (trigger.executions().length >= 2 ? true : undefined),
			10_000,
			'two executions',
		);
		await afterReconnects(2);
		const json = trigger.executions().map((emission) => emission.items[0][0].json);
		expect(json).toHaveLength(2);
		expect(json.find((item) => item.status === 'failed')).toMatchObject({
			error: 'Task failed: the emulator was asked to fail this run',
		});
		expect(json.find((item) => item.event === 'groupCompleted')).toMatchObject({
			taskgroup_id: group,
			status: { is_active: false, num_task_runs: 4 },
		});
	});

	it('resumes after a restart from its saved cursor: nothing old again, nothing lost', async () => {
		const group = await newGroup(emulator);
		const first = await activate(parameters(group));
		const earlier = await runIdsOf(group, 5);
		await emitted(first, 5);
		await first.close();
		const later = await runIdsOf(group, 5);
		await waitForInactive(emulator, group);
		const second = await activate(parameters(group), first.savedStaticData);
		await emitted(second, 5);
		await afterReconnects(2);
		expectExactlyOnce(
			[...executedRunIds(first), ...executedRunIds(second)],
			[...earlier, ...later],
		);
		expectExactlyOnce(executedRunIds(second), later);
	});

	it('survives a deactivation in the middle of a busy group', async () => {
		const group = await newGroup(emulator);
		emulator.configure({ speed: 0.002 });
		const first = await activate(parameters(group));
		const ids = await runIdsOf(group, 60);
		await emitted(first, 10);
		await first.close();
		await sleep(300);
		const second = await activate(parameters(group), first.savedStaticData);
		await waitForInactive(emulator, group, 30_000);
		await waitFor(
			() => (executedRunIds(first).length + executedRunIds(second).length >= 60 ? true : undefined),
			20_000,
		);
		emulator.configure({ speed: 0.0005 });
		expectExactlyOnce([...executedRunIds(first), ...executedRunIds(second)], ids);
	});

	it.each([
		['dropped every few events', { type: 'dropStream', afterEvents: 4 }],
		['ended early every few events', { type: 'endStream', afterEvents: 3 }],
		['sending every event twice', { type: 'duplicateEvents' }],
		['sending error events', { type: 'errorEvent', afterEvents: 2, message: 'upstream hiccup' }],
	])('emits every run exactly once with the stream %s', async (_name, action) => {
		const group = await newGroup(emulator);
		emulator.addFault({ route: 'events', times: -1, action: action as never });
		const trigger = await activate(parameters(group));
		const ids = await runIdsOf(group, 30);
		await emitted(trigger, 30);
		await afterReconnects(2);
		expectExactlyOnce(executedRunIds(trigger), ids);
		expect(trigger.errors).toEqual([]);
	});

	it('reconnects after a stall and after 5xx answers on reconnect', async () => {
		const group = await newGroup(emulator);
		emulator.hold(true);
		const ids = await runIdsOf(group, 10);
		emulator.addFault({
			route: 'events',
			times: 1,
			action: { type: 'stallStream', afterEvents: 1 },
		});
		emulator.addFault({
			route: 'events',
			skip: 1,
			times: 3,
			action: { type: 'status', status: 503 },
		});
		const trigger = await activate(parameters(group, { stallSeconds: 1 }));
		emulator.hold(false);
		await emitted(trigger, 10);
		expectExactlyOnce(executedRunIds(trigger), ids);
		expect(trigger.errors).toEqual([]);
	});

	it('waits out an idle group and emits runs added to it later', async () => {
		const group = await newGroup(emulator);
		const trigger = await activate(parameters(group));
		const first = await runIdsOf(group, 3);
		await emitted(trigger, 3);
		await afterReconnects(2);
		const opens = emulator.counters().requests['GET /tasks/groups/:id/events'];
		const later = await runIdsOf(group, 4);
		await emitted(trigger, 7);
		expectExactlyOnce(executedRunIds(trigger), [...first, ...later]);
		expect(emulator.counters().requests['GET /tasks/groups/:id/events']).toBeGreaterThan(opens);
	});

	it('emits runs that finished before the first activation, unless told not to', async () => {
		const group = await newGroup(emulator);
		const before = await runIdsOf(group, 4);
		await waitForInactive(emulator, group);
		const catchingUp = await activate(parameters(group));
		await emitted(catchingUp, 4);
		expectExactlyOnce(executedRunIds(catchingUp), before);
		// Closed first: both have the same workflow and node IDs, so the same deduplication keys,
		// and whichever emitted a later run first would take its execution from the other.
		await catchingUp.close();

		const fromNow = await activate(parameters(group, { includeEarlier: false }));
		const after = await runIdsOf(group, 2);
		await emitted(fromNow, 2);
		await afterReconnects(2);
		expectExactlyOnce(executedRunIds(fromNow), after);
	});

	it('keeps the choice not to emit earlier runs when reading them fails at activation', async () => {
		const group = await newGroup(emulator);
		await runIdsOf(group, 3);
		await waitForInactive(emulator, group);
		emulator.addFault({ route: 'runs', times: 5, action: { type: 'status', status: 503 } });
		const trigger = await activate(parameters(group, { includeEarlier: false }));
		const later = await runIdsOf(group, 2);
		await emitted(trigger, 2);
		await afterReconnects(2);
		expectExactlyOnce(executedRunIds(trigger), later);
		expect(trigger.errors).toEqual([]);
	});

	it('refuses activation for a bad key or an unknown group, with a clear message', async () => {
		await expect(
			activate(parameters(await newGroup(emulator)), undefined, 'wrong-key'),
		).rejects.toThrow(
			'Parallel did not accept the API key: Unauthorized: invalid or missing credentials',
		);
		await expect(activate(parameters('tgrp_00000000000000000000000000000000'))).rejects.toThrow(
			'Parallel could not find the requested resource: TaskGroup not found',
		);
		await expect(activate(parameters(''))).rejects.toThrow("'Task Group ID' is empty");
	});

	it('activates through a transient failure and catches up', async () => {
		const group = await newGroup(emulator);
		const ids = await runIdsOf(group, 3);
		emulator.addFault({ route: 'events', times: 6, action: { type: 'status', status: 502 } });
		const trigger = await activate(parameters(group));
		await emitted(trigger, 3);
		expectExactlyOnce(executedRunIds(trigger), ids);
		expect(trigger.errors).toEqual([]);
	});

	it('reports a permanent failure after activation once through emitError', async () => {
		const group = await newGroup(emulator);
		const trigger = await activate(parameters(group));
		await runIdsOf(group, 1);
		await emitted(trigger, 1);
		emulator.addFault({ route: 'events', times: -1, action: { type: 'status', status: 401 } });
		await waitFor(() => (trigger.errors.length ? true : undefined), 10_000, 'emitError');
		await sleep(2_000);
		expect(trigger.errors).toHaveLength(1);
		expect(trigger.errors[0].message).toMatch(/did not accept the API key/);
	});

	it('closes its connection when deactivated', async () => {
		const group = await newGroup(emulator);
		emulator.hold(true);
		await runIdsOf(group, 2);
		const trigger = await activate(parameters(group));
		await waitFor(
			() => (emulator.counters().openStreams > 0 ? true : undefined),
			5_000,
			'open stream',
		);
		await trigger.close();
		await waitFor(
			() => (emulator.counters().openStreams === 0 ? true : undefined),
			2_000,
			'stream closed',
		);
	});
});

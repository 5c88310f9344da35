import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import {
	addRuns as addRunsDirectly,
	liteInputs,
	newGroup,
	waitFor,
	waitForInactive,
} from '../emulator/helpers';
import { companies, parallelBench } from '../harness/parallel';
import { tunePolicyForSuite } from '../harness/policy';
import { useForSuite } from '../harness/useForSuite';

const bench = useForSuite(() => parallelBench());
tunePolicyForSuite({
	stream: { silenceMs: 300 },
	runs: { resume: { baseDelayMs: 10, maxDelayMs: 50 } },
});
afterEach(() => {
	bench.emulator.clearFaults();
	bench.emulator.hold(false);
});

const group = (operation: string, taskGroupId: string, extra: IDataObject = {}) => ({
	resource: 'taskGroup',
	operation,
	taskGroupId,
	...extra,
});

/** Add Runs output for `items` in a new group, with the group finished. */
async function addedRuns(items: IDataObject[]) {
	const taskGroupId = await newGroup(bench.emulator);
	const run = await bench.run(
		group('addRuns', taskGroupId, {
			processor: 'lite',
			outputSchemaType: 'example',
			outputExample: '{"ceo_name":"Jane"}',
		}),
		items,
	);
	await waitForInactive(bench.emulator, taskGroupId);
	return { taskGroupId, added: run.items };
}

describe('Create', () => {
	it('creates a group with metadata and returns it', async () => {
		const run = await bench.run(
			{
				resource: 'taskGroup',
				operation: 'create',
				options: { metadata: { values: [{ key: 'sheet', value: 'leads' }] } },
			},
			[{}],
		);
		expect(run.items[0].json).toMatchObject({
			taskgroup_id: expect.stringMatching(/^tgrp_/),
			metadata: { sheet: 'leads' },
			status: { num_task_runs: 0, is_active: false },
		});
	});
});

describe('Get', () => {
	it("returns the group's status with counts", async () => {
		const { taskGroupId } = await addedRuns(companies(3));
		const run = await bench.run(group('get', taskGroupId), [{}]);
		expect(run.items[0].json).toMatchObject({
			taskgroup_id: taskGroupId,
			status: { num_task_runs: 3, is_active: false, task_run_status_counts: { completed: 3 } },
		});
	});

	it('fails with a clear 404 for an unknown group, or an error item with Continue On Fail', async () => {
		const missing = 'tgrp_00000000000000000000000000000009';
		const failed = await bench.run(group('get', missing), [{}]);
		expect(failed.error?.message).toBe(
			'Parallel could not find the requested resource: TaskGroup not found',
		);
		expect(failed.error?.description).toContain(`task group '${missing}'`);
		const continued = await bench.run(group('get', missing), [{}, {}], { continueOnFail: true });
		expect(continued.items.map((item) => item.json.error)).toEqual([
			'Parallel could not find the requested resource: TaskGroup not found',
			'Parallel could not find the requested resource: TaskGroup not found',
		]);
	});
});

describe('Get Results', () => {
	it('returns all 300 runs once when the stream goes silent after 100 of them', async () => {
		const { taskGroupId, added } = await addedRuns(companies(300));
		const opened = bench.emulator.counters().streamsOpened;
		bench.emulator.addFault({
			route: 'runs',
			times: 1,
			action: { type: 'stallStream', afterEvents: 100 },
		});
		const run = await bench.run(
			group('getResults', taskGroupId),
			added.map((item) => item.json),
		);
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.run_id)).toEqual(
			added.map((item) => item.json.run_id),
		);
		expect(run.items.every((item) => typeof item.json.ceo_name === 'string')).toBe(true);
		expect(bench.emulator.counters().streamsOpened - opened).toBe(2);
	});

	it('pairs each result with the item that carried its run, in that order', async () => {
		const { taskGroupId, added } = await addedRuns(companies(6));
		const shuffled: INodeExecutionData[] = [added[4], added[1], added[5], added[0]];
		const run = await bench.run(
			group('getResults', taskGroupId),
			shuffled.map((item) => item.json),
		);
		expect(run.items.map((item) => item.json.run_id)).toEqual(
			shuffled.map((item) => item.json.run_id),
		);
		expect(run.items.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3].map((item) => ({ item })),
		);
		run.items.forEach((item, index) => {
			const row = [5, 2, 6, 1][index];
			expect(item.json.ceo_name).toEqual(expect.stringContaining(`row=${row},`));
			expect(item.json.basis).toEqual([expect.objectContaining({ field: 'ceo_name' })]);
		});
	});

	it('returns the raw records when Simplify is off, with the input when asked', async () => {
		const { taskGroupId, added } = await addedRuns(companies(1));
		const run = await bench.run(
			group('getResults', taskGroupId, { simplify: false, options: { includeInput: true } }),
			added.map((item) => item.json),
		);
		expect(run.items[0].json).toMatchObject({
			run: { run_id: added[0].json.run_id, status: 'completed' },
			input: { input: companies(1)[0], processor: 'lite' },
			output: { type: 'json', content: { ceo_name: expect.any(String) }, basis: expect.any(Array) },
		});
	});

	it('lists every run of the group when the items carry no run_id', async () => {
		const { taskGroupId } = await addedRuns(companies(4));
		const run = await bench.run(group('getResults', taskGroupId), [{}]);
		expect(run.items).toHaveLength(4);
		expect(new Set(run.items.map((item) => item.json.run_id)).size).toBe(4);
		expect(
			run.items.every((item) => JSON.stringify(item.pairedItem) === JSON.stringify({ item: 0 })),
		).toBe(true);
	});

	it('filters by status', async () => {
		const { taskGroupId } = await addedRuns([...companies(3), { company: '__fail__' }]);
		const failed = await bench.run(
			group('getResults', taskGroupId, { options: { status: 'failed' } }),
			[{}],
		);
		expect(failed.items).toHaveLength(1);
		const completed = await bench.run(
			group('getResults', taskGroupId, { options: { status: 'completed' } }),
			[{}],
		);
		expect(completed.items).toHaveLength(3);
	});

	it("sends failed runs to the error output with Parallel's message and the input item", async () => {
		const { taskGroupId, added } = await addedRuns([
			...companies(2),
			{ row: 3, company: '__fail__' },
		]);
		const run = await bench.run(
			group('getResults', taskGroupId),
			added.map((item, index) => ({ ...item.json, row: index + 1 })),
			{ onError: 'continueErrorOutput' },
		);
		expect(run.items).toHaveLength(2);
		expect(run.errorItems).toHaveLength(1);
		expect(run.errorItems[0].json).toMatchObject({
			row: 3,
			run_id: added[2].json.run_id,
			error: expect.stringMatching(
				/^Run trun_\w+ failed: Task failed: the emulator was asked to fail this run$/,
			),
			message: expect.stringMatching(/ref_id/),
		});
	});

	it('reads a large group in one stream and keeps the order of 2,000 paired items', async () => {
		const { taskGroupId, added } = await addedRuns(companies(2000));
		const streams = bench.emulator.counters().requests['GET /tasks/groups/:id/runs'] ?? 0;
		const reversed = [...added].reverse().map((item) => item.json);
		const run = await bench.run(group('getResults', taskGroupId), reversed);
		expect(run.items.map((item) => item.json.run_id)).toEqual(reversed.map((item) => item.run_id));
		expect(bench.emulator.counters().requests['GET /tasks/groups/:id/runs']).toBe(streams + 1);
	});

	it('reports an item whose run is not in the group, and items without run_id', async () => {
		const { taskGroupId, added } = await addedRuns(companies(1));
		const run = await bench.run(
			group('getResults', taskGroupId),
			[added[0].json, { run_id: 'trun_00000000000000000000000000000000' }, { name: 'no run' }],
			{ continueOnFail: true },
		);
		expect(run.items[0].json.run_id).toBe(added[0].json.run_id);
		expect(run.items[1].json.error).toBe(
			'Run trun_00000000000000000000000000000000 is not in the task group',
		);
		expect(run.items[2].json.error).toBe("Item 2 has no 'run_id'");
	});
});

describe('Wait for Completion', () => {
	it('returns once the group is inactive', async () => {
		const taskGroupId = await newGroup(bench.emulator);
		await addRunsDirectly(bench.emulator, taskGroupId, { inputs: liteInputs(20) });
		const run = await bench.run(group('waitForCompletion', taskGroupId, { maxWaitSeconds: 30 }), [
			{},
		]);
		expect(run.items[0].json).toMatchObject({
			taskgroup_id: taskGroupId,
			completed: true,
			timed_out: false,
			status: { is_active: false, num_task_runs: 20 },
		});
	});

	it('follows the stream through drops and 5xx on reconnect', async () => {
		const taskGroupId = await newGroup(bench.emulator);
		bench.emulator.hold(true);
		await addRunsDirectly(bench.emulator, taskGroupId, { inputs: liteInputs(30) });
		bench.emulator.addFault({
			route: 'events',
			times: 3,
			action: { type: 'dropStream', afterEvents: 1 },
		});
		bench.emulator.addFault({
			route: 'events',
			skip: 1,
			times: 1,
			action: { type: 'status', status: 503 },
		});
		const eventsRequests = () =>
			bench.emulator.counters().requests['GET /tasks/groups/:id/events'] ?? 0;
		const opened = eventsRequests();
		// The runs go on once the node has been through the drops and the 503.
		void waitFor(() => (eventsRequests() >= opened + 4 ? true : undefined)).then(() =>
			bench.emulator.hold(false),
		);
		const run = await bench.run(group('waitForCompletion', taskGroupId, { maxWaitSeconds: 30 }), [
			{},
		]);
		expect(run.items[0].json).toMatchObject({ completed: true, status: { is_active: false } });
		expect(eventsRequests() - opened).toBeGreaterThanOrEqual(4);
	});

	it('returns the status with timed_out set when the limit passes', async () => {
		const taskGroupId = await newGroup(bench.emulator);
		bench.emulator.hold(true);
		await addRunsDirectly(bench.emulator, taskGroupId, { inputs: liteInputs(2) });
		const run = await bench.run(group('waitForCompletion', taskGroupId, { maxWaitSeconds: 1 }), [
			{},
		]);
		expect(run.items[0].json).toMatchObject({
			completed: false,
			timed_out: true,
			status: { is_active: true },
		});
		expect(run.items[0].json.waited_seconds).toBeGreaterThanOrEqual(1);
	});

	it('fails on timeout when asked', async () => {
		const taskGroupId = await newGroup(bench.emulator);
		bench.emulator.hold(true);
		await addRunsDirectly(bench.emulator, taskGroupId, { inputs: liteInputs(1) });
		const run = await bench.run(
			group('waitForCompletion', taskGroupId, {
				maxWaitSeconds: 1,
				options: { failOnTimeout: true },
			}),
			[{}],
		);
		expect(run.error?.message).toBe(
			`Task group '${taskGroupId}' was still running after 1 seconds`,
		);
	});

	it('stops at once when the execution is cancelled', async () => {
		const taskGroupId = await newGroup(bench.emulator);
		bench.emulator.hold(true);
		await addRunsDirectly(bench.emulator, taskGroupId, { inputs: liteInputs(1) });
		const streams = bench.emulator.counters().openStreams;
		// A 120-s wait: only the cancellation can end this run within the test's time limit.
		const run = await bench.run(
			group('waitForCompletion', taskGroupId, { maxWaitSeconds: 120 }),
			[{}],
			{
				cancelAfterMs: 500,
			},
		);
		expect(run.items).toHaveLength(0);
		// Cancelling aborts the execution's signal, which n8n gives the request: its socket closes.
		await waitFor(() => bench.emulator.counters().openStreams === streams || undefined);
	});

	it('ends at Max Wait plus the margin when the server holds every answer', async () => {
		const taskGroupId = await newGroup(bench.emulator);
		bench.emulator.addFault({
			route: 'getGroup',
			times: -1,
			action: { type: 'latency', ms: 120_000 },
		});
		// Each answer would take two minutes, four times this test's own time limit: only the cut-off
		// at Max Wait (1 s) plus the margin (0.5 s here) can end the node in time.
		const run = await bench.run(group('waitForCompletion', taskGroupId, { maxWaitSeconds: 1 }), [
			{},
		]);
		expect(run.error?.message).toBe(`Could not reach Parallel at ${bench.emulator.url}`);
	});

	it('reconnects when the events stream goes silent, and ends at Max Wait', async () => {
		const taskGroupId = await newGroup(bench.emulator);
		bench.emulator.hold(true);
		await addRunsDirectly(bench.emulator, taskGroupId, { inputs: liteInputs(1) });
		bench.emulator.addFault({
			route: 'events',
			times: -1,
			action: { type: 'stallStream', afterEvents: 1 },
		});
		const events = () => bench.emulator.counters().requests['GET /tasks/groups/:id/events'] ?? 0;
		const before = events();
		const run = await bench.run(group('waitForCompletion', taskGroupId, { maxWaitSeconds: 2 }), [
			{},
		]);
		expect(run.items[0].json).toMatchObject({ completed: false, timed_out: true });
		// Silence is noticed after 0.3 s here (the policy's bound, shortened for this file).
		expect(events() - before).toBeGreaterThanOrEqual(2);
	});
});

import type { IDataObject } from 'n8n-workflow';

import { addRuns, liteInputs, newGroup, waitFor, waitForInactive } from '../emulator/helpers';
import { parallelBench } from '../harness/parallel';
import { tunePolicyForSuite } from '../harness/policy';
import { useForSuite } from '../harness/useForSuite';

const bench = useForSuite(() => parallelBench({ maxHoldMs: 100 }));
tunePolicyForSuite({ wait: { marginMs: 500 } });
afterEach(() => bench.emulator.hold(false));

const taskRun = (operation: string, runId: string, extra: IDataObject = {}) => ({
	resource: 'taskRun',
	operation,
	runId,
	...extra,
});

async function runsOf(inputs: IDataObject[], wait = true) {
	const group = await newGroup(bench.emulator);
	const { body } = await addRuns(bench.emulator, group, { inputs });
	if (wait) await waitForInactive(bench.emulator, group);
	return body.run_ids as string[];
}

const resultPolls = () => bench.emulator.counters().requests['GET /tasks/runs/:id/result'] ?? 0;

describe('Task Run', () => {
	it("gets a run's status", async () => {
		const [runId] = await runsOf(liteInputs(1));
		const run = await bench.run(taskRun('get', runId), [{}]);
		expect(run.items[0].json).toMatchObject({
			run_id: runId,
			status: 'completed',
			is_active: false,
		});
	});

	it('gets a result, simplified or raw', async () => {
		const [runId] = await runsOf(liteInputs(1));
		const simple = await bench.run(taskRun('getResult', runId), [{}]);
		expect(simple.items[0].json).toMatchObject({
			run_id: runId,
			status: 'completed',
			summary: expect.any(String),
		});
		const raw = await bench.run(taskRun('getResult', runId, { simplify: false }), [{}]);
		expect(raw.items[0].json).toMatchObject({ run: { run_id: runId }, output: { type: 'json' } });
	});

	it('keeps long-polling through 408s until the run completes, inside the bound', async () => {
		bench.emulator.hold(true);
		const [runId] = await runsOf(liteInputs(1), false);
		const resultPolls = () => bench.emulator.counters().requests['GET /tasks/runs/:id/result'] ?? 0;
		const polls = resultPolls();
		// The run finishes once the node has come back for its result three times.
		void waitFor(() => resultPolls() - polls >= 3 || undefined, 30_000).then(() =>
			bench.emulator.hold(false),
		);
		const run = await bench.run(taskRun('getResult', runId, { maxWaitSeconds: 20 }), [{}]);
		expect(run.items[0].json).toMatchObject({ run_id: runId, status: 'completed' });
		expect(resultPolls() - polls).toBeGreaterThanOrEqual(3);
	});

	it('pauses between polls that come back early without a result, and stops on action_required', async () => {
		bench.emulator.hold(true);
		const [runId] = await runsOf(
			[{ input: 'needs __action_required__', processor: 'lite' }],
			false,
		);
		const polls = resultPolls();
		// Held in queued: every poll comes back at once (maxHoldMs 100) with a 408; the run then
		// stops in action_required and the next early poll's check of the run ends the wait.
		void waitFor(() => resultPolls() - polls >= 2 || undefined, 30_000).then(() =>
			bench.emulator.hold(false),
		);
		const run = await bench.run(taskRun('getResult', runId, { maxWaitSeconds: 600 }), [{}]);
		expect(run.error?.message).toBe(`Run ${runId} is waiting for an action (action_required)`);
		// Pauses of at least 0.5, 1 and 2 s between early polls: a handful, not hundreds.
		expect(resultPolls() - polls).toBeGreaterThanOrEqual(2);
		expect(resultPolls() - polls).toBeLessThanOrEqual(6);
	});

	it('ends at Max Wait plus the margin when the server holds every answer', async () => {
		bench.emulator.hold(true);
		const [runId] = await runsOf(liteInputs(1), false);
		bench.emulator.addFault({
			route: 'result',
			times: -1,
			action: { type: 'latency', ms: 120_000 },
		});
		bench.emulator.addFault({
			route: 'getRun',
			times: -1,
			action: { type: 'latency', ms: 120_000 },
		});
		// Two-minute answers against this test's 30-s limit: only the cut-off can end it in time.
		const run = await bench.run(taskRun('getResult', runId, { maxWaitSeconds: 1 }), [{}]);
		bench.emulator.clearFaults();
		expect(run.error?.message).toBe(`Could not reach Parallel at ${bench.emulator.url}`);
	});

	it('reports a failed run with its error, not as "not found"', async () => {
		const [runId] = await runsOf([{ input: 'please __fail__', processor: 'lite' }]);
		const run = await bench.run(taskRun('getResult', runId), [{}]);
		expect(run.error?.message).toBe(
			`Run ${runId} failed: Task failed: the emulator was asked to fail this run`,
		);
	});

	it('reports an unknown run as not found', async () => {
		const run = await bench.run(taskRun('getResult', 'trun_00000000000000000000000000000000'), [
			{},
		]);
		expect(run.error?.message).toBe(
			'Parallel could not find the requested resource: Run id not found',
		);
		expect(run.error?.description).toContain("run 'trun_00000000000000000000000000000000'");
	});

	it('returns the status with timed_out after the bound, or fails when asked', async () => {
		bench.emulator.hold(true);
		const [runId] = await runsOf(liteInputs(1), false);
		const run = await bench.run(taskRun('getResult', runId, { maxWaitSeconds: 1 }), [{}]);
		expect(run.items[0].json).toMatchObject({ run_id: runId, status: 'queued', timed_out: true });
		const strict = await bench.run(
			taskRun('getResult', runId, { maxWaitSeconds: 1, options: { failOnTimeout: true } }),
			[{}],
		);
		expect(strict.error?.message).toBe(`Run ${runId} was still queued after 1 seconds`);
	});

	it("reads each item's run ID and fails an empty one alone", async () => {
		const [first, second] = await runsOf(liteInputs(2));
		const run = await bench.run(
			taskRun('get', '={{ $json.id }}'),
			[{ id: first }, { id: '' }, { id: second }],
			{
				continueOnFail: true,
			},
		);
		expect(run.items.map((item) => item.json.run_id ?? item.json.error)).toEqual([
			first,
			"Item 1: 'Run ID' is empty",
			second,
		]);
	});
});

import type { IDataObject } from 'n8n-workflow';

import { addRuns, newGroup, waitFor, waitForInactive } from '../emulator/helpers';
import { parallelBench } from '../harness/parallel';
import { useForSuite } from '../harness/useForSuite';

const bench = useForSuite(() => parallelBench());
afterEach(() => {
	bench.emulator.hold(false);
	bench.emulator.clearFaults();
});

const progressOf = (runId: string, extra: IDataObject = {}) =>
	bench.run({ resource: 'taskRun', operation: 'getProgress', runId, ...extra }, [{}]);

const streamsOpen = () => bench.emulator.counters().openStreams;

async function runOf(input: IDataObject, wait = true) {
	const group = await newGroup(bench.emulator);
	const { body } = await addRuns(bench.emulator, group, { inputs: [input] });
	if (wait) await waitForInactive(bench.emulator, group);
	return (body.run_ids as string[])[0];
}

describe('Task Run > Get Progress', () => {
	it("returns a finished run's messages and source statistics, and asks for the events beta", async () => {
		const runId = await runOf({ input: 'Acme', processor: 'lite', enable_events: true });
		const run = await progressOf(runId, { maxWaitSeconds: 30 });
		expect(run.error).toBeUndefined();
		const json = run.items[0].json;
		expect(json).toMatchObject({
			run_id: runId,
			status: 'completed',
			is_active: false,
			complete: true,
			progress_meter: 100,
			source_stats: { num_sources_read: 8, num_sources_considered: 24 },
		});
		expect((json.messages as IDataObject[]).map((m) => m.type)).toEqual([
			'exec_status',
			'plan',
			'search',
			'result',
			'exec_status',
		]);
		expect(bench.emulator.counters().betaHeaders['GET /tasks/runs/:id/events']).toEqual({
			'events-sse-2025-07-24': 1,
		});
	});

	it('gets fewer messages for a run without progress events', async () => {
		const runId = await runOf({ input: 'Acme', processor: 'lite' });
		const run = await progressOf(runId, { maxWaitSeconds: 30 });
		const types = (run.items[0].json.messages as IDataObject[]).map((m) => m.type);
		expect(types).toEqual(['exec_status', 'exec_status']);
	});

	it('ends at Max Wait on a run that goes on, with the progress so far, closing its stream', async () => {
		bench.emulator.hold(true);
		// n8n's streamed body finishes closing when the next bytes arrive: keep-alives bring them.
		bench.emulator.configure({ keepAliveMs: 200 });
		const group = await newGroup(bench.emulator);
		const { body } = await addRuns(bench.emulator, group, {
			inputs: [{ input: 'Acme', processor: 'lite', enable_events: true }],
		});
		const runId = (body.run_ids as string[])[0];
		const run = await progressOf(runId, { maxWaitSeconds: 1 });
		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({
			run_id: runId,
			status: 'queued',
			is_active: true,
			complete: false,
			messages: [],
			events_read: 1,
		});
		await waitFor(() => streamsOpen() === 0 || undefined, 30_000);
		bench.emulator.configure({ keepAliveMs: 15_000 });
	});

	it('fails the item for an unknown run, naming it', async () => {
		const run = await progressOf('trun_00000000000000000000000000000000');
		expect(run.error?.message).toBe(
			'Parallel could not find the requested resource: Run id not found',
		);
	});

	it('is bounded when the stream goes silent: the item still comes back', async () => {
		const runId = await runOf({ input: 'Acme', processor: 'lite', enable_events: true });
		bench.emulator.addFault({
			route: 'runEvents',
			action: { type: 'stallStream', afterEvents: 2, keepAlive: true },
		});
		const run = await progressOf(runId, { maxWaitSeconds: 1 });
		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({ complete: false, events_read: 2 });
		expect(run.items[0].json.status).toBe('completed');
	});
});

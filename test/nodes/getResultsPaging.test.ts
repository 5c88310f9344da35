import type { IDataObject } from 'n8n-workflow';

import {
	addRuns as addRunsDirectly,
	liteInputs,
	newGroup,
	waitFor,
	waitForInactive,
} from '../emulator/helpers';
import { parallelBench } from '../harness/parallel';
import { tunePolicyForSuite } from '../harness/policy';
import { useForSuite } from '../harness/useForSuite';

// Get Results' Return All / Limit and Start After, through n8n-core's WorkflowExecute.

const bench = useForSuite(() => parallelBench());
tunePolicyForSuite({
	stream: { silenceMs: 300 },
	runs: { resume: { baseDelayMs: 10, maxDelayMs: 50 } },
});
afterEach(() => bench.emulator.clearFaults());

const RUNS_ROUTE = 'GET /tasks/groups/:id/runs';

const getResults = (taskGroupId: string, extra: IDataObject = {}) => ({
	resource: 'taskGroup',
	operation: 'getResults',
	taskGroupId,
	...extra,
});

const page = (taskGroupId: string, limit: number, startAfter = '', options: IDataObject = {}) =>
	getResults(taskGroupId, {
		returnAll: false,
		limit,
		options: { ...options, ...(startAfter ? { startAfter } : {}) },
	});

/** A finished group of `count` lite runs, added straight to the emulator; their run IDs in order. */
async function finishedGroup(count: number, extra: Record<string, unknown> = {}) {
	const taskGroupId = await newGroup(bench.emulator);
	const runIds: string[] = [];
	for (let start = 0; start < count; start += 1000) {
		const inputs = liteInputs(Math.min(1000, count - start), extra).map((input, index) => ({
			...input,
			input: { name: `item-${start + index}` },
		}));
		const res = await addRunsDirectly(bench.emulator, taskGroupId, { inputs });
		runIds.push(...(res.body.run_ids as string[]));
	}
	await waitForInactive(bench.emulator, taskGroupId);
	return { taskGroupId, runIds };
}

const runsStreams = () => bench.emulator.counters().requests[RUNS_ROUTE] ?? 0;

describe('Get Results paging', () => {
	it('pages through 2,300 runs in pages of 1,000 with Start After, each run once', async () => {
		const { taskGroupId, runIds } = await finishedGroup(2300);
		const pages: string[][] = [];
		let cursor = '';
		for (;;) {
			const before = runsStreams();
			const run = await bench.run(page(taskGroupId, 1000, cursor), [{}]);
			expect(run.error).toBeUndefined();
			expect(runsStreams() - before).toBe(1);
			pages.push(run.items.map((item) => item.json.run_id as string));
			for (const item of run.items) expect(item.json.next_cursor).toEqual(expect.any(String));
			if (run.items.length < 1000) break;
			cursor = run.items[run.items.length - 1].json.next_cursor as string;
			expect(pages.length).toBeLessThan(5);
		}
		expect(pages.map((ids) => ids.length)).toEqual([1000, 1000, 300]);
		expect(pages.flat()).toEqual(runIds);
	});

	it('gives an empty page after the last run, and the same page again for the same cursor', async () => {
		const { taskGroupId, runIds } = await finishedGroup(30);
		const first = await bench.run(page(taskGroupId, 20), [{}]);
		const cursor = first.items[19].json.next_cursor as string;
		const second = await bench.run(page(taskGroupId, 20, cursor), [{}]);
		const again = await bench.run(page(taskGroupId, 20, cursor), [{}]);
		expect(second.items.map((item) => item.json.run_id)).toEqual(runIds.slice(20));
		expect(again.items.map((item) => item.json.run_id)).toEqual(runIds.slice(20));
		const last = second.items[9].json.next_cursor as string;
		const empty = await bench.run(page(taskGroupId, 20, last), [{}]);
		expect(empty.error).toBeUndefined();
		expect(empty.items).toHaveLength(0);
	});

	it('stops reading at the limit and closes the stream', async () => {
		const { taskGroupId, runIds } = await finishedGroup(3000);
		const run = await bench.run(page(taskGroupId, 5), [{}]);
		expect(run.items.map((item) => item.json.run_id)).toEqual(runIds.slice(0, 5));
		await waitFor(() => bench.emulator.counters().openStreams === 0, 5000, 'the stream to close');
	});

	it('keeps the status filter across pages', async () => {
		const taskGroupId = await newGroup(bench.emulator);
		const inputs = Array.from({ length: 12 }, (_, index) => ({
			input: { company: index % 3 === 0 ? '__fail__' : `company-${index}` },
			processor: 'lite',
		}));
		const added = await addRunsDirectly(bench.emulator, taskGroupId, { inputs });
		await waitForInactive(bench.emulator, taskGroupId);
		const failedIds = (added.body.run_ids as string[]).filter((_, index) => index % 3 === 0);
		const options = { status: 'failed' };
		const first = await bench.run(page(taskGroupId, 3, '', options), [{}]);
		const cursor = first.items[2].json.next_cursor as string;
		const second = await bench.run(page(taskGroupId, 3, cursor, options), [{}]);
		// A failed run is an error item: its run ID is in the message, its cursor beside it.
		const idOf = (item: { json: IDataObject }) =>
			/^Run (trun_\w+) failed/.exec(String(item.json.error))?.[1];
		expect([...first.items, ...second.items].map(idOf)).toEqual(failedIds);
		expect(second.items.every((item) => typeof item.json.next_cursor === 'string')).toBe(true);
	});

	it('gets every run of a page once when the stream goes silent midway', async () => {
		const { taskGroupId, runIds } = await finishedGroup(500);
		const first = await bench.run(page(taskGroupId, 200), [{}]);
		bench.emulator.addFault({
			route: 'runs',
			times: 1,
			action: { type: 'stallStream', afterEvents: 50 },
		});
		const before = runsStreams();
		const cursor = first.items[199].json.next_cursor as string;
		const second = await bench.run(page(taskGroupId, 200, cursor), [{}]);
		expect(second.error).toBeUndefined();
		expect(runsStreams() - before).toBe(2);
		expect(second.items.map((item) => item.json.run_id)).toEqual(runIds.slice(200, 400));
	});

	it('keeps the output of Return All as it was: every run, no cursor field', async () => {
		const { taskGroupId, runIds } = await finishedGroup(60);
		const run = await bench.run(getResults(taskGroupId, { limit: 5 }), [{}]);
		expect(run.items.map((item) => item.json.run_id)).toEqual(runIds);
		expect(run.items.some((item) => 'next_cursor' in item.json)).toBe(false);
	});

	it('reads from Start After with Return All, each result carrying its cursor', async () => {
		const { taskGroupId, runIds } = await finishedGroup(40);
		const first = await bench.run(page(taskGroupId, 15), [{}]);
		const run = await bench.run(
			getResults(taskGroupId, { options: { startAfter: first.items[14].json.next_cursor } }),
			[{}],
		);
		expect(run.items.map((item) => item.json.run_id)).toEqual(runIds.slice(15));
		expect(run.items.every((item) => typeof item.json.next_cursor === 'string')).toBe(true);
	});

	it('gives each item its own run when the items carry run IDs, whatever the limit', async () => {
		const { taskGroupId, runIds } = await finishedGroup(8);
		const run = await bench.run(
			page(taskGroupId, 2),
			runIds.map((runId) => ({ run_id: runId })),
		);
		expect(run.items.map((item) => item.json.run_id)).toEqual(runIds);
	});

	it('names the field and the fix when the limit is not a whole number of 1 or more', async () => {
		const { taskGroupId } = await finishedGroup(3);
		const before = runsStreams();
		const run = await bench.run(page(taskGroupId, 0), [{}]);
		expect(run.error?.message).toBe("Item 0: 'Limit' must be 1 or more");
		expect(run.error?.description).toMatch(/Return All/);
		expect(runsStreams()).toBe(before);
	});
});

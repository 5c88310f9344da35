/* eslint-disable @n8n/community-nodes/no-restricted-globals -- tests run in Node, not in n8n */
import type { IDataObject } from 'n8n-workflow';

import { addRuns as addRunsDirectly, newGroup, waitFor } from '../emulator/helpers';
import type { FaultAction } from '../emulator';
import { companies, parallelBench } from '../harness/parallel';
import { tunePolicyForSuite } from '../harness/policy';
import { useForSuite } from '../harness/useForSuite';

const bench = useForSuite(() => parallelBench());
afterEach(() => bench.emulator.clearFaults());
// Reads at 0.2, 0.6, 1.4 s... after a failure instead of 1, 3, 7 s: the same schedule, faster.
tunePolicyForSuite({
	settle: { firstCheckMs: 200, maxCheckIntervalMs: 800 },
	read: { baseDelayMs: 10, maxDelayMs: 50 },
});

const POSTS = 'POST /tasks/groups/:id/runs';
const posts = () => bench.emulator.counters().requests[POSTS] ?? 0;
const created = (group: string) => bench.emulator.counters().runsCreated[group] ?? 0;
const duplicates = (group: string) => bench.emulator.counters().duplicateInputs[group] ?? 0;
/** Waits until the late batch has landed: only then can a duplicate show. */
const lateBatchLanded = async (before: number) =>
	await waitFor(() => bench.emulator.counters().lateWorkDone > before || undefined);
const lateDone = () => bench.emulator.counters().lateWorkDone;

const addRuns = (taskGroupId: string, options: Record<string, number>) => ({
	resource: 'taskGroup',
	operation: 'addRuns',
	taskGroupId,
	processor: 'lite',
	outputSchemaType: 'text',
	options,
});

describe('Add Runs when a batch takes effect after its failed answer', () => {
	it.each<[string, FaultAction]>([
		['answers 504 at once', { type: 'applyLate', afterMs: 1500, status: 504 }],
		['answers 500 at once', { type: 'applyLate', afterMs: 1500, status: 500 }],
		['answers 408 at once', { type: 'applyLate', afterMs: 1500, status: 408 }],
		['loses its answer', { type: 'applyLate', afterMs: 1500 }],
	])(
		'a batch that %s and is applied 1.5 s later is not sent again (3 s window)',
		async (_name, action) => {
			const group = await newGroup(bench.emulator);
			bench.emulator.addFault({ route: 'addRuns', skip: 1, times: 1, action });
			const before = posts();
			const late = lateDone();
			const run = await bench.run(
				addRuns(group, { batchSize: 400, concurrency: 1, settleWindowSeconds: 3 }),
				companies(1200),
			);
			await lateBatchLanded(late);
			expect(run.error).toBeUndefined();
			expect(posts() - before).toBe(3);
			expect(created(group)).toBe(1200);
			expect(duplicates(group)).toBe(0);
			const ids = run.items.map((item) => item.json.run_id);
			expect(new Set(ids).size).toBe(1200);
			const inputs = new Map(
				bench.emulator.group(group)!.runs.map((r) => [r.run_id, r.input as IDataObject]),
			);
			run.items.forEach((item, index) => {
				expect(item.pairedItem).toEqual({ item: index });
				expect(inputs.get(item.json.run_id as string)?.row).toBe(index + 1);
			});
		},
	);

	it('waits the whole window on a group whose run count stays the same', async () => {
		const group = await newGroup(bench.emulator);
		// Nothing changes in the group for 2.6 s after the failure; the batch lands just inside 3 s.
		bench.emulator.addFault({
			route: 'addRuns',
			action: { type: 'applyLate', afterMs: 2600, status: 504 },
		});
		const late = lateDone();
		const run = await bench.run(addRuns(group, { settleWindowSeconds: 3 }), companies(50));
		await lateBatchLanded(late);
		expect(run.error).toBeUndefined();
		expect(created(group)).toBe(50);
		expect(duplicates(group)).toBe(0);
	});

	it('keeps checking past the window while the group is still growing', async () => {
		const group = await newGroup(bench.emulator);
		bench.emulator.addFault({
			route: 'addRuns',
			action: { type: 'applyLate', afterMs: 2500, status: 504 },
		});
		const faults = bench.emulator.counters().injectedFaults;
		const late = lateDone();
		const running = bench.run(addRuns(group, { settleWindowSeconds: 2 }), companies(20));
		// Once the node's POST has failed, another workflow adds runs to the same group until the
		// late batch has landed: the group is still growing when the window ends.
		await waitFor(() => bench.emulator.counters().injectedFaults > faults || undefined);
		let others = 0;
		while (lateDone() === late) {
			await addRunsDirectly(bench.emulator, group, {
				inputs: [{ input: { other: others }, processor: 'lite' }],
			});
			others++;
			await new Promise((resolve) => setTimeout(resolve, 150));
		}
		const run = await running;
		expect(run.error).toBeUndefined();
		expect(created(group)).toBe(others + 20);
		expect(duplicates(group)).toBe(0);
	});

	it('sends again only what is still missing after the window (the window is the bound)', async () => {
		const group = await newGroup(bench.emulator);
		bench.emulator.addFault({
			route: 'addRuns',
			skip: 1,
			times: 1,
			action: { type: 'applyLate', afterMs: 2000, status: 504 },
		});
		const before = posts();
		const late = lateDone();
		const run = await bench.run(
			addRuns(group, { batchSize: 10, concurrency: 1, settleWindowSeconds: 0.5 }),
			companies(30),
		);
		expect(run.error).toBeUndefined();
		// The second batch alone was sent again, once.
		expect(posts() - before).toBe(4);
		expect(new Set(run.items.map((item) => item.json.run_id)).size).toBe(30);
		// Applied 2 s after its failed answer, outside the 0.5 s window: those 10 are paid twice.
		await waitFor(() => lateDone() > late || undefined);
		expect(created(group)).toBe(40);
		expect(duplicates(group)).toBe(10);
	});
});

describe('Add Runs when the group cannot be read to check', () => {
	const setUp = async () => {
		const group = await newGroup(bench.emulator);
		// The first batch is applied but its answer is lost; then the group cannot be read.
		bench.emulator.addFault({ route: 'addRuns', times: 1, action: { type: 'dropResponse' } });
		bench.emulator.addFault({
			route: 'getGroup',
			times: -1,
			action: { type: 'status', status: 503 },
		});
		return group;
	};
	const parameters = (group: string) =>
		addRuns(group, { batchSize: 10, concurrency: 1, settleWindowSeconds: 0.5 });

	it('sends nothing twice and says which items may or may not have a run', async () => {
		const group = await setUp();
		const before = posts();
		const run = await bench.run(parameters(group), companies(25), { continueOnFail: true });
		expect(posts() - before).toBe(3);
		expect(created(group)).toBe(25);
		expect(duplicates(group)).toBe(0);
		run.items.forEach((item, index) => expect(item.pairedItem).toEqual({ item: index }));
		const unknown = run.items.slice(0, 10);
		for (const item of unknown) {
			expect(item.json.error).toBe('Parallel may or may not have added this run');
			expect(item.json.message).toMatch(
				new RegExp(`task group '${group}' could not be read to check .*It was not sent again`),
			);
			expect(item.json.taskgroup_id).toBe(group);
		}
		for (const item of run.items.slice(10)) {
			expect(item.json).toMatchObject({
				taskgroup_id: group,
				run_id: expect.stringMatching(/^trun_/),
			});
		}
	});

	it('without Continue On Fail, stops with the group and how to collect what was added', async () => {
		const group = await setUp();
		const run = await bench.run(parameters(group), companies(25));
		expect(created(group)).toBe(25);
		expect(run.error?.message).toBe('Parallel may or may not have added this run');
		expect(run.error?.description).toContain(
			`15 of 25 items have runs in task group '${group}'. Collect them with Get Results (Task Group ID ${group})`,
		);
	});
});

import type { IDataObject } from 'n8n-workflow';

import { api, newGroup, waitFor } from '../emulator/helpers';
import { captureLogs } from '../harness/logs';
import { companies, parallelBench } from '../harness/parallel';
import { tunePolicyForSuite } from '../harness/policy';
import { useForSuite } from '../harness/useForSuite';

const bench = useForSuite(() => parallelBench());
afterEach(() => {
	bench.emulator.clearFaults();
	bench.emulator.hold(false);
});
tunePolicyForSuite({
	read: { baseDelayMs: 10, maxDelayMs: 50 },
	wait: { reconnect: { baseDelayMs: 10, maxDelayMs: 50 } },
	runs: { resume: { baseDelayMs: 10, maxDelayMs: 50 } },
});

const enrich = (extra: IDataObject = {}) => ({
	resource: 'taskGroup',
	operation: 'enrich',
	processor: 'lite',
	outputSchemaType: 'text',
	maxWaitSeconds: 30,
	...extra,
});

const addRuns = (taskGroupId: string, extra: IDataObject = {}) => ({
	resource: 'taskGroup',
	operation: 'addRuns',
	taskGroupId,
	processor: 'lite',
	outputSchemaType: 'text',
	...extra,
});

/** The group the last Enrich created, from the emulator's counters. */
function lastGroup(): string {
	const groups = Object.keys(bench.emulator.counters().runsCreated);
	return groups[groups.length - 1];
}

describe('Enrich when following the group fails after the runs exist', () => {
	const failures: Array<[string, () => void]> = [
		[
			'the events stream cannot be opened',
			() => {
				bench.emulator.hold(true);
				bench.emulator.addFault({
					route: 'events',
					times: -1,
					action: { type: 'status', status: 503 },
				});
			},
		],
		[
			'the results cannot be read',
			() =>
				bench.emulator.addFault({
					route: 'runs',
					times: -1,
					action: { type: 'status', status: 500 },
				}),
		],
	];

	it.each(failures)(
		'%s: with the error output, every item carries its run and group, paired',
		async (_name, inject) => {
			inject();
			const run = await bench.run(enrich(), companies(4), { onError: 'continueErrorOutput' });
			expect(run.error).toBeUndefined();
			expect(run.items).toEqual([]);
			expect(run.errorItems).toHaveLength(4);
			const group = lastGroup();
			const runIds = new Set(bench.emulator.group(group)!.runs.map((r) => r.run_id));
			const named = new Set<string>();
			run.errorItems.forEach((item, index) => {
				expect(item.pairedItem).toEqual({ item: index });
				// Only {error, message} reach n8n 1.x's error output: both name the run and the group.
				expect(Object.keys(item.json).sort()).toEqual(
					[...Object.keys(companies(4)[index]), 'error', 'message'].sort(),
				);
				expect(item.json).toMatchObject(companies(4)[index]);
				const runId = /^Item \d: the result of run (trun_\w+) could not be read: /.exec(
					item.json.error as string,
				)?.[1];
				expect(runIds.has(runId ?? '')).toBe(true);
				named.add(runId!);
				expect(item.json.message).toBe(
					`Run ${runId} goes on in task group '${group}'. Collect it with Get Results (Task Group ID ${group}).`,
				);
			});
			expect(named.size).toBe(4);
			expect(bench.emulator.counters().runsCreated[group]).toBe(4);
		},
	);

	it.each(failures)(
		'%s: with Continue On Fail, every item carries run_id and taskgroup_id, paired',
		async (_name, inject) => {
			inject();
			const run = await bench.run(enrich(), companies(4), { continueOnFail: true });
			const group = lastGroup();
			const runIds = new Set(bench.emulator.group(group)!.runs.map((r) => r.run_id));
			expect(run.items).toHaveLength(4);
			run.items.forEach((item, index) => {
				expect(item.pairedItem).toEqual({ item: index });
				expect(item.json).toMatchObject({
					error: expect.stringMatching(/could not be read/),
					taskgroup_id: group,
				});
				expect(runIds.has(item.json.run_id as string)).toBe(true);
			});
			expect(new Set(run.items.map((item) => item.json.run_id)).size).toBe(4);
		},
	);

	it.each(failures)(
		'%s: without it, the node stops naming the group and how to collect its runs',
		async (_name, inject) => {
			inject();
			const run = await bench.run(enrich(), companies(3));
			const group = lastGroup();
			expect(run.error?.message).toMatch(
				new RegExp(`^Task group '${group}' could not be followed to the end: `),
			);
			expect(run.error?.description).toBe(
				`All 3 items have runs in task group '${group}'. Collect them with Get Results (Task Group ID ${group}); Retry On Fail does not add them again. Their research goes on on Parallel's side.`,
			);
		},
	);

	it('keeps the results it read before the failure', async () => {
		// The results stream breaks off after two runs and cannot be reopened.
		bench.emulator.addFault({
			route: 'runs',
			times: 1,
			action: { type: 'dropStream', afterEvents: 2 },
		});
		bench.emulator.addFault({
			route: 'runs',
			skip: 1,
			times: -1,
			action: { type: 'status', status: 500 },
		});
		const run = await bench.run(enrich(), companies(4), { continueOnFail: true });
		const group = lastGroup();
		expect(run.items.map((item) => typeof item.json.output)).toEqual([
			'string',
			'string',
			'undefined',
			'undefined',
		]);
		for (const item of run.items.slice(2)) {
			expect(item.json).toMatchObject({
				taskgroup_id: group,
				run_id: expect.stringMatching(/^trun_/),
			});
		}
		run.items.forEach((item, index) => expect(item.pairedItem).toEqual({ item: index }));
	});
});

describe('where a user finds the task group', () => {
	it('Add Runs puts it in the execution custom data and an info log line, before sending', async () => {
		const group = await newGroup(bench.emulator);
		const logs = captureLogs();
		const run = await bench.run(addRuns(group), companies(3));
		logs.restore();
		expect(run.error).toBeUndefined();
		expect(run.run.data.resultData.metadata).toEqual({ parallel_task_group_Parallel: group });
		const line = logs.lines.find(
			(entry) => entry.level === 'info' && entry.message.includes(group),
		);
		expect(line?.message).toBe(
			`Parallel Task Group: node "Parallel" of workflow "harness" (wfTestHarness0001), execution exec1, adds runs to task group ${group}. If the execution does not finish, Get Results on ${group} collects them.`,
		);
		expect(line?.metadata).toMatchObject({
			workflowId: 'wfTestHarness0001',
			executionId: 'exec1',
			taskGroupId: group,
		});
	});

	it('Enrich records the group it created even when the node then fails', async () => {
		bench.emulator.hold(true);
		bench.emulator.addFault({
			route: 'events',
			times: -1,
			action: { type: 'status', status: 503 },
		});
		const run = await bench.run(enrich(), companies(2));
		expect(run.error).toBeDefined();
		const group = lastGroup();
		expect(run.run.data.resultData.metadata).toEqual({ parallel_task_group_Parallel: group });
	});

	it('Enrich names the workflow and execution in the group it creates', async () => {
		await bench.run(enrich(), companies(1));
		const group = lastGroup();
		const { status, body } = await api(bench.emulator, 'GET', `/v1/tasks/groups/${group}`);
		expect(status).toBe(200);
		expect(body.metadata).toEqual({
			source: 'n8n',
			n8n_workflow: 'wfTestHarness0001',
			n8n_execution: 'exec1',
		});
	});
});

describe("Retry On Fail's marker", () => {
	it('lives in the execution, not in the workflow static data', async () => {
		const group = await newGroup(bench.emulator);
		const run = await bench.run(addRuns(group), companies(2), {
			retryOnFail: true,
			maxTries: 2,
			waitBetweenTries: 0,
		});
		expect(run.error).toBeUndefined();
		expect(run.staticData).toEqual({});
		const context = run.run.data.executionData?.contextData['node:Parallel'] as IDataObject;
		expect(Object.values(context.parallelAttempts as IDataObject)).toEqual([
			{ at: expect.any(Number), taskGroupId: group },
		]);
	});

	it('holds when n8n retries a node whose first output item is an error item', async () => {
		// With Continue On Fail, an error item first in the output makes n8n run the node again:
		// every try must find the runs of the first instead of adding them again.
		const group = await newGroup(bench.emulator);
		const items = [{ company: '' }, ...companies(5)];
		const run = await bench.run(
			addRuns(group, { inputMode: 'fields', inputFields: 'company' }),
			items,
			{
				continueOnFail: true,
				retryOnFail: true,
				maxTries: 3,
				waitBetweenTries: 0,
			},
		);
		expect(bench.emulator.counters().requests['GET /tasks/groups/:id/runs']).toBeGreaterThanOrEqual(
			2,
		);
		expect(bench.emulator.counters().runsCreated[group]).toBe(5);
		expect(bench.emulator.counters().duplicateInputs[group] ?? 0).toBe(0);
		expect(run.items[0].json.error).toMatch(/^Item 0: every field in 'Input Fields' is empty/);
		expect(new Set(run.items.slice(1).map((item) => item.json.run_id)).size).toBe(5);
	});

	it('lets a retried Enrich go on with its own group after the first try failed', async () => {
		const creates = () => bench.emulator.counters().requests['POST /tasks/groups'] ?? 0;
		const before = creates();
		bench.emulator.hold(true);
		bench.emulator.addFault({ route: 'events', times: 5, action: { type: 'status', status: 503 } });
		const faults = bench.emulator.counters().injectedFaults;
		void waitFor(() => bench.emulator.counters().injectedFaults - faults >= 5 || undefined).then(
			() => bench.emulator.hold(false),
		);
		const run = await bench.run(enrich(), companies(3), {
			retryOnFail: true,
			maxTries: 2,
			waitBetweenTries: 0,
		});
		expect(run.error).toBeUndefined();
		expect(creates() - before).toBe(1);
		expect(bench.emulator.counters().runsCreated[lastGroup()]).toBe(3);
		expect(run.items.every((item) => typeof item.json.output === 'string')).toBe(true);
	});
});

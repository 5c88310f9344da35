import { sleep } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { newGroup } from '../emulator/helpers';
import { companies, parallelBench } from '../harness/parallel';
import { useForSuite } from '../harness/useForSuite';

const bench = useForSuite(() => parallelBench());
afterEach(() => {
	bench.emulator.clearFaults();
	bench.emulator.hold(false);
});

const enrich = (extra: IDataObject = {}) => ({
	resource: 'taskGroup',
	operation: 'enrich',
	processor: 'lite',
	outputSchemaType: 'example',
	outputExample: '{"ceo_name": "Jane Doe", "employee_count": 1200}',
	maxWaitSeconds: 30,
	...extra,
});

describe('Enrich Items', () => {
	it('returns every item in order with the answer merged in and its basis', async () => {
		const items = companies(25);
		const run = await bench.run(enrich(), items);
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(25);
		run.items.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json).toMatchObject(items[index]);
			expect(item.json.ceo_name).toEqual(expect.stringContaining(`company=Company ${index + 1}`));
			expect(typeof item.json.employee_count).toBe('number');
			expect((item.json.basis as IDataObject[]).map((basis) => basis.field)).toEqual([
				'ceo_name',
				'employee_count',
			]);
		});
		expect(bench.emulator.counters().requests['POST /tasks/groups']).toBeGreaterThanOrEqual(1);
	});

	it('puts the answer under a field, without basis, with run info, when asked', async () => {
		const run = await bench.run(
			enrich({ options: { outputKey: 'research', includeBasis: false, includeRunInfo: true } }),
			companies(2),
		);
		expect(run.items[1].json).toEqual({
			...companies(2)[1],
			research: { ceo_name: expect.any(String), employee_count: expect.any(Number) },
			run_id: expect.stringMatching(/^trun_/),
			interaction_id: expect.stringMatching(/^trun_/),
			taskgroup_id: expect.stringMatching(/^tgrp_/),
		});
	});

	it('puts a text answer in an "output" field', async () => {
		const run = await bench.run(
			enrich({ outputSchemaType: 'text', outputDescription: 'A summary' }),
			companies(1),
		);
		expect(run.items[0].json.output).toEqual(expect.stringContaining('Company 1'));
	});

	it('routes a failed run to the error output with its input item', async () => {
		const items = [...companies(2), { row: 3, company: 'Doomed __fail__ Inc' }];
		const run = await bench.run(enrich(), items, { onError: 'continueErrorOutput' });
		expect(run.items.map((item) => item.json.row)).toEqual([1, 2]);
		expect(run.errorItems).toHaveLength(1);
		expect(run.errorItems[0].json).toMatchObject({
			row: 3,
			company: 'Doomed __fail__ Inc',
			error: expect.stringMatching(/^Item 2: research run trun_\w+ failed: Task failed/),
		});
		expect(run.errorItems[0].pairedItem).toEqual({ item: 2 });
	});

	it('adds the items to a given group instead of creating one', async () => {
		const group = await newGroup(bench.emulator);
		const creates = bench.emulator.counters().requests['POST /tasks/groups'] ?? 0;
		const run = await bench.run(enrich({ taskGroupId: group }), companies(3));
		expect(bench.emulator.counters().requests['POST /tasks/groups']).toBe(creates);
		expect(bench.emulator.counters().runsCreated[group]).toBe(3);
		expect(run.items.every((item) => typeof item.json.ceo_name === 'string')).toBe(true);
	});

	it('waits only for its own runs in a shared group', async () => {
		const group = await newGroup(bench.emulator);
		// A slow run of someone else keeps the group active the whole time.
		await bench.run(
			{
				resource: 'taskGroup',
				operation: 'addRuns',
				taskGroupId: group,
				processor: 'ultra8x',
				outputSchemaType: 'text',
			},
			[{ other: 'workflow' }],
		);
		// Waiting for the whole group would run into Max Wait and return the items unfinished.
		const run = await bench.run(enrich({ taskGroupId: group, maxWaitSeconds: 20 }), companies(3));
		expect(run.items.every((item) => typeof item.json.ceo_name === 'string')).toBe(true);
	});

	it('returns run IDs and a hint when the wait runs out, and never resubmits', async () => {
		bench.emulator.hold(true);
		const posts = bench.emulator.counters().requests['POST /tasks/groups/:id/runs'] ?? 0;
		const run = await bench.run(enrich({ maxWaitSeconds: 1 }), companies(3));
		expect(run.error).toBeUndefined();
		expect(bench.emulator.counters().requests['POST /tasks/groups/:id/runs']).toBe(posts + 1);
		run.items.forEach((item, index) => {
			expect(item.json).toMatchObject({
				...companies(3)[index],
				run_id: expect.stringMatching(/^trun_/),
				taskgroup_id: expect.stringMatching(/^tgrp_/),
				status: expect.stringMatching(/queued|running/),
				message: expect.stringMatching(/Get Results .* or the Parallel Task Group Trigger/),
			});
		});
	});

	it('reuses the group and runs of a failed first try when Retry On Fail runs it again', async () => {
		// The first try adds the runs, then cannot follow the group (every attempt to open its
		// events fails) and fails; the retry must neither create a second group nor add the runs
		// again.
		const groupsBefore = bench.emulator.counters().requests['POST /tasks/groups'] ?? 0;
		const createdBefore = bench.emulator.counters().runsCreatedTotal;
		const faultsBefore = bench.emulator.counters().injectedFaults;
		bench.emulator.hold(true);
		bench.emulator.addFault({ route: 'events', times: 5, action: { type: 'status', status: 500 } });
		void sleep(2_000).then(() => bench.emulator.hold(false));
		const run = await bench.run(enrich(), companies(4), {
			retryOnFail: true,
			maxTries: 2,
			waitBetweenTries: 0,
		});
		expect(bench.emulator.counters().injectedFaults - faultsBefore).toBe(5);
		expect(run.error).toBeUndefined();
		expect(bench.emulator.counters().requests['POST /tasks/groups']).toBe(groupsBefore + 1);
		expect(bench.emulator.counters().runsCreatedTotal).toBe(createdBefore + 4);
		expect(run.items).toHaveLength(4);
	});

	it('stops before creating anything when an item is bad and Continue On Fail is off', async () => {
		const groups = bench.emulator.counters().requests['POST /tasks/groups'] ?? 0;
		const run = await bench.run(enrich({ inputMode: 'fields', inputFields: 'website' }), [
			...companies(1),
			{ company: 'No site' },
		]);
		expect(run.error?.message).toBe(
			"Item 1: the item has no field 'website' (from 'Input Fields')",
		);
		expect(bench.emulator.counters().requests['POST /tasks/groups'] ?? 0).toBe(groups);
	});
});

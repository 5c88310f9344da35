import type { IDataObject } from 'n8n-workflow';

import { companies, parallelBench } from '../harness/parallel';
import { useForSuite } from '../harness/useForSuite';

const bench = useForSuite(() => parallelBench());
afterEach(() => bench.emulator.clearFaults());

const enrich = (extra: IDataObject = {}) => ({
	resource: 'taskGroup',
	operation: 'enrich',
	processor: 'lite',
	outputSchemaType: 'text',
	outputDescription: 'A short answer',
	maxWaitSeconds: 30,
	...extra,
});

const followUp = (options: IDataObject = {}) =>
	enrich({
		inputMode: 'text',
		inputText: '={{ "And who founded " + $json.company + "?" }}',
		options: { previousInteractionId: '={{ $json.interaction_id }}', ...options },
	});

/** Every run the emulator holds, by run ID, across groups. */
function runsOf(taskGroupId: string) {
	return new Map(bench.emulator.group(taskGroupId)!.runs.map((run) => [run.run_id, run]));
}

describe('Follow-up research (Previous Interaction ID)', () => {
	it("chains Enrich into a second Enrich: each row's follow-up builds on its own first run", async () => {
		const first = await bench.run(enrich({ options: { includeRunInfo: true } }), companies(3));
		expect(first.error).toBeUndefined();
		first.items.forEach((item) =>
			expect(item.json.interaction_id).toEqual(expect.stringMatching(/^trun_/)),
		);
		const second = await bench.run(
			followUp({ includeRunInfo: true }),
			first.items.map((item) => item.json),
		);
		expect(second.error).toBeUndefined();
		expect(second.items).toHaveLength(3);
		const secondRuns = runsOf(second.items[0].json.taskgroup_id as string);
		second.items.forEach((item, index) => {
			const run = secondRuns.get(item.json.run_id as string)!;
			expect(run.previous_interaction_id).toBe(first.items[index].json.interaction_id);
			expect(run.input).toBe(`And who founded Company ${index + 1}?`);
			// Its own interaction, different from the one it continues.
			expect(item.json.interaction_id).not.toBe(first.items[index].json.interaction_id);
		});
		const firstRuns = runsOf(first.items[0].json.taskgroup_id as string);
		for (const run of firstRuns.values()) expect(run.previous_interaction_id).toBeNull();
	});

	it('sends no previous_interaction_id for an item whose expression is empty', async () => {
		const run = await bench.run(followUp(), [{ company: 'Acme' }]);
		expect(run.error).toBeUndefined();
		const group = runsOf(
			(await bench.run(followUp({ includeRunInfo: true }), [{ company: 'Acme' }])).items[0].json
				.taskgroup_id as string,
		);
		for (const stored of group.values()) expect(stored.previous_interaction_id).toBeNull();
		expect(run.items[0].json.output).toEqual(expect.any(String));
	});

	it('fails only the item whose ID is not an ID, naming the item and the option', async () => {
		const run = await bench.run(
			followUp(),
			[
				{ company: 'Acme', interaction_id: 'not an id' },
				{ company: 'Beta', interaction_id: { nested: true } },
				{ company: 'Gamma' },
			],
			{ onError: 'continueErrorOutput' },
		);
		expect(run.errorItems.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(run.errorItems[0].json.error).toContain(
			"Item 0: 'Previous Interaction ID' is not an interaction ID",
		);
		expect(run.errorItems[1].json.error).toContain("Item 1: 'Previous Interaction ID' is a object");
		expect(run.items).toHaveLength(1);
		expect(run.items[0].pairedItem).toEqual({ item: 2 });
	});

	it("reports Parallel's refusal of an unknown interaction for the batch, creating nothing", async () => {
		const before = bench.emulator.counters().runsCreatedTotal;
		const run = await bench.run(followUp(), [
			{ company: 'Acme', interaction_id: 'trun_00000000000000000000000000000000' },
		]);
		expect(run.error?.message).toBe(
			'Parallel rejected the request fields: Request validation error',
		);
		expect(run.error?.description).toContain(
			"Interaction 'trun_00000000000000000000000000000000' not found",
		);
		expect(bench.emulator.counters().runsCreatedTotal).toBe(before);
	});

	it('exposes interaction_id on Get Results and Get Result, and on Add Runs follow-ups', async () => {
		const first = await bench.run(enrich({ options: { includeRunInfo: true } }), companies(1));
		const taskGroupId = first.items[0].json.taskgroup_id as string;
		const results = await bench.run(
			{ resource: 'taskGroup', operation: 'getResults', taskGroupId },
			[{}],
		);
		expect(results.items[0].json.interaction_id).toBe(first.items[0].json.interaction_id);
		const result = await bench.run(
			{ resource: 'taskRun', operation: 'getResult', runId: first.items[0].json.run_id as string },
			[{}],
		);
		expect(result.items[0].json.interaction_id).toBe(first.items[0].json.interaction_id);
		const added = await bench.run(
			{
				resource: 'taskGroup',
				operation: 'addRuns',
				taskGroupId,
				processor: 'lite',
				inputMode: 'text',
				inputText: 'Follow up',
				options: { previousInteractionId: first.items[0].json.interaction_id as string },
			},
			[{}],
		);
		const stored = runsOf(taskGroupId).get(added.items[0].json.run_id as string)!;
		expect(stored.previous_interaction_id).toBe(first.items[0].json.interaction_id);
		// Nothing in a follow-up needs a beta header.
		expect(bench.emulator.counters().betaHeaders['POST /tasks/groups/:id/runs']).toEqual({
			'': expect.any(Number),
		});
	});
});

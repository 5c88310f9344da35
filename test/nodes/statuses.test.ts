import type { IDataObject } from 'n8n-workflow';

import { addRuns, newGroup, waitForInactive } from '../emulator/helpers';
import { parallelBench } from '../harness/parallel';
import { tunePolicyForSuite } from '../harness/policy';
import { useForSuite } from '../harness/useForSuite';
import { STATUS_MEANINGS } from '../../nodes/shared/statuses';

const bench = useForSuite(() => parallelBench({ maxHoldMs: 100 }));
tunePolicyForSuite({ wait: { marginMs: 500 } });

const inputs = [
	{ input: 'done', processor: 'lite' },
	{ input: 'needs __action_required__', processor: 'lite' },
	{ input: 'please __cancel__', processor: 'lite' },
];

/** A finished group with one completed, one action_required and one cancelled run. */
async function mixedGroup() {
	const group = await newGroup(bench.emulator);
	const { body } = await addRuns(bench.emulator, group, { inputs });
	await waitForInactive(bench.emulator, group);
	return { group, runIds: body.run_ids as string[] };
}

const resultPolls = () => bench.emulator.counters().requests['GET /tasks/runs/:id/result'] ?? 0;

describe('Every run status', () => {
	it('the emulator takes a __cancel__ run through cancelling to cancelled', async () => {
		const { group, runIds } = await mixedGroup();
		const statuses = bench.emulator.group(group)!.runs.map((run) => run.status);
		expect(statuses).toEqual(['completed', 'action_required', 'cancelled']);
		expect(runIds).toHaveLength(3);
	});

	it('Task Run Get says what each status means', async () => {
		const { runIds } = await mixedGroup();
		const run = await bench.run({ resource: 'taskRun', operation: 'get', runId: runIds[1] }, [{}]);
		expect(run.items[0].json).toMatchObject({
			status: 'action_required',
			status_meaning: STATUS_MEANINGS.action_required,
		});
	});

	it('Get Result stops at once on action_required and on cancelled, saying why', async () => {
		const { runIds } = await mixedGroup();
		const polls = resultPolls();
		const needsAction = await bench.run(
			{ resource: 'taskRun', operation: 'getResult', runId: runIds[1], maxWaitSeconds: 600 },
			[{}],
		);
		expect(needsAction.error?.message).toBe(
			`Run ${runIds[1]} is waiting for an action (action_required)`,
		);
		expect(needsAction.error?.description).toContain(STATUS_MEANINGS.action_required);
		// One poll, not a wait of 600 s with polls.
		expect(resultPolls() - polls).toBe(1);
		const cancelled = await bench.run(
			{ resource: 'taskRun', operation: 'getResult', runId: runIds[2] },
			[{}],
		);
		expect(cancelled.error?.message).toBe(
			`Run ${runIds[2]} cancelled: cancelled: ${STATUS_MEANINGS.cancelled}`,
		);
	});

	it('Get Results returns each status with its meaning; the status filter describes each', async () => {
		const { group } = await mixedGroup();
		const all = await bench.run(
			{ resource: 'taskGroup', operation: 'getResults', taskGroupId: group },
			[{}],
			{ onError: 'continueErrorOutput' },
		);
		expect(all.items.map((item) => item.json.status)).toEqual(['completed', 'action_required']);
		expect(all.items[1].json.status_meaning).toBe(STATUS_MEANINGS.action_required);
		expect(all.errorItems).toHaveLength(1);
		expect(all.errorItems[0].json.error).toContain(STATUS_MEANINGS.cancelled);
		const filtered = await bench.run(
			{
				resource: 'taskGroup',
				operation: 'getResults',
				taskGroupId: group,
				options: { status: 'action_required' },
			},
			[{}],
		);
		expect(filtered.items.map((item) => item.json.status)).toEqual(['action_required']);
		const { ParallelTaskGroup } = await import(
			'../../nodes/ParallelTaskGroup/ParallelTaskGroup.node'
		);
		const options = new ParallelTaskGroup().description.properties.find(
			(p) => p.name === 'options' && p.displayOptions?.show?.operation?.includes('getResults'),
		)!.options as unknown as IDataObject[];
		const status = options.find((option) => option.name === 'status')!;
		for (const value of status.options as IDataObject[]) {
			if (value.value) expect(value.description).toBe(STATUS_MEANINGS[value.value as 'queued']);
		}
	});

	it('Enrich sends a run that needs action or was cancelled to the error output, saying why', async () => {
		const run = await bench.run(
			{
				resource: 'taskGroup',
				operation: 'enrich',
				processor: 'lite',
				inputMode: 'text',
				inputText: '={{ $json.q }}',
				outputSchemaType: 'text',
				maxWaitSeconds: 30,
			},
			inputs.map((input) => ({ q: input.input })),
			{ onError: 'continueErrorOutput' },
		);
		expect(run.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
		expect(run.errorItems.map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
		// The error output keeps to {error, message} (what n8n 1.x routes there).
		expect(run.errorItems[0].json.error).toContain('is waiting for an action (action_required)');
		expect(run.errorItems[0].json.message).toContain(STATUS_MEANINGS.action_required);
		expect(run.errorItems[1].json.error).toContain(`cancelled: ${STATUS_MEANINGS.cancelled}`);
	});

	it('Wait for Completion and Get list runs that need action or were cancelled', async () => {
		const { group } = await mixedGroup();
		const expected = [
			`1 run action_required: ${STATUS_MEANINGS.action_required}`,
			`1 run cancelled: ${STATUS_MEANINGS.cancelled}`,
		];
		const waited = await bench.run(
			{ resource: 'taskGroup', operation: 'waitForCompletion', taskGroupId: group },
			[{}],
		);
		expect(waited.items[0].json).toMatchObject({ completed: true, status_notes: expected });
		const got = await bench.run({ resource: 'taskGroup', operation: 'get', taskGroupId: group }, [
			{},
		]);
		expect(got.items[0].json.status_notes).toEqual(expected);
	});
});

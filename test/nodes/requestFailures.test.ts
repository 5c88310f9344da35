import type { INodeParameters } from 'n8n-workflow';

import { newGroup } from '../emulator/helpers';
import { companies, parallelBench } from '../harness/parallel';
import { useForSuite } from '../harness/useForSuite';

const bench = useForSuite(() => parallelBench());
let group: string;
beforeAll(async () => (group = await newGroup(bench.emulator)));

const WRONG_KEY = ['wrong', 'key', 'for', 'tests'].join('-');

const OPERATIONS: Array<[string, () => INodeParameters]> = [
	[
		'Enrich',
		() => ({
			resource: 'taskGroup',
			operation: 'enrich',
			processor: 'lite',
			outputSchemaType: 'text',
		}),
	],
	[
		'Add Runs',
		() => ({
			resource: 'taskGroup',
			operation: 'addRuns',
			taskGroupId: group,
			processor: 'lite',
			outputSchemaType: 'text',
		}),
	],
	['Get Results', () => ({ resource: 'taskGroup', operation: 'getResults', taskGroupId: group })],
	[
		'Wait for Completion',
		() => ({ resource: 'taskGroup', operation: 'waitForCompletion', taskGroupId: group }),
	],
	['Get', () => ({ resource: 'taskGroup', operation: 'get', taskGroupId: group })],
	['Create', () => ({ resource: 'taskGroup', operation: 'create' })],
	['Task Run Get', () => ({ resource: 'taskRun', operation: 'get', runId: 'trun_1' })],
];

describe('a wrong API key', () => {
	it.each(OPERATIONS)(
		'%s: stops the node with a message about the key',
		async (_name, parameters) => {
			const run = await bench.run(parameters(), companies(2), { apiKey: WRONG_KEY });
			expect(run.error?.message).toBe(
				'Parallel did not accept the API key: Unauthorized: invalid or missing credentials',
			);
			expect(JSON.stringify(run.run.data.resultData)).not.toContain(WRONG_KEY);
		},
	);

	it.each(OPERATIONS)(
		'%s: with the error output, sends every item there, none to the success output',
		async (_name, parameters) => {
			const run = await bench.run(parameters(), companies(2), {
				apiKey: WRONG_KEY,
				onError: 'continueErrorOutput',
			});
			expect(run.error).toBeUndefined();
			expect(run.items).toEqual([]);
			expect(run.errorItems.map((item) => item.json.company)).toEqual(['Company 1', 'Company 2']);
			expect(run.errorItems.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(run.errorItems[0].json.error).toMatch(/did not accept the API key/);
		},
	);
});

import type { IDataObject } from 'n8n-workflow';

import { api, newGroup } from '../emulator/helpers';
import { companies, parallelBench } from '../harness/parallel';
import { useForSuite } from '../harness/useForSuite';

const bench = useForSuite(() => parallelBench());
afterEach(() => bench.emulator.clearFaults());

const POSTS = 'POST /tasks/groups/:id/runs';
const posts = () => bench.emulator.counters().requests[POSTS] ?? 0;

const addRuns = (taskGroupId: string, extra: IDataObject = {}) => ({
	resource: 'taskGroup',
	operation: 'addRuns',
	taskGroupId,
	processor: 'lite',
	outputSchemaType: 'text',
	...extra,
});

async function runInput(runId: string) {
	return (await api(bench.emulator, 'GET', `/v1/tasks/runs/${runId}/input`)).body as IDataObject;
}

describe('Add Runs', () => {
	it('turns each item into one run and returns run IDs in input order, paired', async () => {
		const group = await newGroup(bench.emulator);
		const run = await bench.run(addRuns(group), companies(7));
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(7);
		run.items.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json).toMatchObject({ taskgroup_id: group, status: 'queued' });
			expect(item.json.run_id).toMatch(/^trun_/);
		});
		const runs = bench.emulator.group(group)!.runs;
		const byId = new Map(runs.map((r) => [r.run_id, r.input as IDataObject]));
		run.items.forEach((item, index) =>
			expect(byId.get(item.json.run_id as string)).toEqual(companies(7)[index]),
		);
	});

	it.each([
		[2500, 1000, 3],
		[2500, 400, 7],
		[1000, 1000, 1],
		[1, 1000, 1],
	])('sends %i items in POSTs of at most %i: %i requests', async (count, batchSize, expected) => {
		const group = await newGroup(bench.emulator);
		const before = posts();
		const run = await bench.run(addRuns(group, { options: { batchSize } }), companies(count));
		expect(run.error).toBeUndefined();
		expect(posts() - before).toBe(expected);
		expect(bench.emulator.counters().runsCreated[group]).toBe(count);
		expect(new Set(run.items.map((item) => item.json.run_id)).size).toBe(count);
	});

	it('sends the whole item, selected fields, or a text prompt', async () => {
		const group = await newGroup(bench.emulator);
		const items = [
			{ company: 'Acme', website: 'acme.example', nested: { city: 'Oslo' }, extra: 1 },
		];
		const whole = await bench.run(addRuns(group, { inputMode: 'item' }), items);
		const fields = await bench.run(
			addRuns(group, { inputMode: 'fields', inputFields: 'company, nested.city' }),
			items,
		);
		const text = await bench.run(
			addRuns(group, {
				inputMode: 'text',
				inputText: '=Who runs {{ $json.company }} in {{ $json.nested.city }}?',
			}),
			items,
		);
		expect((await runInput(whole.items[0].json.run_id as string)).input).toEqual(items[0]);
		expect((await runInput(fields.items[0].json.run_id as string)).input).toEqual({
			company: 'Acme',
			'nested.city': 'Oslo',
		});
		expect((await runInput(text.items[0].json.run_id as string)).input).toBe(
			'Who runs Acme in Oslo?',
		);
	});

	it.each([
		['auto', {}, { type: 'auto' }],
		['text', { outputDescription: 'One sentence' }, { type: 'text', description: 'One sentence' }],
		[
			'json',
			{
				outputJsonSchema: JSON.stringify({
					type: 'object',
					properties: { ceo: { type: 'string' } },
					required: ['ceo'],
				}),
			},
			{
				type: 'json',
				json_schema: { type: 'object', properties: { ceo: { type: 'string' } }, required: ['ceo'] },
			},
		],
		[
			'example',
			{ outputExample: '{"ceo": "Jane Doe", "employees": 1200, "public": true, "tags": ["saas"]}' },
			{
				type: 'json',
				json_schema: {
					type: 'object',
					properties: {
						ceo: { type: 'string', description: 'For example "Jane Doe"' },
						employees: { type: 'integer', description: 'For example 1200' },
						public: { type: 'boolean', description: 'For example true' },
						tags: { type: 'array', items: { type: 'string', description: 'For example "saas"' } },
					},
					required: ['ceo', 'employees', 'public', 'tags'],
					additionalProperties: false,
				},
			},
		],
	])('sends the %s output schema as the task spec', async (type, parameters, expected) => {
		const group = await newGroup(bench.emulator);
		const run = await bench.run(
			addRuns(group, { outputSchemaType: type, ...parameters }),
			companies(1),
		);
		expect(run.error).toBeUndefined();
		const input = await runInput(run.items[0].json.run_id as string);
		expect((input.task_spec as IDataObject).output_schema).toEqual(expected);
	});

	it('sends source policy, location, metadata and an input schema from Options', async () => {
		const group = await newGroup(bench.emulator);
		const run = await bench.run(
			addRuns(group, {
				options: {
					includeDomains: 'sec.gov, example.com',
					excludeDomains: 'reddit.com',
					afterDate: '2025-01-31T00:00:00.000Z',
					location: 'US',
					metadata: { values: [{ key: 'row', value: '={{ $json.row }}' }] },
					inputSchema: '{"type":"object","properties":{"company":{"type":"string"}}}',
				},
			}),
			companies(2),
		);
		expect(run.error).toBeUndefined();
		const input = await runInput(run.items[1].json.run_id as string);
		expect(input.source_policy).toEqual({
			include_domains: ['sec.gov', 'example.com'],
			exclude_domains: ['reddit.com'],
			after_date: '2025-01-31',
		});
		expect(input.advanced_settings).toEqual({ location: 'us' });
		expect(input.metadata).toMatchObject({ row: 2 });
		expect((input.task_spec as IDataObject).input_schema).toEqual({
			type: 'json',
			json_schema: { type: 'object', properties: { company: { type: 'string' } } },
		});
	});

	it('lets each item choose its processor through an expression', async () => {
		const group = await newGroup(bench.emulator);
		const run = await bench.run(
			addRuns(group, { processor: '={{ $json.row % 2 ? "lite" : "base-fast" }}' }),
			companies(2),
		);
		expect((await runInput(run.items[0].json.run_id as string)).processor).toBe('lite');
		expect((await runInput(run.items[1].json.run_id as string)).processor).toBe('base-fast');
	});

	it('keeps the input fields in the output when asked', async () => {
		const group = await newGroup(bench.emulator);
		const run = await bench.run(
			addRuns(group, { options: { includeInputFields: true } }),
			companies(1),
		);
		expect(run.items[0].json).toMatchObject({
			company: 'Company 1',
			run_id: expect.stringMatching(/^trun_/),
		});
	});
});

describe('Add Runs never pays twice', () => {
	it('adds 2,500 items exactly once through lost answers, 5xx and 429 bursts', async () => {
		const group = await newGroup(bench.emulator);
		const emulator = bench.emulator;
		emulator.addFault({ route: 'addRuns', times: 1, action: { type: 'dropResponse' } });
		emulator.addFault({
			route: 'addRuns',
			times: 3,
			action: { type: 'status', status: 429, retryAfterMs: 20 },
		});
		emulator.addFault({
			route: 'addRuns',
			times: 1,
			action: { type: 'statusAfterApply', status: 503 },
		});
		emulator.addFault({ route: 'addRuns', times: 1, action: { type: 'status', status: 502 } });
		emulator.addFault({
			route: 'runs',
			times: 1,
			action: { type: 'dropStream', afterEvents: 100 },
		});
		const run = await bench.run(
			addRuns(group, { options: { settleWindowSeconds: 1 } }),
			companies(2500),
		);
		expect(run.error).toBeUndefined();
		expect(emulator.counters().runsCreated[group]).toBe(2500);
		expect(emulator.counters().duplicateInputs[group] ?? 0).toBe(0);
		const ids = run.items.map((item) => item.json.run_id);
		expect(ids.every((id) => typeof id === 'string' && id.startsWith('trun_'))).toBe(true);
		expect(new Set(ids).size).toBe(2500);
		const inputs = new Map(
			emulator.group(group)!.runs.map((r) => [r.run_id, r.input as IDataObject]),
		);
		run.items.forEach((item, index) =>
			expect(inputs.get(item.json.run_id as string)?.row).toBe(index + 1),
		);
	});

	it("does not add a run twice when n8n's Retry On Fail runs the node again", async () => {
		const group = await newGroup(bench.emulator);
		const emulator = bench.emulator;
		// First try: the runs are created but the answer is lost, and the group cannot be read
		// to reconcile, so the node fails. The retry must find the runs instead of adding them.
		emulator.addFault({ route: 'addRuns', times: 1, action: { type: 'dropResponse' } });
		emulator.addFault({ route: 'runs', times: 5, action: { type: 'status', status: 500 } });
		const run = await bench.run(addRuns(group), companies(30), {
			retryOnFail: true,
			maxTries: 3,
			waitBetweenTries: 0,
		});
		expect(run.error).toBeUndefined();
		expect(emulator.counters().runsCreated[group]).toBe(30);
		expect(emulator.counters().duplicateInputs[group] ?? 0).toBe(0);
		expect(new Set(run.items.map((item) => item.json.run_id)).size).toBe(30);
	});

	it('skips items whose idempotency key already has a run and returns that run', async () => {
		const group = await newGroup(bench.emulator);
		const parameters = addRuns(group, { options: { idempotencyKey: '={{ $json.row }}' } });
		const first = await bench.run(parameters, companies(5));
		const before = posts();
		const second = await bench.run(parameters, companies(8));
		expect(bench.emulator.counters().runsCreated[group]).toBe(8);
		expect(posts() - before).toBe(1);
		second.items.slice(0, 5).forEach((item, index) => {
			expect(item.json.run_id).toBe(first.items[index].json.run_id);
			expect(item.json.reused).toBe(true);
		});
		expect(second.items.slice(5).every((item) => item.json.reused === undefined)).toBe(true);
	});

	it('sends items that share an idempotency key once', async () => {
		const group = await newGroup(bench.emulator);
		const items = [{ id: 'a' }, { id: 'b' }, { id: 'a' }];
		const run = await bench.run(
			addRuns(group, { options: { idempotencyKey: '={{ $json.id }}' } }),
			items,
		);
		expect(bench.emulator.counters().runsCreated[group]).toBe(2);
		expect(run.items[2].json.run_id).toBe(run.items[0].json.run_id);
	});
});

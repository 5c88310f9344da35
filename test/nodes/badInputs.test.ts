import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { newGroup } from '../emulator/helpers';
import { parallelBench } from '../harness/parallel';
import { useForSuite } from '../harness/useForSuite';

const bench = useForSuite(() => parallelBench());
let group: string;
beforeAll(async () => (group = await newGroup(bench.emulator)));

const GOOD_SCHEMA = '{"type":"object","properties":{"ceo":{"type":"string"}}}';
const deep = (levels: number): IDataObject =>
	levels === 0 ? { type: 'string' } : { type: 'object', properties: { next: deep(levels - 1) } };
const manyProperties = {
	type: 'object',
	properties: Object.fromEntries(
		Array.from({ length: 101 }, (_, i) => [`f${i}`, { type: 'string' }]),
	),
};

/**
 * A parameter that reads an item field: `bad` on the second of three items, `good` on the others
 * (values travel in the items because n8n expressions cannot hold JSON with braces inline).
 */
const fieldValues = new Map<string, [bad: unknown, good: unknown]>();
const onlyForBad = (bad: unknown, good: unknown) => {
	const field = `v${fieldValues.size}`;
	fieldValues.set(field, [bad, good]);
	return `={{ $json.${field} }}`;
};
const fieldsOf = (entry: BadInput, which: 0 | 1): IDataObject =>
	Object.fromEntries(
		[...JSON.stringify(entry.parameters).matchAll(/\$json\.(v\d+)/g)].map(([, field]) => [
			field,
			fieldValues.get(field)![which] as IDataObject[string],
		]),
	);

interface BadInput {
	name: string;
	parameters: INodeParameters;
	/** The bad item, when the item itself (not a parameter) is what is wrong. */
	badItem?: IDataObject;
	message: RegExp;
}

const CATALOGUE: BadInput[] = [
	{
		name: 'a field listed in Input Fields is missing',
		parameters: { inputMode: 'fields', inputFields: 'company, website' },
		badItem: { bad: true, company: 'Acme' },
		message: /no field 'website' \(from 'Input Fields'\)/,
	},
	{
		name: 'Input Fields lists nothing',
		parameters: { inputMode: 'fields', inputFields: onlyForBad(' , ', 'company') },
		message: /'Input Fields' lists no field/,
	},
	{
		name: 'every selected field is empty',
		parameters: { inputMode: 'fields', inputFields: 'company' },
		badItem: { bad: true, company: '  ' },
		message: /every field in 'Input Fields' is empty/,
	},
	{
		name: 'the whole item is empty',
		parameters: { inputMode: 'item' },
		badItem: { bad: null },
		message: /the item has no data to research/,
	},
	{
		name: 'the text prompt is empty',
		parameters: { inputMode: 'text', inputText: onlyForBad('', 'Who is the CEO of Acme?') },
		message: /'Input Text' is empty/,
	},
	{
		name: 'the processor does not exist',
		parameters: { processor: onlyForBad('turbo', 'lite') },
		message: /'Processor' is 'turbo'.*/,
	},
	{
		name: 'the output schema type is unknown',
		parameters: { outputSchemaType: onlyForBad('yaml', 'text') },
		message: /'Output Schema Type' has an unknown value 'yaml'/,
	},
	{
		name: 'the JSON schema is not JSON',
		parameters: {
			outputSchemaType: 'json',
			outputJsonSchema: onlyForBad('{"type": "object",', GOOD_SCHEMA),
		},
		message: /'Output JSON Schema' is not valid JSON/,
	},
	{
		name: 'the JSON schema is not an object schema',
		parameters: {
			outputSchemaType: 'json',
			outputJsonSchema: onlyForBad('{"type":"string"}', GOOD_SCHEMA),
		},
		message: /'Output JSON Schema' must describe an object with "properties"/,
	},
	{
		name: 'the JSON schema has no properties',
		parameters: {
			outputSchemaType: 'json',
			outputJsonSchema: onlyForBad('{"type":"object","properties":{}}', GOOD_SCHEMA),
		},
		message: /'Output JSON Schema' has no properties/,
	},
	{
		name: 'the JSON schema uses an unsupported keyword',
		parameters: {
			outputSchemaType: 'json',
			outputJsonSchema: onlyForBad(
				'{"type":"object","properties":{"email":{"type":"string","pattern":".+@.+"}}}',
				GOOD_SCHEMA,
			),
		},
		message: /uses 'pattern' at 'email'/,
	},
	{
		name: 'the JSON schema nests too deep',
		parameters: {
			outputSchemaType: 'json',
			outputJsonSchema: onlyForBad(JSON.stringify(deep(6)), GOOD_SCHEMA),
		},
		message: /nests deeper than 5 levels/,
	},
	{
		name: 'the JSON schema has too many properties',
		parameters: {
			outputSchemaType: 'json',
			outputJsonSchema: onlyForBad(JSON.stringify(manyProperties), GOOD_SCHEMA),
		},
		message: /101 properties, more than Parallel's 100/,
	},
	{
		name: 'the output example is not JSON',
		parameters: {
			outputSchemaType: 'example',
			outputExample: onlyForBad('{ceo: Jane}', '{"ceo":"Jane"}'),
		},
		message: /'Output Example' is not valid JSON/,
	},
	{
		name: 'the output example is not an object',
		parameters: {
			outputSchemaType: 'example',
			outputExample: onlyForBad('["Jane"]', '{"ceo":"Jane"}'),
		},
		message: /'Output Example' must be a JSON object with at least one field/,
	},
	{
		name: 'input and task spec exceed 25,000 characters',
		parameters: { inputMode: 'item' },
		badItem: { bad: true, notes: 'x'.repeat(25_000) },
		message: /over Parallel's 25000/,
	},
	{
		name: 'the task spec alone exceeds 15,000 characters',
		parameters: {
			outputSchemaType: 'text',
			outputDescription: onlyForBad('d'.repeat(15_000), 'Short'),
		},
		message: /task spec .* over Parallel's 15000/,
	},
	{
		name: 'a metadata key is longer than 16 characters',
		parameters: {
			options: {
				metadata: { values: [{ key: onlyForBad('a_very_long_metadata_key', 'row'), value: '1' }] },
			},
		},
		message: /metadata key 'a_very_long_metadata_key' is longer than 16/,
	},
	{
		name: "a metadata key uses the node's reserved prefix",
		parameters: {
			options: { metadata: { values: [{ key: onlyForBad('n8n_key', 'row'), value: '1' }] } },
		},
		message: /metadata key 'n8n_key' starts with 'n8n_'/,
	},
	{
		name: 'a metadata value is longer than 512 characters',
		parameters: {
			options: {
				metadata: { values: [{ key: 'note', value: onlyForBad('v'.repeat(600), 'ok') }] },
			},
		},
		message: /metadata value of 'note' is longer than 512/,
	},
	{
		name: 'the idempotency key is empty',
		parameters: { options: { idempotencyKey: '={{ $json.bad ? "" : "empty-" + $json.row }}' } },
		message: /'Idempotency Key' is empty for this item/,
	},
	{
		name: 'the idempotency key is too long',
		parameters: {
			options: { idempotencyKey: '={{ $json.bad ? "k".repeat(600) : "long-" + $json.row }}' },
		},
		message: /'Idempotency Key' has 600 characters/,
	},
	{
		name: 'After Date is not a date',
		parameters: { options: { afterDate: onlyForBad('last tuesday', '2025-01-01') } },
		message: /'After Date' is not a date \('last tuesday'\)/,
	},
	{
		name: 'Location is not a country code',
		parameters: { options: { location: onlyForBad('Norway', 'no') } },
		message: /'Location' is 'norway', not a two-letter country code/,
	},
	{
		name: 'more than 200 domains',
		parameters: {
			options: {
				includeDomains: onlyForBad(
					Array.from({ length: 201 }, (_, i) => `d${i}.example`).join(','),
					'example.com',
				),
			},
		},
		message: /list 201 domains/,
	},
	{
		name: 'the input schema is not a JSON object',
		parameters: { options: { inputSchema: onlyForBad('[1, 2]', '{"type":"object"}') } },
		message: /'Input JSON Schema' must be a JSON object/,
	},
];

const items = (entry: BadInput): IDataObject[] => [
	{ company: 'Good One', website: 'one.example', row: 1, ...fieldsOf(entry, 1) },
	entry.badItem ?? {
		bad: true,
		company: 'Flagged',
		website: 'x.example',
		row: 2,
		...fieldsOf(entry, 0),
	},
	{ company: 'Good Two', website: 'two.example', row: 3, ...fieldsOf(entry, 1) },
];

const parametersOf = (entry: BadInput): INodeParameters => ({
	resource: 'taskGroup',
	operation: 'addRuns',
	taskGroupId: group,
	processor: 'lite',
	outputSchemaType: 'text',
	...entry.parameters,
});

describe(`a catalogue of ${CATALOGUE.length} bad inputs`, () => {
	it.each(CATALOGUE.map((entry) => [entry.name, entry]))(
		'%s: the item fails alone, naming item and field',
		async (_name, entry) => {
			const before = bench.emulator.counters().runsCreated[group] ?? 0;
			const run = await bench.run(parametersOf(entry as BadInput), items(entry as BadInput), {
				continueOnFail: true,
			});
			expect(run.error).toBeUndefined();
			expect(run.items).toHaveLength(3);
			const bad = run.items[1];
			expect(bad.pairedItem).toEqual({ item: 1 });
			expect(bad.json.error).toMatch(/^Item 1: /);
			expect(bad.json.error).toMatch((entry as BadInput).message);
			expect(bad.json.message).toEqual(expect.any(String));
			expect(Object.keys(bad.json).sort()).toEqual(['error', 'message']);
			for (const index of [0, 2]) expect(run.items[index].json.run_id).toMatch(/^trun_/);
			expect(bench.emulator.counters().runsCreated[group]).toBe(before + 2);
		},
	);

	it.each(CATALOGUE.map((entry) => [entry.name, entry]))(
		'%s: without Continue On Fail the node stops before sending anything',
		async (_name, entry) => {
			const before = bench.emulator.counters().runsCreated[group] ?? 0;
			const run = await bench.run(parametersOf(entry as BadInput), items(entry as BadInput));
			expect(run.error?.message).toMatch((entry as BadInput).message);
			expect(run.error?.message).toMatch(/^Item 1: /);
			expect(bench.emulator.counters().runsCreated[group] ?? 0).toBe(before);
		},
	);

	it('routes the bad item to the error output, merged with its input item', async () => {
		const run = await bench.run(parametersOf(CATALOGUE[5]), items(CATALOGUE[5]), {
			onError: 'continueErrorOutput',
		});
		expect(run.items.map((item) => item.json.row)).toEqual([undefined, undefined]);
		expect(run.items.every((item) => typeof item.json.run_id === 'string')).toBe(true);
		expect(run.errorItems).toHaveLength(1);
		expect(run.errorItems[0].json).toMatchObject({
			company: 'Flagged',
			row: 2,
			error: expect.stringMatching(/Processor/),
		});
	});

	it('rejects an empty Task Group ID before reading any item', async () => {
		const run = await bench.run(
			{ ...parametersOf(CATALOGUE[0]), taskGroupId: '  ' },
			items(CATALOGUE[0]),
		);
		expect(run.error?.message).toBe("Item 0: 'Task Group ID' is empty");
	});
});

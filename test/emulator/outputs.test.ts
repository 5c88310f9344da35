import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

import { startEmulator } from './index';
import { addRuns, api, newGroup, waitForInactive } from './helpers';
import type { JsonBody } from './helpers';
import { useForSuite } from '../harness/useForSuite';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

const emu = useForSuite(() => startEmulator({ speed: 0.001 }));

/** Runs each input in one group and returns the /result output of each, in order. */
async function outputsFor(request: Record<string, unknown>): Promise<JsonBody[]> {
	const groupId = await newGroup(emu);
	const add = await addRuns(emu, groupId, request);
	expect(add.status).toBe(200);
	await waitForInactive(emu, groupId);
	const outputs = [];
	for (const runId of add.body.run_ids as string[]) {
		const res = await api(emu, 'GET', `/v1/tasks/runs/${runId}/result?timeout=5`);
		expect(res.status).toBe(200);
		outputs.push(res.body.output);
	}
	return outputs;
}

const companySchema = {
	type: 'object',
	properties: {
		ceo: { type: 'string', description: 'Name of the CEO' },
		founded: { type: 'integer' },
		revenue_usd: { type: 'number' },
		public: { type: 'boolean' },
		nothing: { type: 'null' },
		stage: { type: 'string', enum: ['seed', 'growth', 'public'] },
		website: { anyOf: [{ type: 'string' }, { type: 'null' }] },
		ticker: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
		nullable_name: { type: ['string', 'null'] },
		address: {
			type: 'object',
			properties: { city: { type: 'string' }, country: { type: 'string' } },
			required: ['city', 'country'],
			additionalProperties: false,
		},
		executives: {
			type: 'array',
			items: {
				type: 'object',
				properties: { name: { type: 'string' }, title: { type: 'string' } },
				required: ['name'],
				additionalProperties: false,
			},
		},
		tags: { type: 'array', items: { type: 'string' } },
	},
	required: ['ceo', 'founded', 'address', 'executives'],
	additionalProperties: false,
};

describe('outputs', () => {
	it('json content satisfies the requested json_schema and names its input', async () => {
		const [acme, globex] = await outputsFor({
			default_task_spec: { output_schema: { type: 'json', json_schema: companySchema } },
			inputs: [
				{ input: { company_name: 'Acme Corp' }, processor: 'lite' },
				{ input: { company_name: 'Globex' }, processor: 'lite' },
			],
		});
		const validate = ajv.compile(companySchema);
		for (const output of [acme, globex]) {
			expect(output.type).toBe('json');
			expect(validate(output.content)).toBe(true);
			expect(output.mcp_tool_calls).toBeNull();
			expect(output.beta_fields).toBeNull();
			expect(output.basis.map((b: JsonBody) => b.field)).toEqual(
				Object.keys(companySchema.properties),
			);
			for (const basis of output.basis) {
				expect(['high', 'medium']).toContain(basis.confidence);
				expect(basis.reasoning).toEqual(expect.any(String));
				expect(basis.citations[0].url).toMatch(/^https:\/\//);
				expect(basis.citations[0].excerpts.length).toBeGreaterThan(0);
			}
		}
		expect(acme.content.ceo).toContain('Acme Corp');
		expect(globex.content.ceo).toContain('Globex');
		expect(acme.content.address.city).toContain('Acme Corp');
	});

	it('accepts json_schema without a type, and a run spec overrides the default', async () => {
		const [own, inherited] = await outputsFor({
			default_task_spec: { output_schema: 'A one-line answer' },
			inputs: [
				{
					input: 'Acme',
					processor: 'lite',
					task_spec: {
						output_schema: {
							json_schema: {
								type: 'object',
								properties: { x: { type: 'integer' } },
								required: ['x'],
							},
						},
					},
				},
				{ input: 'Initech', processor: 'lite' },
			],
		});
		expect(own.type).toBe('json');
		expect(Number.isInteger(own.content.x)).toBe(true);
		expect(inherited.type).toBe('text');
		expect(inherited.content).toContain('Initech');
		expect(inherited.content).toContain('A one-line answer');
	});

	it('text outputs mention the input and have one basis for "output"', async () => {
		const [bare, typed] = await outputsFor({
			inputs: [
				{
					input: 'GDP of France 2023',
					processor: 'lite',
					task_spec: { output_schema: 'GDP in USD' },
				},
				{
					input: { country: 'Peru' },
					processor: 'lite',
					task_spec: { output_schema: { type: 'text', description: 'Capital city' } },
				},
			],
		});
		for (const output of [bare, typed]) {
			expect(output.type).toBe('text');
			expect(output.basis).toHaveLength(1);
			expect(output.basis[0].field).toBe('output');
		}
		expect(bare.content).toContain('GDP of France 2023');
		expect(typed.content).toContain('Peru');
	});

	it('auto (explicit or absent) gives json content and the schema it used', async () => {
		const outputs = await outputsFor({
			inputs: [
				{ input: 'Acme', processor: 'lite', task_spec: { output_schema: { type: 'auto' } } },
				{ input: { topic: 'Solar' }, processor: 'lite' },
			],
		});
		for (const output of outputs) {
			expect(output.type).toBe('json');
			expect(output.output_schema).toEqual(expect.objectContaining({ type: 'object' }));
			expect(ajv.compile(output.output_schema)(output.content)).toBe(true);
		}
		expect(JSON.stringify(outputs[1].content)).toContain('Solar');
	});

	it('outputPadBytes adds about that many bytes to each output', async () => {
		const spec = { output_schema: 'Answer' };
		const [plain] = await outputsFor({
			inputs: [{ input: 'pad me', processor: 'lite', task_spec: spec }],
		});
		emu.configure({ outputPadBytes: 20_000 });
		const [padded] = await outputsFor({
			inputs: [{ input: 'pad me', processor: 'lite', task_spec: spec }],
		});
		emu.configure({ outputPadBytes: 0 });
		const grown = JSON.stringify(padded).length - JSON.stringify(plain).length;
		expect(grown).toBeGreaterThanOrEqual(20_000);
		expect(grown).toBeLessThan(20_200);
	});
});

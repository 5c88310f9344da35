import {
	buildOutputSchema,
	schemaFromExample,
} from '../../nodes/ParallelTaskGroup/helpers/outputSchema';
import type { TaskRun, TaskRunOutput } from '../../nodes/shared/models';
import { contentFields, formatRun, outputContent } from '../../nodes/shared/results';

const run: TaskRun = {
	run_id: 'trun_1',
	interaction_id: 'trun_1',
	status: 'completed',
	is_active: false,
	processor: 'core',
	created_at: null,
	modified_at: null,
	metadata: { row: 7, n8n_key: 'exec:node:0:3' },
};

describe('schema from an example', () => {
	it('derives nested objects and arrays, every field required', () => {
		expect(
			schemaFromExample({
				ceo: { name: 'Jane', since: 2019 },
				products: [{ name: 'A', price: 9.5 }],
			}),
		).toEqual({
			type: 'object',
			properties: {
				ceo: {
					type: 'object',
					properties: {
						name: { type: 'string', description: 'For example "Jane"' },
						since: { type: 'integer', description: 'For example 2019' },
					},
					required: ['name', 'since'],
					additionalProperties: false,
				},
				products: {
					type: 'array',
					items: {
						type: 'object',
						properties: {
							name: { type: 'string', description: 'For example "A"' },
							price: { type: 'number', description: 'For example 9.5' },
						},
						required: ['name', 'price'],
						additionalProperties: false,
					},
				},
			},
			required: ['ceo', 'products'],
			additionalProperties: false,
		});
	});

	it('adds the output description to a JSON schema that has none', () => {
		expect(
			buildOutputSchema({ type: 'example', example: '{"a":1}', description: 'Facts' }),
		).toMatchObject({
			type: 'json',
			json_schema: { description: 'Facts' },
		});
	});
});

describe('schema from field names', () => {
	it('makes one required text field per name, named as a JSON key, once each', () => {
		expect(
			buildOutputSchema({ type: 'fields', fields: ' ceo name, founded-year,, ceo_name ' }),
		).toEqual({
			type: 'json',
			json_schema: {
				type: 'object',
				properties: {
					ceo_name: { type: 'string', description: 'ceo name' },
					founded_year: { type: 'string', description: 'founded year' },
				},
				required: ['ceo_name', 'founded_year'],
				additionalProperties: false,
			},
		});
	});

	it('asks for a written answer when no name is given', () => {
		expect(buildOutputSchema({ type: 'fields', fields: ' , ' })).toEqual({ type: 'text' });
		expect(buildOutputSchema({ type: 'fields', fields: '', description: 'Short' })).toEqual({
			type: 'text',
			description: 'Short',
		});
	});

	it("refuses more fields than Parallel's limit", () => {
		const names = Array.from({ length: 101 }, (_, index) => `f${index}`).join(',');
		expect(() => buildOutputSchema({ type: 'fields', fields: names })).toThrow(/101 fields/);
	});
});

describe('results', () => {
	const json = (content: TaskRunOutput['content']): TaskRunOutput =>
		({ type: 'json', content, basis: [] }) as TaskRunOutput;

	it('reads JSON content sent as a JSON string, as some docs show', () => {
		expect(outputContent(json('{"ceo":"Jane"}'))).toEqual({ ceo: 'Jane' });
		expect(outputContent(json({ ceo: 'Jane' }))).toEqual({ ceo: 'Jane' });
	});

	it('keeps text content as text, under "output"', () => {
		const text: TaskRunOutput = { type: 'text', content: '{not json} just text', basis: [] };
		expect(contentFields(text)).toEqual({ output: '{not json} just text' });
	});

	it('simplifies: content first, run id, status, metadata without the item key, basis', () => {
		const basis = [{ field: 'ceo', reasoning: 'r', citations: [{ url: 'https://x' }] }];
		const output = { type: 'json', content: { ceo: 'Jane' }, basis } as TaskRunOutput;
		expect(Object.keys(formatRun({ run, output }, true))).toEqual([
			'ceo',
			'run_id',
			'interaction_id',
			'status',
			'metadata',
			'basis',
		]);
		expect(formatRun({ run, output }, true)).toMatchObject({ metadata: { row: 7 }, basis });
	});

	it('reports a failed run with its message when simplified', () => {
		const failed = {
			...run,
			status: 'failed' as const,
			error: { ref_id: 'r', message: 'No sources' },
		};
		expect(formatRun({ run: failed }, true)).toEqual({
			run_id: 'trun_1',
			interaction_id: 'trun_1',
			status: 'failed',
			status_meaning: 'Ended without a result; its error says why.',
			metadata: { row: 7 },
			error: 'No sources',
		});
	});
});

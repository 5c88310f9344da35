import type { OutputSchema } from '../../shared/models';
import { ItemProblem } from './itemProblem';
import { MAX_SCHEMA_DEPTH, MAX_SCHEMA_PROPERTIES } from './limits';

export type OutputSchemaType = 'auto' | 'text' | 'json' | 'example' | 'fields';

/** Keywords Parallel's output schemas do not support (docs: specify-a-task). */
const UNSUPPORTED_KEYWORDS = [
	'format',
	'pattern',
	'minimum',
	'maximum',
	'exclusiveMinimum',
	'exclusiveMaximum',
	'multipleOf',
	'minLength',
	'maxLength',
	'minItems',
	'maxItems',
	'uniqueItems',
	'minProperties',
	'maxProperties',
	'patternProperties',
	'$ref',
];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function parseJsonParameter(value: unknown, parameter: string): unknown {
	if (typeof value !== 'string') return value;
	if (value.trim() === '') {
		throw new ItemProblem(`'${parameter}' is empty`, `Enter JSON in '${parameter}'.`);
	}
	let parsed: unknown;
	let syntaxError: string | undefined;
	try {
		parsed = JSON.parse(value);
	} catch (error) {
		syntaxError = (error as Error).message;
	}
	if (syntaxError !== undefined) {
		throw new ItemProblem(
			`'${parameter}' is not valid JSON (${syntaxError})`,
			'Check quotes, commas and brackets, or build it with the JSON editor.',
		);
	}
	return parsed;
}

function describeExample(value: unknown): string {
	const text = JSON.stringify(value);
	return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** A JSON schema with the shape of `example`: every field required, described by its example value. */
export function schemaFromExample(example: unknown, path = ''): Json {
	if (Array.isArray(example)) {
		return {
			type: 'array',
			items: example.length ? schemaFromExample(example[0], `${path}[0]`) : { type: 'string' },
		};
	}
	if (isObject(example)) {
		const properties: Json = {};
		for (const [key, value] of Object.entries(example)) {
			properties[key] = schemaFromExample(value, path ? `${path}.${key}` : key);
		}
		return {
			type: 'object',
			properties,
			required: Object.keys(example),
			additionalProperties: false,
		};
	}
	const description = `For example ${describeExample(example)}`;
	if (typeof example === 'number') {
		return { type: Number.isInteger(example) ? 'integer' : 'number', description };
	}
	if (typeof example === 'boolean') return { type: 'boolean', description };
	if (example === null) return { type: 'string', description: 'Leave empty when unknown' };
	return { type: 'string', description };
}

function checkSchemaNode(
	node: unknown,
	path: string,
	depth: number,
	counter: { properties: number },
) {
	if (!isObject(node)) return;
	if (depth > MAX_SCHEMA_DEPTH) {
		throw new ItemProblem(
			`the schema nests deeper than ${MAX_SCHEMA_DEPTH} levels at '${path}'`,
			'Flatten nested objects: Parallel accepts at most 5 levels.',
		);
	}
	for (const keyword of UNSUPPORTED_KEYWORDS) {
		if (keyword in node) {
			throw new ItemProblem(
				`the schema uses '${keyword}' at '${path || '(root)'}', which Parallel does not support`,
				`Remove '${keyword}' and describe the constraint in the field's 'description' instead.`,
			);
		}
	}
	if (isObject(node.properties)) {
		for (const [key, child] of Object.entries(node.properties)) {
			counter.properties++;
			checkSchemaNode(child, path ? `${path}.${key}` : key, depth + 1, counter);
		}
	}
	if (node.items) checkSchemaNode(node.items, `${path}[]`, depth + 1, counter);
	for (const list of ['anyOf', 'oneOf', 'allOf']) {
		const options = node[list];
		if (Array.isArray(options))
			options.forEach((option) => checkSchemaNode(option, path, depth, counter));
	}
}

/** Checks what Parallel requires of an output JSON schema (docs: specify-a-task, limits). */
export function validateOutputJsonSchema(schema: unknown, parameter: string): Json {
	if (!isObject(schema)) {
		throw new ItemProblem(
			`'${parameter}' must be a JSON object`,
			'Start the schema with { "type": "object", ... }.',
		);
	}
	if (schema.type !== 'object' || !isObject(schema.properties)) {
		throw new ItemProblem(
			`'${parameter}' must describe an object with "properties"`,
			'Use { "type": "object", "properties": { "field": { "type": "string" } } }.',
		);
	}
	if (Object.keys(schema.properties).length === 0) {
		throw new ItemProblem(
			`'${parameter}' has no properties`,
			'Add at least one field to "properties".',
		);
	}
	const counter = { properties: 0 };
	checkSchemaNode(schema, '', 1, counter);
	if (counter.properties > MAX_SCHEMA_PROPERTIES) {
		throw new ItemProblem(
			`the schema has ${counter.properties} properties, more than Parallel's ${MAX_SCHEMA_PROPERTIES}`,
			'Split the research into two nodes, or drop fields you do not need.',
		);
	}
	return schema;
}

export interface OutputSchemaParameters {
	type: OutputSchemaType;
	description?: string;
	jsonSchema?: unknown;
	example?: unknown;
	/** Comma-separated field names, for type 'fields'. */
	fields?: string;
}

/**
 * A schema of text fields from a list of names ("ceo name, founded year" becomes ceo_name and
 * founded_year); no names at all asks for a written answer instead.
 */
function schemaFromFieldNames(list: string, description?: string): OutputSchema {
	const names = [
		...new Set(
			list
				.split(',')
				.map((name) =>
					name
						.trim()
						.replace(/[^A-Za-z0-9_]+/g, '_')
						.replace(/^_+|_+$/g, ''),
				)
				.filter(Boolean),
		),
	];
	if (!names.length) return description ? { type: 'text', description } : { type: 'text' };
	if (names.length > MAX_SCHEMA_PROPERTIES) {
		throw new ItemProblem(
			`'Output Fields' names ${names.length} fields, more than Parallel's ${MAX_SCHEMA_PROPERTIES}`,
			'Ask for fewer fields.',
		);
	}
	const properties: Json = {};
	for (const name of names)
		properties[name] = { type: 'string', description: name.replace(/_/g, ' ') };
	const schema: Json = { type: 'object', properties, required: names, additionalProperties: false };
	return { type: 'json', json_schema: withDescription(schema, description) };
}

/** The task spec's output schema from the node's schema parameters. */
export function buildOutputSchema(parameters: OutputSchemaParameters): OutputSchema {
	const description = parameters.description?.trim();
	switch (parameters.type) {
		case 'auto':
			return { type: 'auto' };
		case 'text':
			return description ? { type: 'text', description } : { type: 'text' };
		case 'json': {
			const parsed = parseJsonParameter(parameters.jsonSchema, 'Output JSON Schema');
			const schema = validateOutputJsonSchema(parsed, 'Output JSON Schema');
			return { type: 'json', json_schema: withDescription(schema, description) };
		}
		case 'example': {
			const example = parseJsonParameter(parameters.example, 'Output Example');
			if (!isObject(example) || Object.keys(example).length === 0) {
				throw new ItemProblem(
					"'Output Example' must be a JSON object with at least one field",
					'Write the answer you want for one item, e.g. { "ceo": "Jane Doe", "employees": 1200 }.',
				);
			}
			const schema = validateOutputJsonSchema(schemaFromExample(example), 'Output Example');
			return { type: 'json', json_schema: withDescription(schema, description) };
		}
		case 'fields':
			return schemaFromFieldNames(String(parameters.fields ?? ''), description);
		default:
			throw new ItemProblem(
				`'Output Schema Type' has an unknown value '${String(parameters.type)}'`,
				'Choose Auto, Text, JSON Schema, From Example or Field Names.',
			);
	}
}

function withDescription(schema: Json, description?: string): Json {
	return description && !schema.description ? { ...schema, description } : schema;
}

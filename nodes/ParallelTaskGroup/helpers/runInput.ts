import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Metadata, SourcePolicy, TaskRunInput, TaskSpec } from '../../shared/models';
import { isKnownProcessor, PROCESSOR_NAMES } from '../descriptions/processor';
import {
	MAX_METADATA_KEY,
	MAX_METADATA_VALUE,
	MAX_SPEC_AND_INPUT_CHARS,
	MAX_SPEC_CHARS,
} from './limits';
import { buildOutputSchema, parseJsonParameter, SchemaProblem } from './outputSchema';
import type { OutputSchemaType } from './outputSchema';
import { ParameterReader } from './parameters';

export type InputMode = 'item' | 'fields' | 'text';

/** Metadata keys this node writes on every run, to tie it back to its item. */
export const KEY_METADATA = 'n8n_key';

export interface PreparedRun {
	itemIndex: number;
	/** The run input without its task spec (sent once per batch when shared). */
	input: TaskRunInput;
	spec: TaskSpec;
	specJson: string;
	/** Stored in the run's metadata: finds the run again after a lost response or a retry. */
	key: string;
	/** Set when the user gave an idempotency key: runs already in the group for it are reused. */
	userKey: boolean;
}

export type PreparedItem =
	| { ok: true; run: PreparedRun }
	| { ok: false; itemIndex: number; error: NodeOperationError };

/** Thrown inside this module; the caller turns it into a NodeOperationError for the item. */
class ItemProblem {
	constructor(
		readonly message: string,
		readonly description: string,
	) {}
}

function getPath(json: IDataObject, path: string): unknown {
	let current: unknown = json;
	for (const part of path.split('.')) {
		if (!current || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}

function isEmptyValue(value: unknown): boolean {
	if (value === undefined || value === null) return true;
	if (typeof value === 'string') return value.trim() === '';
	if (Array.isArray(value)) return value.length === 0;
	if (typeof value === 'object') return Object.keys(value).length === 0;
	return false;
}

function inputFromItem(
	reader: ParameterReader,
	itemIndex: number,
	item: INodeExecutionData,
): string | Record<string, unknown> {
	const mode = reader.get<InputMode>('inputMode', itemIndex, 'item');
	if (mode === 'text') {
		const text = String(reader.get<string>('inputText', itemIndex, '') ?? '').trim();
		if (!text) {
			throw new ItemProblem(
				"'Input Text' is empty",
				"Write the question in 'Input Text', e.g. Who is the CEO of {{ $json.company }}?",
			);
		}
		return text;
	}
	if (mode === 'fields') {
		const names = String(reader.get<string>('inputFields', itemIndex, '') ?? '')
			.split(',')
			.map((name) => name.trim())
			.filter(Boolean);
		if (!names.length) {
			throw new ItemProblem(
				"'Input Fields' lists no field",
				'Enter the item fields to send, separated by commas, e.g. company, website.',
			);
		}
		const input: Record<string, unknown> = {};
		for (const name of names) {
			const value = getPath(item.json, name);
			if (value === undefined) {
				const available = Object.keys(item.json).slice(0, 10).join(', ') || 'none';
				throw new ItemProblem(
					`the item has no field '${name}' (from 'Input Fields')`,
					`Check the spelling in 'Input Fields'. This item has: ${available}.`,
				);
			}
			input[name] = value;
		}
		if (Object.values(input).every(isEmptyValue)) {
			throw new ItemProblem(
				`every field in 'Input Fields' is empty (${names.join(', ')})`,
				'Filter out empty rows before this node, or choose other fields.',
			);
		}
		return input;
	}
	const input = { ...item.json };
	if (Object.values(input).every(isEmptyValue)) {
		throw new ItemProblem(
			'the item has no data to research',
			"Filter out empty items before this node, or set 'Input' to 'Text Prompt'.",
		);
	}
	return input;
}

function commaList(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean);
}

function sourcePolicy(options: IDataObject): SourcePolicy | undefined {
	const include = commaList(options.includeDomains);
	const exclude = commaList(options.excludeDomains);
	const afterDate = String(options.afterDate ?? '').trim();
	if (include.length + exclude.length > 200) {
		throw new ItemProblem(
			`the options list ${include.length + exclude.length} domains`,
			"Parallel accepts at most 200 domains in 'Include Domains' and 'Exclude Domains' together.",
		);
	}
	let after: string | undefined;
	if (afterDate) {
		const match = /^(\d{4}-\d{2}-\d{2})/.exec(afterDate);
		if (!match || Number.isNaN(Date.parse(match[1]))) {
			throw new ItemProblem(
				`'After Date' is not a date ('${afterDate}')`,
				'Use the form YYYY-MM-DD, e.g. 2025-01-31.',
			);
		}
		after = match[1];
	}
	if (!include.length && !exclude.length && !after) return undefined;
	return {
		...(include.length ? { include_domains: include } : {}),
		...(exclude.length ? { exclude_domains: exclude } : {}),
		...(after ? { after_date: after } : {}),
	};
}

function userMetadata(options: IDataObject): Metadata {
	const entries = ((options.metadata as IDataObject | undefined)?.values ?? []) as IDataObject[];
	const metadata: Metadata = {};
	for (const entry of entries) {
		const key = String(entry.key ?? '').trim();
		if (!key) continue;
		if (key.length > MAX_METADATA_KEY) {
			throw new ItemProblem(
				`the metadata key '${key}' is longer than ${MAX_METADATA_KEY} characters`,
				'Use a shorter key in Options > Metadata.',
			);
		}
		if (key.startsWith('n8n_')) {
			throw new ItemProblem(
				`the metadata key '${key}' starts with 'n8n_', which this node reserves`,
				'Choose another key in Options > Metadata.',
			);
		}
		const value = entry.value;
		const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
		if (text.length > MAX_METADATA_VALUE) {
			throw new ItemProblem(
				`the metadata value of '${key}' is longer than ${MAX_METADATA_VALUE} characters`,
				'Shorten it, or store a reference (an ID) instead of the text.',
			);
		}
		metadata[key] =
			typeof value === 'number' || typeof value === 'boolean' ? value : String(value ?? '');
	}
	return metadata;
}

function taskSpec(reader: ParameterReader, itemIndex: number, options: IDataObject): TaskSpec {
	const type = reader.get<OutputSchemaType>('outputSchemaType', itemIndex, 'auto');
	const outputSchema = buildOutputSchema({
		type,
		description:
			type === 'auto' ? undefined : reader.get<string>('outputDescription', itemIndex, ''),
		jsonSchema: type === 'json' ? reader.get('outputJsonSchema', itemIndex, '') : undefined,
		example: type === 'example' ? reader.get('outputExample', itemIndex, '') : undefined,
	});
	const spec: TaskSpec = { output_schema: outputSchema };
	if (options.inputSchema !== undefined && String(options.inputSchema).trim() !== '') {
		const schema = parseJsonParameter(options.inputSchema, 'Input JSON Schema');
		if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
			throw new SchemaProblem(
				"'Input JSON Schema' must be a JSON object",
				'Start it with { "type": "object", ... }.',
			);
		}
		spec.input_schema = { type: 'json', json_schema: schema as Record<string, unknown> };
	}
	return spec;
}

function submissionKey(value: unknown): string {
	const text = typeof value === 'string' ? value.trim() : JSON.stringify(value ?? '');
	if (!text || text === '""') {
		throw new ItemProblem(
			"'Idempotency Key' is empty for this item",
			'Use a value that is unique per row and never empty, e.g. {{ $json.id }}.',
		);
	}
	if (text.length > MAX_METADATA_VALUE) {
		throw new ItemProblem(
			`'Idempotency Key' has ${text.length} characters, more than the ${MAX_METADATA_VALUE} a run's metadata can hold`,
			'Use a short value that identifies the row, such as its ID.',
		);
	}
	return text;
}

function prepareOne(
	reader: ParameterReader,
	itemIndex: number,
	item: INodeExecutionData,
	autoKey: string,
): PreparedRun {
	const options = reader.get<IDataObject>('options', itemIndex, {});
	const processor = String(reader.get<string>('processor', itemIndex, 'core') ?? '')
		.trim()
		.toLowerCase();
	if (!isKnownProcessor(processor)) {
		throw new ItemProblem(
			`'Processor' is '${processor}', which Parallel does not offer`,
			`Use one of: ${PROCESSOR_NAMES.join(', ')}.`,
		);
	}
	const input = inputFromItem(reader, itemIndex, item);
	const spec = taskSpec(reader, itemIndex, options);
	const specJson = JSON.stringify(spec);
	if (specJson.length > MAX_SPEC_CHARS) {
		throw new ItemProblem(
			`the task spec (output and input schemas) has ${specJson.length} characters, over Parallel's ${MAX_SPEC_CHARS}`,
			'Shorten the schema descriptions or remove fields.',
		);
	}
	const inputLength = typeof input === 'string' ? input.length : JSON.stringify(input).length;
	if (specJson.length + inputLength > MAX_SPEC_AND_INPUT_CHARS) {
		throw new ItemProblem(
			`the input and task spec have ${specJson.length + inputLength} characters, over Parallel's ${MAX_SPEC_AND_INPUT_CHARS}`,
			"Send fewer or shorter fields: set 'Input' to 'Selected Fields' or shorten long text.",
		);
	}
	const userKey = reader.isSet('options.idempotencyKey');
	const key = userKey ? submissionKey(options.idempotencyKey) : autoKey;
	const policy = sourcePolicy(options);
	const location = String(options.location ?? '')
		.trim()
		.toLowerCase();
	if (location && !/^[a-z]{2}$/.test(location)) {
		throw new ItemProblem(
			`'Location' is '${location}', not a two-letter country code`,
			'Use an ISO 3166-1 alpha-2 code, e.g. us, gb, de.',
		);
	}
	const runInput: TaskRunInput = {
		input,
		processor,
		metadata: { ...userMetadata(options), [KEY_METADATA]: key },
		...(policy ? { source_policy: policy } : {}),
		...(location ? { advanced_settings: { location } } : {}),
	};
	return { itemIndex, input: runInput, spec, specJson, key, userKey };
}

/**
 * One run input per item, or the reason the item cannot become a run: each item fails alone,
 * with a message that names it and the parameter, and a description of the fix.
 */
export function prepareRuns(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	keyPrefix: string,
): PreparedItem[] {
	const reader = new ParameterReader(context);
	const node = context.getNode();
	return items.map((item, itemIndex) => {
		try {
			return { ok: true, run: prepareOne(reader, itemIndex, item, `${keyPrefix}:${itemIndex}`) };
		} catch (problem) {
			const known = problem instanceof ItemProblem || problem instanceof SchemaProblem;
			const message = known ? problem.message : (problem as Error).message;
			const description = known
				? problem instanceof ItemProblem
					? problem.description
					: problem.fix
				: undefined;
			return {
				ok: false,
				itemIndex,
				error: new NodeOperationError(node, `Item ${itemIndex}: ${message}`, {
					itemIndex,
					description,
				}),
			};
		}
	});
}

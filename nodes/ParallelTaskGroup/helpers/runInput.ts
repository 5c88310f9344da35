import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { ITEM_KEY_METADATA } from '../../shared/models';
import type { Metadata, TaskRunInput, TaskSpec } from '../../shared/models';
import { isKnownProcessor, PROCESSOR_NAMES } from '../descriptions/processor';
import { ItemProblem } from './itemProblem';
import { MAX_SPEC_AND_INPUT_CHARS, MAX_SPEC_CHARS } from './limits';
import { buildOutputSchema, parseJsonParameter } from './outputSchema';
import type { OutputSchemaType } from './outputSchema';
import { ParameterReader } from './parameters';
import {
	countryCode,
	mcpServers,
	previousInteractionId,
	sourcePolicy,
	submissionKey,
	userMetadata,
	userWebhook,
} from './runOptions';
import { isShapedTool, isToolNode, withoutBookkeeping } from './toolMode';

/** How the node runs: as an AI Agent tool, and then with 1.1's model-shaped messages. */
interface Mode {
	tool: boolean;
	shaped: boolean;
}

export type InputMode = 'item' | 'fields' | 'text';

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
	run: Mode,
): string | Record<string, unknown> {
	const mode = reader.get<InputMode>('inputMode', itemIndex, 'item');
	if (mode === 'text') {
		const text = String(reader.get<string>('inputText', itemIndex, '') ?? '').trim();
		if (!text && run.shaped) {
			throw new ItemProblem(
				'No question was given, so nothing was researched',
				"Call this tool again with 'question' set to one precise question, e.g. Who is the CEO of Acme GmbH in Berlin?",
			);
		}
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
	// As a tool, the item also holds n8n's toolCallId: never research that, nor pay for it alone.
	const input = run.tool ? withoutBookkeeping(item.json) : { ...item.json };
	if (Object.values(input).every(isEmptyValue) && run.shaped) {
		throw new ItemProblem(
			'The tool was called without anything to research, so nothing was researched',
			'Call it again with the question and the details it needs as arguments.',
		);
	}
	if (Object.values(input).every(isEmptyValue)) {
		throw new ItemProblem(
			'the item has no data to research',
			"Filter out empty items before this node, or set 'Input' to 'Text Prompt'.",
		);
	}
	return input;
}

const SPEC_PARAMETERS = [
	'outputSchemaType',
	'outputDescription',
	'outputJsonSchema',
	'outputExample',
	'outputFields',
	'options.inputSchema',
];

function taskSpec(reader: ParameterReader, itemIndex: number, options: IDataObject): TaskSpec {
	const type = reader.get<OutputSchemaType>('outputSchemaType', itemIndex, 'auto');
	const outputSchema = buildOutputSchema({
		type,
		description:
			type === 'auto' ? undefined : reader.get<string>('outputDescription', itemIndex, ''),
		jsonSchema: type === 'json' ? reader.get('outputJsonSchema', itemIndex, '') : undefined,
		example: type === 'example' ? reader.get('outputExample', itemIndex, '') : undefined,
		fields: type === 'fields' ? reader.get<string>('outputFields', itemIndex, '') : undefined,
	});
	const spec: TaskSpec = { output_schema: outputSchema };
	if (options.inputSchema !== undefined && String(options.inputSchema).trim() !== '') {
		const schema = parseJsonParameter(options.inputSchema, 'Input JSON Schema');
		if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
			throw new ItemProblem(
				"'Input JSON Schema' must be a JSON object",
				'Start it with { "type": "object", ... }.',
			);
		}
		spec.input_schema = { type: 'json', json_schema: schema as Record<string, unknown> };
	}
	return spec;
}

/** The task spec and its JSON, checked against the size limit. */
function checkedTaskSpec(reader: ParameterReader, itemIndex: number, options: IDataObject) {
	return reader.derive('taskSpec', SPEC_PARAMETERS, () => {
		const spec = taskSpec(reader, itemIndex, options);
		const specJson = JSON.stringify(spec);
		if (specJson.length > MAX_SPEC_CHARS) {
			throw new ItemProblem(
				`the task spec (output and input schemas) has ${specJson.length} characters, over Parallel's ${MAX_SPEC_CHARS}`,
				'Shorten the schema descriptions or remove fields.',
			);
		}
		return { spec, specJson };
	});
}

/** What a run carries from Options besides its input and key. */
type RunSettings = Omit<TaskRunInput, 'input' | 'processor' | 'metadata'> & { metadata: Metadata };

const SETTINGS_PARAMETERS = [
	'options.includeDomains',
	'options.excludeDomains',
	'options.afterDate',
	'options.location',
	'options.metadata',
	'options.previousInteractionId',
	'options.enableEvents',
	'options.mcpServers',
	'options.webhookUrl',
];

/** Source policy, location, metadata, MCP servers and webhook: computed once when constant. */
function runSettings(reader: ParameterReader, options: IDataObject) {
	return reader.derive('runSettings', SETTINGS_PARAMETERS, (): RunSettings => {
		const settings: RunSettings = { metadata: userMetadata(options) };
		const policy = sourcePolicy(options);
		if (policy) settings.source_policy = policy;
		const location = countryCode(options);
		if (location) settings.advanced_settings = { location };
		const previous = previousInteractionId(options);
		if (previous) settings.previous_interaction_id = previous;
		// Only sent when on: left out, Parallel's own default applies (on for pro and above).
		if (options.enableEvents === true) settings.enable_events = true;
		const servers = mcpServers(options);
		if (servers) settings.mcp_servers = servers;
		const webhook = userWebhook(options);
		if (webhook) settings.webhook = webhook;
		return settings;
	});
}

function checkedProcessor(reader: ParameterReader, itemIndex: number): string {
	return reader.derive('processor', ['processor'], () => {
		const processor = String(reader.get<string>('processor', itemIndex, 'core') ?? '')
			.trim()
			.toLowerCase();
		if (!isKnownProcessor(processor)) {
			throw new ItemProblem(
				`'Processor' is '${processor}', which Parallel does not offer`,
				`Use one of: ${PROCESSOR_NAMES.join(', ')}.`,
			);
		}
		return processor;
	});
}

function prepareOne(
	reader: ParameterReader,
	itemIndex: number,
	item: INodeExecutionData,
	autoKey: string,
	run: Mode,
): PreparedRun {
	const options = reader.get<IDataObject>('options', itemIndex, {});
	const processor = checkedProcessor(reader, itemIndex);
	const input = inputFromItem(reader, itemIndex, item, run);
	const { spec, specJson } = checkedTaskSpec(reader, itemIndex, options);
	const inputLength = typeof input === 'string' ? input.length : JSON.stringify(input).length;
	if (specJson.length + inputLength > MAX_SPEC_AND_INPUT_CHARS) {
		throw new ItemProblem(
			`the input and task spec have ${specJson.length + inputLength} characters, over Parallel's ${MAX_SPEC_AND_INPUT_CHARS}`,
			"Send fewer or shorter fields: set 'Input' to 'Selected Fields' or shorten long text.",
		);
	}
	const userKey = reader.isSet('options.idempotencyKey');
	const key = userKey ? submissionKey(options.idempotencyKey) : autoKey;
	const settings = runSettings(reader, options);
	const runInput: TaskRunInput = {
		input,
		processor,
		metadata: { ...settings.metadata, [ITEM_KEY_METADATA]: key },
	};
	// The items share the settings' objects, which nothing changes after this.
	if (settings.source_policy) runInput.source_policy = settings.source_policy;
	if (settings.advanced_settings) runInput.advanced_settings = settings.advanced_settings;
	if (settings.previous_interaction_id)
		runInput.previous_interaction_id = settings.previous_interaction_id;
	if (settings.enable_events) runInput.enable_events = true;
	if (settings.mcp_servers) runInput.mcp_servers = settings.mcp_servers;
	if (settings.webhook) runInput.webhook = settings.webhook;
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
	const mode: Mode = { tool: isToolNode(node), shaped: isShapedTool(node) };
	return items.map((item, itemIndex) => {
		try {
			const key = `${keyPrefix}:${itemIndex}`;
			return { ok: true, run: prepareOne(reader, itemIndex, item, key, mode) };
		} catch (problem) {
			const known = problem instanceof ItemProblem;
			const message = known ? problem.message : (problem as Error).message;
			const description = known ? problem.description : undefined;
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

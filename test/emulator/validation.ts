import type { TaskRunInput, TaskSpec } from '../../nodes/shared/models';
import { isKnownProcessor } from './lifecycle';
import { newRefId } from './store';

/** One entry of FastAPI's HTTPValidationError `detail` list. */
export interface FieldError {
	loc: Array<string | number>;
	msg: string;
	type: string;
}

export const MAX_INPUTS_PER_REQUEST = 1000;
export const MAX_SPEC_PLUS_INPUT_CHARS = 25_000;
export const VALIDATION_MESSAGE = 'Unprocessable content: request validation error';
export const INVALID_PROCESSOR_MESSAGE = 'Forbidden: invalid processor in request';

export function errorBody(message: string, detail: Record<string, unknown> | null = {}) {
	return { type: 'error', error: { ref_id: newRefId(), message, detail } };
}

export function validationBody(errors: FieldError[]) {
	return { detail: errors };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

type Parsed = { ok: true; value: unknown } | { ok: false; errors: FieldError[] };

/** Parses a JSON body; an absent or blank body counts as `{}` only when `emptyAllowed`. */
export function parseJsonBody(raw: string, emptyAllowed: boolean): Parsed {
	if (!raw.trim()) {
		if (emptyAllowed) return { ok: true, value: {} };
		return { ok: false, errors: [{ loc: ['body'], msg: 'Field required', type: 'missing' }] };
	}
	try {
		return { ok: true, value: JSON.parse(raw) };
	} catch (error) {
		return {
			ok: false,
			errors: [
				{ loc: ['body', 0], msg: `JSON decode error: ${error.message}`, type: 'json_invalid' },
			],
		};
	}
}

function notAnObject(loc: FieldError['loc']): FieldError {
	return { loc, msg: 'Input should be a valid dictionary or object', type: 'dict_type' };
}

export function checkMetadata(value: unknown, loc: FieldError['loc']): FieldError[] {
	if (value === undefined || value === null) return [];
	if (!isObject(value)) return [notAnObject(loc)];
	return Object.entries(value)
		.filter(([, v]) => !['string', 'number', 'boolean'].includes(typeof v))
		.map(([key]) => ({
			loc: [...loc, key],
			msg: 'Input should be a valid string, number or boolean',
			type: 'metadata_value_type',
		}));
}

function checkOutputSchema(value: unknown, loc: FieldError['loc']): FieldError[] {
	if (typeof value === 'string') return [];
	if (!isObject(value))
		return [{ loc, msg: 'Input should be a valid output schema', type: 'union_type' }];
	const type = value.type;
	if (type !== undefined && type !== 'json' && type !== 'text' && type !== 'auto') {
		return [
			{
				loc: [...loc, 'type'],
				msg: "Input should be 'json', 'text' or 'auto'",
				type: 'literal_error',
			},
		];
	}
	if (type === 'json' && !isObject(value.json_schema)) {
		const missing = value.json_schema === undefined;
		return [
			{
				loc: [...loc, 'json_schema'],
				msg: missing ? 'Field required' : 'Input should be a valid dictionary',
				type: missing ? 'missing' : 'dict_type',
			},
		];
	}
	return [];
}

export function checkTaskSpec(value: unknown, loc: FieldError['loc']): FieldError[] {
	if (value === undefined || value === null) return [];
	if (!isObject(value)) return [notAnObject(loc)];
	if (value.output_schema === undefined) {
		return [{ loc: [...loc, 'output_schema'], msg: 'Field required', type: 'missing' }];
	}
	return checkOutputSchema(value.output_schema, [...loc, 'output_schema']);
}

const isStringList = (value: unknown): boolean =>
	Array.isArray(value) && value.every((entry) => typeof entry === 'string');

const stringError = (loc: FieldError['loc']): FieldError => ({
	loc,
	msg: 'Input should be a valid string',
	type: 'string_type',
});

/** `mcp_servers`: a list of {type?: 'url', url, name, headers?: {string: string}, allowed_tools?: string[]}. */
export function checkMcpServers(value: unknown, loc: FieldError['loc']): FieldError[] {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value))
		return [{ loc, msg: 'Input should be a valid list', type: 'list_type' }];
	return value.flatMap((server, i): FieldError[] => {
		const at = [...loc, i];
		if (!isObject(server)) return [notAnObject(at)];
		const errors: FieldError[] = [];
		for (const field of ['url', 'name']) {
			if (server[field] === undefined)
				errors.push({ loc: [...at, field], msg: 'Field required', type: 'missing' });
			else if (typeof server[field] !== 'string') errors.push(stringError([...at, field]));
		}
		if (typeof server.url === 'string' && !/^https?:\/\//.test(server.url))
			errors.push({
				loc: [...at, 'url'],
				msg: 'URL scheme should be http or https',
				type: 'url_scheme',
			});
		if (server.type !== undefined && server.type !== 'url')
			errors.push({ loc: [...at, 'type'], msg: "Input should be 'url'", type: 'literal_error' });
		if (server.headers !== undefined && server.headers !== null) {
			if (!isObject(server.headers)) errors.push(notAnObject([...at, 'headers']));
			else
				for (const [name, header] of Object.entries(server.headers))
					if (typeof header !== 'string') errors.push(stringError([...at, 'headers', name]));
		}
		if (
			server.allowed_tools !== undefined &&
			server.allowed_tools !== null &&
			!isStringList(server.allowed_tools)
		)
			errors.push({
				loc: [...at, 'allowed_tools'],
				msg: 'Input should be a list of strings',
				type: 'list_type',
			});
		return errors;
	});
}

/** `webhook`: {url, event_types?: ['task_run.status']}. */
export function checkWebhook(value: unknown, loc: FieldError['loc']): FieldError[] {
	if (value === undefined || value === null) return [];
	if (!isObject(value)) return [notAnObject(loc)];
	const errors: FieldError[] = [];
	if (value.url === undefined)
		errors.push({ loc: [...loc, 'url'], msg: 'Field required', type: 'missing' });
	else if (typeof value.url !== 'string') errors.push(stringError([...loc, 'url']));
	const types = value.event_types;
	if (types !== undefined && (!Array.isArray(types) || types.some((t) => t !== 'task_run.status')))
		errors.push({
			loc: [...loc, 'event_types'],
			msg: "Input should be a list of 'task_run.status'",
			type: 'literal_error',
		});
	return errors;
}

function checkOptionalFields(value: Record<string, unknown>, loc: FieldError['loc']): FieldError[] {
	const errors: FieldError[] = [];
	const previous = value.previous_interaction_id;
	if (previous !== undefined && previous !== null && typeof previous !== 'string')
		errors.push(stringError([...loc, 'previous_interaction_id']));
	const events = value.enable_events;
	if (events !== undefined && events !== null && typeof events !== 'boolean')
		errors.push({
			loc: [...loc, 'enable_events'],
			msg: 'Input should be a valid boolean',
			type: 'bool_type',
		});
	errors.push(...checkMcpServers(value.mcp_servers, [...loc, 'mcp_servers']));
	errors.push(...checkWebhook(value.webhook, [...loc, 'webhook']));
	return errors;
}

/** Structural checks of one TaskRunInput (what FastAPI would reject before the handler runs). */
export function checkRunInput(value: unknown, loc: FieldError['loc']): FieldError[] {
	if (!isObject(value)) return [notAnObject(loc)];
	const errors: FieldError[] = [];
	if (value.input === undefined) {
		errors.push({ loc: [...loc, 'input'], msg: 'Field required', type: 'missing' });
	} else if (typeof value.input !== 'string' && !isObject(value.input)) {
		errors.push({
			loc: [...loc, 'input'],
			msg: 'Input should be a valid string or object',
			type: 'union_type',
		});
	}
	if (value.processor === undefined) {
		errors.push({ loc: [...loc, 'processor'], msg: 'Field required', type: 'missing' });
	} else if (typeof value.processor !== 'string') {
		errors.push({
			loc: [...loc, 'processor'],
			msg: 'Input should be a valid string',
			type: 'string_type',
		});
	}
	errors.push(...checkMetadata(value.metadata, [...loc, 'metadata']));
	errors.push(...checkTaskSpec(value.task_spec, [...loc, 'task_spec']));
	errors.push(...checkOptionalFields(value, loc));
	return errors;
}

/** JSON length of the effective spec plus the input (its own length when it is a string). */
/** A batch shares one default spec object: measure it once. */
const specLengths = new WeakMap<object, number>();

function specLength(spec: TaskSpec): number {
	let length = specLengths.get(spec);
	if (length === undefined) {
		length = JSON.stringify(spec).length;
		specLengths.set(spec, length);
	}
	return length;
}

export function specPlusInputLength(input: TaskRunInput): number {
	const inputLength =
		typeof input.input === 'string' ? input.input.length : JSON.stringify(input.input).length;
	return (input.task_spec ? specLength(input.task_spec) : 0) + inputLength;
}

export function tooLongError(input: TaskRunInput, loc: FieldError['loc']): FieldError | undefined {
	const length = specPlusInputLength(input);
	if (length <= MAX_SPEC_PLUS_INPUT_CHARS) return undefined;
	return {
		loc,
		msg: `Task spec plus input must be at most ${MAX_SPEC_PLUS_INPUT_CHARS} characters, got ${length}`,
		type: 'too_long',
	};
}

/** The submitted input with its effective task spec filled in. */
export function resolveInput(raw: Record<string, unknown>, defaultSpec: unknown): TaskRunInput {
	const input = { ...raw } as unknown as TaskRunInput;
	const spec = (raw.task_spec ?? defaultSpec ?? null) as TaskSpec | null;
	if (spec) input.task_spec = spec;
	return input;
}

export type RunRequestCheck =
	| { kind: 'ok'; inputs: TaskRunInput[] }
	| { kind: 'invalid'; errors: FieldError[] }
	| { kind: 'forbidden'; index: number };

/**
 * All-or-nothing checks of a TaskGroupRunRequest, in this order: structure (every error listed),
 * then processors (403 for the first unknown one), then the 25,000-character limit.
 */
export function checkRunRequest(body: unknown): RunRequestCheck {
	if (!isObject(body)) {
		return { kind: 'invalid', errors: [notAnObject(['body'])] };
	}
	const errors = checkTaskSpec(body.default_task_spec, ['body', 'default_task_spec']);
	const inputs = body.inputs;
	if (inputs === undefined) {
		errors.push({ loc: ['body', 'inputs'], msg: 'Field required', type: 'missing' });
	} else if (!Array.isArray(inputs)) {
		errors.push({
			loc: ['body', 'inputs'],
			msg: 'Input should be a valid list',
			type: 'list_type',
		});
	} else if (inputs.length === 0) {
		const msg = 'List should have at least 1 item after validation, not 0';
		errors.push({ loc: ['body', 'inputs'], msg, type: 'too_short' });
	} else if (inputs.length > MAX_INPUTS_PER_REQUEST) {
		const msg = `List should have at most ${MAX_INPUTS_PER_REQUEST} items after validation, not ${inputs.length}`;
		errors.push({ loc: ['body', 'inputs'], msg, type: 'too_long' });
	} else {
		inputs.forEach((input, i) => errors.push(...checkRunInput(input, ['body', 'inputs', i])));
	}
	if (errors.length || !Array.isArray(inputs)) return { kind: 'invalid', errors };
	const resolved = inputs.map((raw) => resolveInput(raw, body.default_task_spec));
	const badProcessor = resolved.findIndex((input) => !isKnownProcessor(input.processor));
	if (badProcessor >= 0) return { kind: 'forbidden', index: badProcessor };
	const tooLong = resolved
		.map((input, i) => tooLongError(input, ['body', 'inputs', i]))
		.filter((e): e is FieldError => e !== undefined);
	if (tooLong.length) return { kind: 'invalid', errors: tooLong };
	return { kind: 'ok', inputs: resolved };
}

/** Checks a POST /v1/tasks/runs body (one TaskRunInput), in the same order. */
export function checkSingleRun(body: unknown): RunRequestCheck {
	const errors = checkRunInput(body, ['body']);
	if (errors.length) return { kind: 'invalid', errors };
	const input = resolveInput(body as Record<string, unknown>, null);
	if (!isKnownProcessor(input.processor)) return { kind: 'forbidden', index: 0 };
	const tooLong = tooLongError(input, ['body']);
	return tooLong ? { kind: 'invalid', errors: [tooLong] } : { kind: 'ok', inputs: [input] };
}

/** `true` / `false` query values; anything else is a 422 field error. */
export function booleanParam(
	query: URLSearchParams,
	name: string,
	fallback: boolean,
): boolean | FieldError {
	const value = query.get(name);
	if (value === null || value === '') return fallback;
	if (value === 'true') return true;
	if (value === 'false') return false;
	return { loc: ['query', name], msg: 'Input should be a valid boolean', type: 'bool_parsing' };
}

import type {
	FieldBasis,
	TaskRunInput,
	TaskRunJsonOutput,
	TaskRunOutput,
	TaskSpec,
} from '../../nodes/shared/models';

type Schema = Record<string, unknown>;

export type OutputKind =
	| { kind: 'text'; description: string | null }
	| { kind: 'json'; schema: Schema }
	| { kind: 'auto' };

/** Reads an output_schema in any of the forms the contract allows (notes 6.4). */
export function outputKind(spec: TaskSpec | null | undefined): OutputKind {
	const schema = spec?.output_schema as unknown;
	if (typeof schema === 'string') return { kind: 'text', description: schema };
	if (!schema || typeof schema !== 'object') return { kind: 'auto' };
	const form = schema as { type?: string; json_schema?: Schema; description?: string | null };
	if (form.type === 'text') return { kind: 'text', description: form.description ?? null };
	if (form.type === 'json' || (form.type === undefined && form.json_schema)) {
		return { kind: 'json', schema: form.json_schema ?? {} };
	}
	return { kind: 'auto' };
}

export function fnv1a(text: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

/** A short text naming the input, so every output can be traced to the input it belongs to. */
export function describeInput(input: TaskRunInput['input']): string {
	if (typeof input === 'string') return input.slice(0, 80);
	const parts = Object.entries(input)
		.slice(0, 3)
		.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
	return parts.join(', ').slice(0, 120);
}

interface SampleContext {
	about: string;
	seed: string;
}

const MAX_DEPTH = 8;

function firstType(schema: Schema): string | undefined {
	const type = schema.type;
	if (Array.isArray(type)) return (type.find((t) => t !== 'null') ?? type[0]) as string | undefined;
	if (typeof type === 'string') return type;
	if (schema.properties) return 'object';
	if (schema.items) return 'array';
	return undefined;
}

function sampleString(schema: Schema, name: string, ctx: SampleContext): string {
	const formats: Record<string, string> = {
		date: '2024-01-15',
		'date-time': '2024-01-15T12:00:00Z',
		email: 'research@example.com',
		uri: `https://example.com/${encodeURIComponent(name)}`,
		url: `https://example.com/${encodeURIComponent(name)}`,
	};
	let text = formats[schema.format as string] ?? `${name} for ${ctx.about}`;
	const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
	if (text.length < min) text = text.padEnd(min, '.');
	if (typeof schema.maxLength === 'number') text = text.slice(0, schema.maxLength);
	return text;
}

function sampleNumber(schema: Schema, path: string, ctx: SampleContext, integer: boolean): number {
	const min = typeof schema.minimum === 'number' ? schema.minimum : 0;
	const max = typeof schema.maximum === 'number' ? schema.maximum : min + 1000;
	const span = Math.max(0, max - min);
	const raw = min + (fnv1a(ctx.seed + path) % (Math.floor(span) + 1));
	if (integer) return Math.min(Math.ceil(raw), Math.floor(max));
	return Math.min(raw + (span >= 1 ? 0.5 : 0), max);
}

/** A value that validates against `schema` (the subset notes 7 allows in output schemas). */
export function sampleValue(schema: unknown, path: string, ctx: SampleContext, depth = 0): unknown {
	if (!schema || typeof schema !== 'object' || depth > MAX_DEPTH) return `${path} for ${ctx.about}`;
	const s = schema as Schema;
	const name = path.split('.').pop() || 'value';
	if ('const' in s) return s.const;
	if (Array.isArray(s.enum) && s.enum.length) return s.enum[fnv1a(ctx.seed + path) % s.enum.length];
	const union = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
	if (Array.isArray(union) && union.length) return sampleValue(union[0], path, ctx, depth + 1);
	if (Array.isArray(s.allOf) && s.allOf.length)
		return sampleValue(s.allOf[0], path, ctx, depth + 1);
	switch (firstType(s)) {
		case 'object':
			return sampleObject(s, path, ctx, depth);
		case 'array': {
			const count = Math.max(typeof s.minItems === 'number' ? s.minItems : 0, 2);
			const limit = typeof s.maxItems === 'number' ? Math.min(count, s.maxItems) : count;
			return Array.from({ length: limit }, (_, i) =>
				sampleValue(s.items ?? { type: 'string' }, `${path}.${i}`, ctx, depth + 1),
			);
		}
		case 'integer':
			return sampleNumber(s, path, ctx, true);
		case 'number':
			return sampleNumber(s, path, ctx, false);
		case 'boolean':
			return fnv1a(ctx.seed + path) % 2 === 0;
		case 'null':
			return null;
		default:
			return sampleString(s, name, ctx);
	}
}

function sampleObject(
	schema: Schema,
	path: string,
	ctx: SampleContext,
	depth: number,
): Record<string, unknown> {
	const result: Record<string, unknown> = {};
	const properties = (schema.properties ?? {}) as Record<string, unknown>;
	for (const [key, sub] of Object.entries(properties)) {
		result[key] = sampleValue(sub, path ? `${path}.${key}` : key, ctx, depth + 1);
	}
	for (const key of (schema.required ?? []) as string[]) {
		if (!(key in result)) result[key] = `${key} for ${ctx.about}`;
	}
	return result;
}

const AUTO_SCHEMA: Schema = {
	type: 'object',
	properties: {
		summary: { type: 'string', description: 'A short answer to the task' },
		key_facts: { type: 'array', items: { type: 'string' }, description: 'Supporting facts' },
		confidence_score: { type: 'number', description: 'Confidence between 0 and 1' },
	},
	required: ['summary', 'key_facts', 'confidence_score'],
	additionalProperties: false,
};

function basisFor(field: string, value: unknown, runId: string, ctx: SampleContext): FieldBasis {
	return {
		field,
		reasoning: `Emulated reasoning for ${field} of ${ctx.about}.`,
		confidence: fnv1a(ctx.seed + field) % 2 === 0 ? 'high' : 'medium',
		citations: [
			{
				url: `https://example.com/emulator/${runId}/${encodeURIComponent(field)}`,
				title: `Emulated source for ${field}`,
				excerpts: [`${field}: ${JSON.stringify(value ?? null).slice(0, 120)}`],
			},
		],
	};
}

function pad(basis: FieldBasis[], bytes: number): void {
	if (bytes <= 0 || !basis.length) return;
	const filler = 'Emulated padding excerpt. '.repeat(Math.ceil(bytes / 26)).slice(0, bytes);
	basis[0].citations?.[0]?.excerpts?.push(filler);
}

/** The completed output of a run, deterministic from its input and run id. */
export function buildOutput(input: TaskRunInput, runId: string, padBytes: number): TaskRunOutput {
	const ctx: SampleContext = {
		about: describeInput(input.input),
		seed: JSON.stringify(input.input),
	};
	const form = outputKind(input.task_spec);
	if (form.kind === 'text') {
		const content =
			`Emulated answer for "${ctx.about}"` +
			(form.description ? ` (${form.description})` : '') +
			'.';
		const basis = [basisFor('output', content, runId, ctx)];
		pad(basis, padBytes);
		return { type: 'text', content, basis, mcp_tool_calls: null, beta_fields: null };
	}
	const schema = form.kind === 'json' ? form.schema : AUTO_SCHEMA;
	let content: Record<string, unknown>;
	if (form.kind === 'auto') {
		content = {
			summary: `Emulated research summary for ${ctx.about}`,
			key_facts: [`First fact about ${ctx.about}`, `Second fact about ${ctx.about}`],
			confidence_score: 0.8,
		};
	} else {
		const value = sampleValue(schema, '', ctx);
		// Parallel requires an object at the root; anything else is wrapped so content stays an object.
		content =
			value && typeof value === 'object' && !Array.isArray(value)
				? (value as Record<string, unknown>)
				: { output: value };
	}
	const basis = Object.entries(content).map(([field, value]) => basisFor(field, value, runId, ctx));
	if (!basis.length) basis.push(basisFor('output', content, runId, ctx));
	pad(basis, padBytes);
	const output: TaskRunJsonOutput = {
		type: 'json',
		content,
		basis,
		mcp_tool_calls: null,
		beta_fields: null,
		output_schema: form.kind === 'auto' ? AUTO_SCHEMA : null,
	};
	return output;
}

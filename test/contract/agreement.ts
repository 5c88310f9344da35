// Compares the project's contract (schemas.ts, endpoints.ts) with Parallel's OpenAPI document and
// lists every disagreement: a missing endpoint, status or query parameter; a field the project
// declares that the document does not have, or the reverse for a field the document requires; a
// different type, enum or required flag. Descriptions, defaults and formats are not compared.
import { ENDPOINTS, EVENT_SCHEMAS } from './endpoints';
import type { Answer } from './endpoints';
import { CONTRACT_DOCUMENT } from './schemas';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON Schema and OpenAPI nodes of any shape
type Schema = Record<string, any>;

/** One alternative of a schema: a single JSON type with what the comparison looks at. */
interface Alternative {
	type: string;
	enum?: unknown[];
	properties?: Record<string, Alternative[]>;
	required?: Set<string>;
	items?: Alternative[];
	values?: Alternative[];
	keys?: Alternative[];
	/** A branch the project accepts on purpose although the document does not list it. */
	tolerated?: boolean;
}

const JSON_TYPES = ['null', 'boolean', 'integer', 'number', 'string', 'object', 'array'];

function typeOfValue(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
	return typeof value;
}

/** Resolves `$ref`s of one document (`#/...` pointers). */
function resolver(document: Schema) {
	return (ref: string): Schema => {
		if (!ref.startsWith('#/')) throw new Error(`Only local $refs are compared, not ${ref}`);
		return ref
			.slice(2)
			.split('/')
			.map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
			.reduce<Schema>((node, part) => node?.[part], document);
	};
}

function normalize(
	schema: Schema | boolean | undefined,
	resolve: (ref: string) => Schema,
	depth = 0,
): Alternative[] {
	if (depth > 40) throw new Error('Schema nesting too deep to compare (a cycle?)');
	if (schema === undefined || schema === true) return [{ type: 'any' }];
	if (schema === false) return [];
	const next = (inner: Schema | boolean | undefined) => normalize(inner, resolve, depth + 1);
	const tolerated = (alternatives: Alternative[]) =>
		schema['x-tolerates'] ? alternatives.map((alt) => ({ ...alt, tolerated: true })) : alternatives;
	if (schema.$ref) return tolerated(next(resolve(schema.$ref)));
	const union = schema.anyOf ?? schema.oneOf;
	if (union) return tolerated((union as Schema[]).flatMap((branch) => next(branch)));
	if (schema.allOf?.length === 1) return tolerated(next(schema.allOf[0]));
	if (schema.allOf) throw new Error('allOf with several parts is not compared');

	const values = schema.const !== undefined ? [schema.const] : schema.enum;
	let types: string[];
	if (schema.type) types = Array.isArray(schema.type) ? schema.type : [schema.type];
	else if (values) types = [...new Set<string>(values.map(typeOfValue))];
	else if (schema.properties) types = ['object'];
	else return tolerated([{ type: 'any' }]);

	return tolerated(
		types.map((type) => {
			if (!JSON_TYPES.includes(type)) throw new Error(`Unknown JSON type ${type}`);
			const alt: Alternative = { type };
			if (values)
				alt.enum = values.filter(
					(value: unknown) => typeOfValue(value) === type || type === 'number',
				);
			if (type === 'object') {
				alt.properties = Object.fromEntries(
					Object.entries<Schema>(schema.properties ?? {}).map(([name, inner]) => [
						name,
						next(inner),
					]),
				);
				alt.required = new Set(schema.required ?? []);
				if (typeof schema.additionalProperties === 'object')
					alt.values = next(schema.additionalProperties);
				if (schema.propertyNames) alt.keys = next(schema.propertyNames);
			}
			if (type === 'array' && schema.items) alt.items = next(schema.items);
			return alt;
		}),
	);
}

/** `string`, `string ["a","b"]`, or `object "task_run.state"` for an object tagged by its `type`. */
function label(alt: Alternative): string {
	if (alt.enum) return `${alt.type} ${JSON.stringify(alt.enum)}`;
	const tag = alt.properties?.type?.[0]?.enum;
	return tag ? `${alt.type} ${JSON.stringify(tag.length === 1 ? tag[0] : tag)}` : alt.type;
}

const isAny = (node: Alternative[]) => node.some((alt) => alt.type === 'any');
const same = (a: unknown[], b: unknown[]) =>
	a.length === b.length && a.every((value) => b.some((other) => other === value));

/** Which object alternative of `candidates` stands for `alt`: same `type` tag, else most shared fields. */
function counterpart(alt: Alternative, candidates: Alternative[]): Alternative | undefined {
	const same_type = candidates.filter((candidate) => candidate.type === alt.type);
	if (same_type.length <= 1) return same_type[0];
	const tag = (a: Alternative) => JSON.stringify(a.properties?.type?.[0]?.enum ?? null);
	const tagged = same_type.find((candidate) => tag(candidate) === tag(alt) && tag(alt) !== 'null');
	if (tagged) return tagged;
	const shared = (a: Alternative) =>
		Object.keys(a.properties ?? {}).filter((name) => name in (alt.properties ?? {})).length;
	return [...same_type].sort((a, b) => shared(b) - shared(a))[0];
}

/** Appends to `problems` every way `project` and `official` disagree at `where`. */
export function compareSchemas(
	project: Alternative[],
	official: Alternative[],
	where: string,
	problems: string[],
): void {
	if (isAny(project) || isAny(official)) return;
	const mine = project.filter((alt) => !alt.tolerated);
	const kinds = (node: Alternative[]) => node.map(label).sort().join(' | ');
	const theirsUsed = new Set<Alternative>();
	for (const alt of mine) {
		const other = counterpart(
			alt,
			official.filter((candidate) => !theirsUsed.has(candidate)),
		);
		if (!other) {
			problems.push(
				`${where}: the project allows ${label(alt)}; the document has ${kinds(official)}`,
			);
			continue;
		}
		theirsUsed.add(other);
		compareAlternative(alt, other, where, problems);
	}
	for (const other of official) {
		if (!theirsUsed.has(other)) {
			problems.push(
				`${where}: the document allows ${label(other)}; the project has ${kinds(mine)}`,
			);
		}
	}
}

function compareAlternative(
	mine: Alternative,
	theirs: Alternative,
	where: string,
	problems: string[],
) {
	if (mine.enum || theirs.enum) {
		if (!mine.enum || !theirs.enum || !same(mine.enum, theirs.enum)) {
			problems.push(
				`${where}: values ${JSON.stringify(mine.enum ?? 'any')} in the project, ${JSON.stringify(theirs.enum ?? 'any')} in the document`,
			);
		}
	}
	if (mine.type === 'array' && mine.items && theirs.items) {
		compareSchemas(mine.items, theirs.items, `${where}[]`, problems);
	}
	if (mine.type !== 'object') return;
	const theirProperties = theirs.properties ?? {};
	for (const [name, node] of Object.entries(mine.properties ?? {})) {
		if (!(name in theirProperties)) {
			problems.push(`${where}.${name}: the project declares it; the document does not have it`);
			continue;
		}
		const mineRequired = mine.required!.has(name);
		if (mineRequired !== theirs.required!.has(name)) {
			problems.push(
				`${where}.${name}: ${mineRequired ? 'required' : 'optional'} in the project, ${mineRequired ? 'optional' : 'required'} in the document`,
			);
		}
		compareSchemas(node, theirProperties[name], `${where}.${name}`, problems);
	}
	for (const name of theirs.required ?? []) {
		if (!(name in (mine.properties ?? {}))) {
			problems.push(`${where}.${name}: required by the document; the project does not declare it`);
		}
	}
	if (mine.values && theirs.values)
		compareSchemas(mine.values, theirs.values, `${where}{*}`, problems);
	if (mine.keys || theirs.keys) {
		compareSchemas(
			mine.keys ?? [{ type: 'any' }],
			theirs.keys ?? [{ type: 'any' }],
			`${where} keys`,
			problems,
		);
		if (!mine.keys !== !theirs.keys)
			problems.push(`${where}: key names restricted on one side only`);
	}
}

/** Every disagreement between the project's contract and Parallel's document; [] when they agree. */
export function disagreements(document: Schema): string[] {
	const problems: string[] = [];
	const official = resolver(document);
	const project = resolver(CONTRACT_DOCUMENT);
	const projectNode = (schema: Schema) => normalize(schema, project);
	const projectSchema = (name: string) => projectNode({ $ref: `#/$defs/${name}` });
	const officialNode = (schema: Schema | undefined) => normalize(schema, official);
	const errorResponse = officialNode({ $ref: '#/components/schemas/ErrorResponse' });

	const answerNode = (answer: Answer) =>
		'json' in answer
			? projectSchema(answer.json)
			: projectNode({
					anyOf: answer.events.map((type) => ({ $ref: `#/$defs/${EVENT_SCHEMAS[type]}` })),
				});

	for (const endpoint of ENDPOINTS.filter((e) => e.official)) {
		for (const prefix of endpoint.prefixes) {
			const template = `${prefix}${endpoint.path}`;
			const name = `${endpoint.method} ${template}`;
			const operation = document.paths?.[template]?.[endpoint.method.toLowerCase()];
			if (!operation) {
				problems.push(`${name}: not in the document`);
				continue;
			}
			if (endpoint.request) {
				const body = operation.requestBody?.content?.['application/json']?.schema;
				if (!body) problems.push(`${name}: the document has no JSON request body`);
				else
					compareSchemas(
						projectSchema(endpoint.request),
						officialNode(body),
						`${name} request`,
						problems,
					);
			}
			const parameters: Schema[] = operation.parameters ?? [];
			for (const [param, schema] of Object.entries(endpoint.query ?? {})) {
				const theirs = parameters.find((p) => p.in === 'query' && p.name === param);
				if (!theirs) problems.push(`${name} ?${param}: not in the document`);
				else
					compareSchemas(
						projectNode(schema),
						officialNode(theirs.schema),
						`${name} ?${param}`,
						problems,
					);
			}
			for (const status of Object.keys(operation.responses ?? {})) {
				if (!endpoint.responses[Number(status)]) {
					problems.push(
						`${name} ${status}: in the document; the project's contract does not list it`,
					);
				}
			}
			for (const [status, answer] of Object.entries(endpoint.responses)) {
				const content = operation.responses?.[status]?.content;
				const where = `${name} ${status}`;
				if ('events' in answer) {
					const stream = content?.['text/event-stream']?.schema;
					if (!stream) problems.push(`${where}: the document has no event stream`);
					else compareSchemas(answerNode(answer), officialNode(stream), where, problems);
					continue;
				}
				// A status the document lists without a body is answered with its ErrorResponse.
				const json = content?.['application/json']?.schema;
				compareSchemas(
					answerNode(answer),
					json ? officialNode(json) : errorResponse,
					where,
					problems,
				);
			}
		}
	}
	return problems;
}

// Parallel's OpenAPI document, when it is beside the repo (../contract/officialDocument.ts; never
// copied into the repo), as Ajv validators: the emulator's answers are checked against it as well
// as against the project's own contract.
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

import type { ResponseChecks } from '../contract/projectContract';
import type { JsonBody } from './helpers';

const SPEC_ID = 'https://emulator.test/parallel-openapi.json';

const pointer = (...parts: string[]) =>
	parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

const EVENT_SCHEMAS: Record<string, string> = {
	'task_run.state': 'TaskRunEvent',
	task_group_status: 'TaskGroupStatusEvent',
	error: 'ErrorEvent',
};

export class OpenApiContract implements ResponseChecks {
	/** `<METHOD> <spec path> <status>` of every response checked. */
	readonly covered = new Set<string>();
	private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
	private readonly validators = new Map<string, ValidateFunction>();

	constructor(readonly spec: JsonBody) {
		addFormats(this.ajv);
		// The whole document as one schema, so `#/components/schemas/X` refs resolve inside it.
		this.ajv.addSchema({ ...spec, $id: SPEC_ID });
	}

	/** Throws unless `data` validates against a component (by name) or a full `$ref`. */
	assertValid(schema: string, data: unknown, what: string): void {
		const ref = schema.includes('#') ? schema : `${SPEC_ID}#/components/schemas/${schema}`;
		let validate = this.validators.get(ref);
		if (!validate) {
			validate = this.ajv.compile({ $ref: ref });
			this.validators.set(ref, validate);
		}
		if (!validate(data)) {
			const errors = this.ajv.errorsText(validate.errors);
			const sample = JSON.stringify(data).slice(0, 600);
			throw new Error(`${what} does not match ${ref}:\n${errors}\n${sample}`);
		}
	}

	/** The spec path template (e.g. /v1/tasks/groups/{taskgroup_id}) a concrete path matches. */
	templateOf(concrete: string): string {
		const pathname = concrete.split('?')[0];
		const template = Object.keys(this.spec.paths).find((candidate) =>
			new RegExp(`^${candidate.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathname),
		);
		if (!template) throw new Error(`No operation in the spec for ${concrete}`);
		return template;
	}

	/**
	 * Validates a JSON response against the operation's schema for that status code, or against
	 * ErrorResponse when the spec lists no schema for it (e.g. 401/403/404/429 on group routes).
	 */
	checkJson(method: string, concrete: string, status: number, body: unknown): void {
		const template = this.templateOf(concrete);
		const verb = method.toLowerCase();
		const response = this.spec.paths[template][verb]?.responses?.[String(status)];
		const ref = response?.content?.['application/json']?.schema
			? `${SPEC_ID}#/${pointer('paths', template, verb, 'responses', String(status), 'content', 'application/json', 'schema')}`
			: 'ErrorResponse';
		this.assertValid(ref, body, `${method} ${concrete} ${status}`);
		this.covered.add(`${method} ${template} ${status}`);
	}

	/** Validates stream events against the operation's event-stream schema and their own type. */
	checkEvents(concrete: string, events: JsonBody[]): void {
		const template = this.templateOf(concrete);
		const streamRef = `${SPEC_ID}#/${pointer('paths', template, 'get', 'responses', '200', 'content', 'text/event-stream', 'schema')}`;
		for (const event of events) {
			this.assertValid(streamRef, event, `event on ${concrete}`);
			this.assertValid(
				EVENT_SCHEMAS[event.type] ?? 'missing',
				event,
				`${event.type} on ${concrete}`,
			);
		}
		this.covered.add(`GET ${template} 200`);
	}

	/** Every status the spec lists, plus 401 and 429, for operations not in `skip`, not yet seen. */
	uncovered(skip: (template: string) => boolean): string[] {
		const missing: string[] = [];
		for (const [template, operations] of Object.entries<JsonBody>(this.spec.paths)) {
			if (skip(template)) continue;
			for (const [method, operation] of Object.entries<JsonBody>(operations)) {
				const statuses = new Set([...Object.keys(operation.responses), '401', '429']);
				for (const status of statuses) {
					const entry = `${method.toUpperCase()} ${template} ${status}`;
					if (!this.covered.has(entry)) missing.push(entry);
				}
			}
		}
		return missing;
	}
}

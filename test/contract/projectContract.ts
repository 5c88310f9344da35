// Validators for the project's own contract (schemas.ts, endpoints.ts): what the emulator answers
// is checked against it in every run, with or without Parallel's document beside the repo.
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

import { ENDPOINTS, EVENT_SCHEMAS } from './endpoints';
import type { Endpoint } from './endpoints';
import { CONTRACT_DOCUMENT, CONTRACT_ID } from './schemas';

export interface ResponseChecks {
	/** Throws unless `data` matches the named schema (a request body, an error body...). */
	assertValid(schema: string, data: unknown, what: string): void;
	/** Throws unless a JSON answer matches the endpoint's schema for that status. */
	checkJson(method: string, concrete: string, status: number, body: unknown): void;
	/** Throws unless every event is one the stream may carry, and matches its schema. */
	checkEvents(concrete: string, events: Array<Record<string, unknown>>): void;
}

const pattern = (template: string) => new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);

export class ProjectContract implements ResponseChecks {
	/** `<METHOD> <prefix><path> <status>` of every answer checked. */
	readonly covered = new Set<string>();
	private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
	private readonly validators = new Map<string, ValidateFunction>();

	constructor() {
		addFormats(this.ajv);
		this.ajv.addSchema(CONTRACT_DOCUMENT);
	}

	assertValid(schema: string, data: unknown, what: string): void {
		let validate = this.validators.get(schema);
		if (!validate) {
			validate = this.ajv.compile({ $ref: `${CONTRACT_ID}#/$defs/${schema}` });
			this.validators.set(schema, validate);
		}
		if (!validate(data)) {
			const errors = this.ajv.errorsText(validate.errors);
			const sample = JSON.stringify(data).slice(0, 600);
			throw new Error(`${what} does not match the project's ${schema}:\n${errors}\n${sample}`);
		}
	}

	/** The endpoint and its full template (`/v1/tasks/groups/{taskgroup_id}`) a request matches. */
	endpointOf(method: string, concrete: string): { endpoint: Endpoint; template: string } {
		const pathname = concrete.split('?')[0];
		for (const endpoint of ENDPOINTS) {
			if (endpoint.method !== method.toUpperCase()) continue;
			for (const prefix of endpoint.prefixes) {
				const template = `${prefix}${endpoint.path}`;
				if (pattern(template).test(pathname)) return { endpoint, template };
			}
		}
		throw new Error(`The project's contract has no endpoint for ${method} ${concrete}`);
	}

	checkJson(method: string, concrete: string, status: number, body: unknown): void {
		const { endpoint, template } = this.endpointOf(method, concrete);
		const answer = endpoint.responses[status];
		if (!answer) {
			throw new Error(
				`${method} ${concrete} answered ${status}, which the project's contract does not list`,
			);
		}
		if (!('json' in answer)) throw new Error(`${method} ${concrete} ${status} should be a stream`);
		this.assertValid(answer.json, body, `${method} ${concrete} ${status}`);
		this.covered.add(`${method} ${template} ${status}`);
	}

	checkEvents(concrete: string, events: Array<Record<string, unknown>>): void {
		const { endpoint, template } = this.endpointOf('GET', concrete);
		const answer = endpoint.responses[200];
		if (!answer || !('events' in answer)) throw new Error(`GET ${concrete} is not a stream`);
		for (const event of events) {
			const type = String(event.type);
			if (!answer.events.includes(type)) {
				throw new Error(
					`GET ${concrete} sent a '${type}' event; it carries ${answer.events.join(', ')}`,
				);
			}
			this.assertValid(EVENT_SCHEMAS[type], event, `${type} on ${concrete}`);
		}
		this.covered.add(`GET ${template} 200`);
	}

	/** Every status the contract lists, for every endpoint and prefix, not yet seen. */
	uncovered(): string[] {
		const missing: string[] = [];
		for (const endpoint of ENDPOINTS) {
			for (const prefix of endpoint.prefixes) {
				for (const status of Object.keys(endpoint.responses)) {
					const entry = `${endpoint.method} ${prefix}${endpoint.path} ${status}`;
					if (!this.covered.has(entry)) missing.push(entry);
				}
			}
		}
		return missing;
	}
}

import type { IDataObject } from 'n8n-workflow';

import type { McpServer, Metadata, RunWebhook, SourcePolicy } from '../../shared/models';
import { ItemProblem } from './itemProblem';
import { MAX_INTERACTION_ID, MAX_METADATA_KEY, MAX_METADATA_VALUE } from './limits';

// The run settings that come from the Options collection of Add Runs and Enrich.

function commaList(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean);
}

export function sourcePolicy(options: IDataObject): SourcePolicy | undefined {
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

export function userMetadata(options: IDataObject): Metadata {
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

export function submissionKey(value: unknown): string {
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

export function countryCode(options: IDataObject): string | undefined {
	const location = String(options.location ?? '')
		.trim()
		.toLowerCase();
	if (!location) return undefined;
	if (!/^[a-z]{2}$/.test(location)) {
		throw new ItemProblem(
			`'Location' is '${location}', not a two-letter country code`,
			'Use an ISO 3166-1 alpha-2 code, e.g. us, gb, de.',
		);
	}
	return location;
}

/**
 * The interaction a follow-up builds on: the `interaction_id` of an earlier run, usually from an
 * expression such as {{ $json.interaction_id }}. Empty means a fresh run.
 */
export function previousInteractionId(options: IDataObject): string | undefined {
	const value = options.previousInteractionId;
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value !== 'string') {
		throw new ItemProblem(
			`'Previous Interaction ID' is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not an ID`,
			'Map the interaction_id field of an earlier run, e.g. {{ $json.interaction_id }}.',
		);
	}
	const id = value.trim();
	if (!id) return undefined;
	if (/\s/.test(id) || id.length > MAX_INTERACTION_ID) {
		throw new ItemProblem(
			`'Previous Interaction ID' is not an interaction ID ('${id.slice(0, 40)}${id.length > 40 ? '...' : ''}')`,
			'Use the interaction_id of an earlier run (Get Results, Get Result or Enrich Items with Include Run Info), e.g. trun_9907962f83aa4d9d98fd7f4bf745d654.',
		);
	}
	return id;
}

function httpUrl(value: unknown, what: string, example: string): string {
	const text = String(value ?? '').trim();
	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {
		url = undefined;
	}
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
		throw new ItemProblem(
			`${what} is not an http(s) URL ('${text.slice(0, 80)}')`,
			`Use a full address, e.g. ${example}.`,
		);
	}
	return text;
}

/** The headers of one MCP server: a JSON object of strings. The values are never shown. */
function mcpHeaders(value: unknown, name: string): Record<string, string> | undefined {
	if (value === undefined || value === null || String(value).trim() === '') return undefined;
	let parsed: unknown = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch {
			parsed = undefined;
		}
	}
	const isObject = parsed && typeof parsed === 'object' && !Array.isArray(parsed);
	if (!isObject || Object.values(parsed as object).some((v) => typeof v !== 'string')) {
		// The text itself is left out of the message: it holds secrets.
		throw new ItemProblem(
			`the Headers of MCP server '${name}' are not a JSON object of text values`,
			'Write them like {"Authorization": "Bearer <token>"}.',
		);
	}
	return parsed as Record<string, string>;
}

/** Options > MCP Servers: the remote tools a run's research may call. */
export function mcpServers(options: IDataObject): McpServer[] | undefined {
	const entries = ((options.mcpServers as IDataObject | undefined)?.servers ?? []) as IDataObject[];
	const servers = entries.map((entry, index): McpServer => {
		const name = String(entry.name ?? '').trim();
		if (!name) {
			throw new ItemProblem(
				`MCP server ${index + 1} has no Name`,
				'Give each MCP server a short name, e.g. crm.',
			);
		}
		const url = httpUrl(
			entry.url,
			`the URL of MCP server '${name}'`,
			'https://mcp.example.com/mcp',
		);
		const headers = mcpHeaders(entry.headers, name);
		const tools = commaList(entry.allowedTools);
		return {
			type: 'url',
			name,
			url,
			...(headers ? { headers } : {}),
			...(tools.length ? { allowed_tools: tools } : {}),
		};
	});
	const names = servers.map((server) => server.name);
	const repeated = names.find((name, i) => names.indexOf(name) !== i);
	if (repeated) {
		throw new ItemProblem(
			`two MCP servers are named '${repeated}'`,
			'Give each MCP server its own name.',
		);
	}
	return servers.length ? servers : undefined;
}

/** Add Runs > Options > Webhook URL: Parallel calls it when each run ends (`task_run.status`). */
export function userWebhook(options: IDataObject): RunWebhook | undefined {
	if (options.webhookUrl === undefined || String(options.webhookUrl).trim() === '')
		return undefined;
	const url = httpUrl(options.webhookUrl, "'Webhook URL'", 'https://example.com/parallel-runs');
	return { url, event_types: ['task_run.status'] };
}

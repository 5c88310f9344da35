import type { INodeProperties } from 'n8n-workflow';

import { metadataOption } from '../../shared/commonProperties';
import { DEFAULT_CONCURRENT_POSTS } from '../helpers/limits';
import { apiVersionOption } from './shared';

export function byDisplayName(options: INodeProperties[]): INodeProperties[] {
	return [...options].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** Options of every operation that turns items into runs (Add Runs, Enrich). */
export const runOptions: INodeProperties[] = [
	{
		displayName: 'After Date',
		name: 'afterDate',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2025-01-31',
		description: 'Only use sources published on or after this date (YYYY-MM-DD)',
	},
	apiVersionOption,
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1000 },
		default: 1000,
		description: 'How many runs to send per request; Parallel accepts up to 1,000',
	},
	{
		displayName: 'Concurrent Requests',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 10 },
		default: DEFAULT_CONCURRENT_POSTS,
		description:
			'How many add-runs requests (up to 1,000 runs each) to send at the same time. Parallel allows about 2,000 such requests a minute.',
	},
	{
		displayName: 'Enable Progress Events',
		name: 'enableEvents',
		type: 'boolean',
		default: false,
		description:
			"Whether Parallel records each run's detailed progress (plan, searches, sources read) for Task Run > Get Progress. Pro processors and above record it anyway; it cannot be turned on after a run was added.",
	},
	{
		displayName: 'Exclude Domains',
		name: 'excludeDomains',
		type: 'string',
		default: '',
		placeholder: 'e.g. wikipedia.org, reddit.com',
		description: 'Comma-separated domains Parallel must not use as sources',
	},
	{
		displayName: 'Idempotency Key',
		name: 'idempotencyKey',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.row_id }}',
		description:
			'A value unique to each item, such as a row ID. Items whose key already has a run in the task group are not sent again; the existing run is returned. Lets a scheduled workflow skip rows it already researched.',
	},
	{
		displayName: 'Include Domains',
		name: 'includeDomains',
		type: 'string',
		default: '',
		placeholder: 'e.g. sec.gov, company.com',
		description:
			'Comma-separated domains Parallel may use as sources; leave empty for the whole web',
	},
	{
		displayName: 'Input JSON Schema',
		name: 'inputSchema',
		type: 'json',
		default: '',
		description: 'Optional JSON schema that describes the input fields, to help Parallel read them',
	},
	{
		displayName: 'Location',
		name: 'location',
		type: 'string',
		default: '',
		placeholder: 'e.g. us',
		description: 'Two-letter country code to research from (ISO 3166-1 alpha-2)',
	},
	{
		displayName: 'MCP Servers',
		name: 'mcpServers',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add MCP Server',
		description: "Remote MCP servers whose tools each run's research may call",
		hint: 'Processor limits (Parallel docs): lite and core runs make a single tool call; use pro or above for research that needs several. Header values are sent only to Parallel and never appear in outputs, errors or logs.',
		options: [
			{
				displayName: 'Server',
				name: 'servers',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. crm',
						description: 'A short name for the server, unique in this list',
					},
					{
						displayName: 'URL',
						name: 'url',
						type: 'string',
						default: '',
						placeholder: 'e.g. https://mcp.example.com/mcp',
						description: "The server's MCP endpoint (http or https)",
					},
					{
						displayName: 'Headers',
						name: 'headers',
						type: 'string',
						typeOptions: { password: true },
						default: '',
						placeholder: 'e.g. {"Authorization": "Bearer <token>"}',
						description:
							'A JSON object of headers Parallel sends to the server, such as its access token',
					},
					{
						displayName: 'Allowed Tools',
						name: 'allowedTools',
						type: 'string',
						default: '',
						placeholder: 'e.g. search_accounts, get_account',
						description:
							"Comma-separated tool names the run may call; leave empty for all the server's tools",
					},
				],
			},
		],
	},
	metadataOption('Key-value pairs stored with each run (keys up to 16 characters)'),
	{
		displayName: 'Previous Interaction ID',
		name: 'previousInteractionId',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.interaction_id }}',
		description:
			'Ask a follow-up: the interaction_id of an earlier run whose research this run builds on. Map it per item from the interaction_id field of Get Results, Get Result or Enrich Items (with Include Run Info). Leave empty for a fresh run.',
	},
	{
		displayName: 'Settle Window (Seconds)',
		name: 'settleWindowSeconds',
		type: 'number',
		// policy.ts (settle) says why 60 s; a unit test keeps the two equal.
		typeOptions: { minValue: 0, maxValue: 600, numberPrecision: 1 },
		default: 60,
		description:
			'When a request to add runs fails without a clear answer (a timeout, a lost connection, a 5xx), how long to keep checking the task group for its runs before sending the missing ones again. A batch Parallel adds within this time is never sent twice.',
	},
];

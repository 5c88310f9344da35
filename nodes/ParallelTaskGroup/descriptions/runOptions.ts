import type { INodeProperties } from 'n8n-workflow';

import { metadataOption } from '../../shared/commonProperties';
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
		default: 4,
		description: 'How many add-runs requests to send at the same time',
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
	metadataOption('Key-value pairs stored with each run (keys up to 16 characters)'),
	{
		displayName: 'Previous Interaction ID',
		name: 'previousInteractionId',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.interaction_id }}',
		description:
			'Ask a follow-up: the interaction_id of an earlier run whose research this run builds on. Map it per item from Get Results, Get Result or Enrich Items (with Include Run Info), e.g. {{ $json.interaction_id }}. Leave empty for a fresh run.',
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

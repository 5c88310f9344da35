import type { INodeProperties } from 'n8n-workflow';

import { includeInputOption, includeOutputOption } from '../../../../shared/commonProperties';
import { RUN_STATUSES } from '../../../../shared/models';
import { STATUS_MEANINGS } from '../../../../shared/statuses';
import {
	apiVersionOption,
	forGroupOperations,
	simplifyProperty,
} from '../../../descriptions/shared';

const statusName = (status: string) =>
	status.charAt(0).toUpperCase() + status.slice(1).replace(/_/g, ' ');

export const getResultsProperties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: true,
		description: 'Whether to return all results or only up to a given limit',
		hint: 'Applies when the input items carry no run IDs; items with a run_id each get their own run',
		displayOptions: forGroupOperations(['getResults']),
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		hint: "Per task group. Each result carries 'next_cursor': put the last one in 'Start After' (Options) to read the next page.",
		displayOptions: {
			show: { resource: ['taskGroup'], operation: ['getResults'], returnAll: [false] },
		},
	},
	simplifyProperty(forGroupOperations(['getResults'])),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: forGroupOperations(['getResults']),
		options: [
			apiVersionOption,
			includeInputOption,
			includeOutputOption,
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Any', value: '' },
					...RUN_STATUSES.map((status) => ({
						name: statusName(status),
						value: status,
						description: STATUS_MEANINGS[status],
					})),
				],
				default: '',
				description: 'Return only runs with this status',
			},
			{
				displayName: 'Start After',
				name: 'startAfter',
				type: 'string',
				default: '',
				placeholder: 'e.g. {{ $json.next_cursor }}',
				description:
					"Return only the runs after this cursor: the 'next_cursor' of the last result of the previous page. Empty: from the group's first run.",
			},
		],
	},
];

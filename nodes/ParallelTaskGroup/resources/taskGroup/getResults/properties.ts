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
		],
	},
];

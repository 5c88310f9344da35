import type { INodeProperties } from 'n8n-workflow';

import { apiVersionOption, forGroupOperations } from '../../../descriptions/shared';

export const createProperties: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: forGroupOperations(['create']),
		options: [
			apiVersionOption,
			{
				displayName: 'Metadata',
				name: 'metadata',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				placeholder: 'Add Metadata',
				description: 'Key-value pairs stored with the task group, e.g. the source sheet',
				options: [
					{
						name: 'values',
						displayName: 'Metadata',
						values: [
							{ displayName: 'Key', name: 'key', type: 'string', default: '' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
		],
	},
];

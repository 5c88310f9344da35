import type { INodeProperties } from 'n8n-workflow';

import { apiVersionOption, forGroupOperations } from '../../../descriptions/shared';

export const getProperties: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: forGroupOperations(['get']),
		options: [apiVersionOption],
	},
];

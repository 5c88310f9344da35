import type { INodeProperties } from 'n8n-workflow';

import { apiVersionOption } from '../../../descriptions/shared';
import { forRunOperations } from '../shared';

export const getRunProperties: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: forRunOperations(['get']),
		options: [apiVersionOption],
	},
];

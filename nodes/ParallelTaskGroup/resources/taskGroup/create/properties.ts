import type { INodeProperties } from 'n8n-workflow';

import { metadataOption } from '../../../../shared/commonProperties';
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
			metadataOption('Key-value pairs stored with the task group, e.g. the source sheet'),
		],
	},
];

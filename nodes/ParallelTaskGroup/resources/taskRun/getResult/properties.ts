import type { INodeProperties } from 'n8n-workflow';

import {
	apiVersionOption,
	maxWaitSecondsProperty,
	simplifyProperty,
} from '../../../descriptions/shared';
import { forRunOperations } from '../shared';

export const getRunResultProperties: INodeProperties[] = [
	maxWaitSecondsProperty(forRunOperations(['getResult']), 60),
	simplifyProperty(forRunOperations(['getResult'])),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: forRunOperations(['getResult']),
		options: [
			apiVersionOption,
			{
				displayName: 'Fail on Timeout',
				name: 'failOnTimeout',
				type: 'boolean',
				default: false,
				description:
					"Whether to fail the item when the run is still active after 'Max Wait (Seconds)'. Otherwise the item comes back with the run's status and 'timed_out' set.",
			},
		],
	},
];

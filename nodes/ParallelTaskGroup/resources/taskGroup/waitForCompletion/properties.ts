import type { INodeProperties } from 'n8n-workflow';

import {
	apiVersionOption,
	forGroupOperations,
	maxWaitSecondsProperty,
} from '../../../descriptions/shared';

export const waitForCompletionProperties: INodeProperties[] = [
	maxWaitSecondsProperty(forGroupOperations(['waitForCompletion']), 300),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: forGroupOperations(['waitForCompletion']),
		options: [
			apiVersionOption,
			{
				displayName: 'Fail on Timeout',
				name: 'failOnTimeout',
				type: 'boolean',
				default: false,
				description:
					"Whether to stop the workflow with an error when the group is still running after 'Max Wait (Seconds)'. Otherwise the node returns the group's status with 'completed' set to false.",
			},
		],
	},
];

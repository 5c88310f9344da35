import type { INodeProperties } from 'n8n-workflow';

import {
	apiVersionOption,
	failOnTimeoutOption,
	forGroupOperations,
	maxWaitSecondsProperty,
} from '../../../descriptions/shared';
import { whileRunning, whileWaitingProperty } from '../../../descriptions/whileWaiting';

export const waitForCompletionProperties: INodeProperties[] = [
	whileWaitingProperty('waitForCompletion'),
	maxWaitSecondsProperty(whileRunning('waitForCompletion'), 300),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: forGroupOperations(['waitForCompletion']),
		options: [
			apiVersionOption,
			failOnTimeoutOption(
				'the group is still running',
				"the node returns the group's status with 'completed' set to false",
			),
		],
	},
];

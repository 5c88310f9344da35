import type { INodeProperties } from 'n8n-workflow';

import {
	apiVersionOption,
	failOnTimeoutOption,
	maxWaitSecondsProperty,
	simplifyProperty,
} from '../../../descriptions/shared';
import { includeFullBasisProperty, withToolDefault } from '../../../descriptions/toolMode';
import { forRunOperations } from '../shared';

export const getRunResultProperties: INodeProperties[] = [
	maxWaitSecondsProperty(forRunOperations(['getResult']), 60),
	// As an AI Agent tool (1.1) the answer is always compact: see Include Full Basis.
	...withToolDefault(simplifyProperty(forRunOperations(['getResult']))),
	includeFullBasisProperty(forRunOperations(['getResult'])),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: forRunOperations(['getResult']),
		options: [
			apiVersionOption,
			failOnTimeoutOption(
				'the run is still active',
				"the item comes back with the run's status and 'timed_out' set",
			),
		],
	},
];

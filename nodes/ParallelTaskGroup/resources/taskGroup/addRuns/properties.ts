import type { INodeProperties } from 'n8n-workflow';

import { byDisplayName, runOptions } from '../../../descriptions/runOptions';
import { forGroupOperations } from '../../../descriptions/shared';

export const addRunsProperties: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: forGroupOperations(['addRuns']),
		options: byDisplayName([
			...runOptions,
			{
				displayName: 'Include Input Fields',
				name: 'includeInputFields',
				type: 'boolean',
				default: false,
				description: "Whether to keep the input item's fields in the output, next to the run ID",
			},
		]),
	},
];

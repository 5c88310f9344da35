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
				displayName: 'Call Back This Execution',
				name: 'callBackExecution',
				type: 'boolean',
				default: false,
				description:
					"Whether each run calls this execution back when it ends, so that a later Wait for Completion set to 'Pause the Execution' resumes as soon as the group is done. Needs a webhook URL Parallel can reach (WEBHOOK_URL).",
			},
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

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
				displayName: 'Webhook URL',
				name: 'webhookUrl',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://example.com/parallel-runs',
				description:
					"Your own address that Parallel calls when each run ends (a task_run.status event with the run, signed with your account's webhook secret). Cannot be combined with 'Call Back This Execution': a run has one webhook.",
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

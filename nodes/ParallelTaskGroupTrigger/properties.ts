import {
	apiVersionOption,
	includeInputOption,
	includeOutputOption,
	SIMPLIFY_DESCRIPTION,
} from '../shared/commonProperties';
import type { INodeProperties } from 'n8n-workflow';

export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Task Group ID',
		name: 'taskGroupId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. tgrp_fdd6b37846aa47afb0492bf91d08d9c0',
		description:
			'The task group to listen to. Runs can be added to it at any time, by any workflow.',
	},
	{
		displayName: 'Trigger On',
		name: 'events',
		type: 'multiOptions',
		options: [
			{
				name: 'Group Completed',
				value: 'groupCompleted',
				description: 'The group has no active runs left: emits its status',
			},
			{
				name: 'Run Completed',
				value: 'runCompleted',
				description: 'A run finished: emits the run with its output',
			},
			{
				name: 'Run Failed',
				value: 'runFailed',
				description:
					"A run failed or was cancelled: emits the run with Parallel's message. A run waiting for an action (action_required) has not ended and is not emitted; Group Completed lists it under status_notes.",
			},
		],
		default: ['runCompleted'],
		required: true,
		description: 'Which events start the workflow; each event starts one execution',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			apiVersionOption,
			{
				displayName: 'Emit Runs Finished Before Activation',
				name: 'includeEarlier',
				type: 'boolean',
				default: true,
				description:
					'Whether the first activation also emits runs that had already finished. Later activations always resume where the trigger stopped.',
			},
			{
				displayName: 'Idle Check Interval (Seconds)',
				name: 'maxIdleSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
				description:
					'While the group has no active runs, how often at most to look for new ones (Parallel closes the stream of an idle group)',
			},
			includeInputOption,
			{
				...includeOutputOption,
				description:
					"Whether to fetch each completed run's output (the events stream carries none)",
			},
			{
				displayName: 'Reconnect After Silence (Seconds)',
				name: 'stallSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 90,
				description:
					'Reopen the stream when it sends nothing, not even a keep-alive, for this long',
			},
			{
				displayName: 'Simplify',
				name: 'simplify',
				type: 'boolean',
				default: true,
				description: SIMPLIFY_DESCRIPTION,
			},
			{
				displayName: 'Skip Runs Already Executed',
				name: 'n8nDeduplication',
				type: 'boolean',
				default: true,
				description:
					"Whether to give each emit a deduplication key (this workflow, this trigger, the run), so that n8n 2.20+ starts no second execution for a run after a restart or a reconnect. Off, or on older n8n, the trigger's own record of its latest 200 runs drops repeats, and an emit n8n accepted but lost while stopping is not sent again.",
			},
		],
	},
];

import type { INodeProperties } from 'n8n-workflow';

import { byDisplayName, runOptions } from '../../../descriptions/runOptions';
import { forGroupOperations, maxWaitSecondsProperty } from '../../../descriptions/shared';
import { includeFullBasisProperty, withToolDefault } from '../../../descriptions/toolMode';
import { whileRunning, whileWaitingProperty } from '../../../descriptions/whileWaiting';

export const enrichProperties: INodeProperties[] = [
	// As an AI Agent tool (1.1): no pause (the agent waits on the answer) and a short wait.
	...withToolDefault(whileWaitingProperty('enrich')),
	...withToolDefault(maxWaitSecondsProperty(whileRunning('enrich'), 240), { default: 60 }),
	includeFullBasisProperty(forGroupOperations(['enrich'])),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: forGroupOperations(['enrich']),
		options: byDisplayName([
			...runOptions,
			{
				displayName: 'Include Basis',
				name: 'includeBasis',
				type: 'boolean',
				default: true,
				description:
					'Whether to add "basis": per field, the reasoning, confidence and citations behind the answer',
			},
			{
				displayName: 'Include Run Info',
				name: 'includeRunInfo',
				type: 'boolean',
				default: false,
				description:
					"Whether to add each item's run_id, interaction_id and taskgroup_id. A later Enrich Items or Add Runs can ask a follow-up on the run by mapping interaction_id to its Previous Interaction ID option.",
			},
			{
				displayName: 'Put Output in Field',
				name: 'outputKey',
				type: 'string',
				default: '',
				placeholder: 'e.g. research',
				description:
					"Put the answer's fields under this field instead of merging them into the item. Leave empty to merge.",
			},
		]),
	},
];

import type { INodeProperties } from 'n8n-workflow';

import { apiVersionOption } from '../../../descriptions/shared';
import { forRunOperations } from '../shared';

export const getRunProgressProperties: INodeProperties[] = [
	{
		displayName: 'Max Wait (Seconds)',
		name: 'maxWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 570 },
		default: 5,
		description:
			"How long to read the run's events. The read returns the progress so far (Parallel replays it at once) and what arrives within this time; it ends earlier when the run ends.",
		hint: 'Progress messages are detailed for runs added with Enable Progress Events on (the default for pro processors and above); other runs report fewer.',
		displayOptions: forRunOperations(['getProgress']),
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: forRunOperations(['getProgress']),
		options: [apiVersionOption],
	},
];

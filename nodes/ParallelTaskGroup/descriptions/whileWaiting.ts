import type { INodeProperties } from 'n8n-workflow';

import { forGroupOperations } from './shared';

/** 'While Waiting': wait in-process (the default, as before) or let n8n park the execution. */
export const whileWaitingProperty = (operation: string): INodeProperties => ({
	displayName: 'While Waiting',
	name: 'whileWaiting',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Keep the Execution Running',
			value: 'keepRunning',
			description:
				"Wait inside this execution up to 'Max Wait (Seconds)', then return what is ready. The instance's execution time limit applies.",
		},
		{
			name: 'Pause the Execution',
			value: 'pause',
			description:
				'The execution is stored and the worker freed; each run calls n8n back when it ends, and the execution resumes with every result. No time limit, survives restarts; needs a webhook URL Parallel can reach (WEBHOOK_URL).',
		},
	],
	default: 'keepRunning',
	description: 'What the execution does while the runs work',
	displayOptions: forGroupOperations([operation]),
});

/** Max Wait only applies while the execution keeps running. */
export const whileRunning = (operation: string): INodeProperties['displayOptions'] => ({
	...forGroupOperations([operation]),
	hide: { whileWaiting: ['pause'] },
});

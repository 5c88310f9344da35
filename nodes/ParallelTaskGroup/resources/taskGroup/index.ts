import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { outputSchemaProperties } from '../../descriptions/outputSchema';
import { processorProperty } from '../../descriptions/processor';
import { runInputProperties } from '../../descriptions/runInput';
import { taskGroupIdProperty } from '../../descriptions/shared';
import { withToolDefault } from '../../descriptions/toolMode';
import { addRunsProperties } from './addRuns/properties';
import { execute as addRuns } from './addRuns/execute';
import { createProperties } from './create/properties';
import { execute as create } from './create/execute';
import { enrichProperties } from './enrich/properties';
import { execute as enrich } from './enrich/execute';
import { getProperties } from './get/properties';
import { execute as get } from './get/execute';
import { getResultsProperties } from './getResults/properties';
import { execute as getResults } from './getResults/execute';
import { waitForCompletionProperties } from './waitForCompletion/properties';
import { execute as waitForCompletion } from './waitForCompletion/execute';

export const taskGroupOperations: Record<
	string,
	(this: IExecuteFunctions, items: INodeExecutionData[]) => Promise<INodeExecutionData[][]>
> = { addRuns, create, enrich, get, getResults, waitForCompletion };

export const taskGroupProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['taskGroup'] } },
		options: [
			{
				name: 'Add Runs',
				value: 'addRuns',
				description:
					'Send each item to a task group as a research run and return its run ID at once',
				action: 'Add runs to a task group',
			},
			{
				name: 'Create',
				value: 'create',
				description: 'Create an empty task group to add runs to',
				action: 'Create a task group',
			},
			{
				name: 'Enrich Items',
				value: 'enrich',
				description: 'Research every item, wait, and return the items with the answers merged in',
				action: 'Enrich items with a task group',
			},
			{
				name: 'Get',
				value: 'get',
				description: "Get a task group's status: run counts by status and whether it is active",
				action: 'Get a task group',
			},
			{
				name: 'Get Results',
				value: 'getResults',
				description: "Get the runs of a task group with their outputs, paired with Add Runs' items",
				action: 'Get results of a task group',
			},
			{
				name: 'Wait for Completion',
				value: 'waitForCompletion',
				description: 'Wait until every run of a task group has finished, up to a time limit',
				action: 'Wait for a task group to complete',
			},
		],
		default: 'enrich',
	},
	taskGroupIdProperty(['addRuns', 'get', 'waitForCompletion', 'getResults'], true),
	taskGroupIdProperty(['enrich'], false),
	...runInputProperties,
	// As an AI Agent tool (1.1), a fast processor: the agent waits for the answer.
	...withToolDefault(processorProperty(['addRuns', 'enrich']), { default: 'base-fast' }),
	...outputSchemaProperties,
	...enrichProperties,
	...addRunsProperties,
	...createProperties,
	...getProperties,
	...getResultsProperties,
	...waitForCompletionProperties,
];

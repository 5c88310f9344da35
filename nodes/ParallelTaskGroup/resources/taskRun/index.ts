import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getRunProperties } from './get/properties';
import { execute as get } from './get/execute';
import { getRunProgressProperties } from './getProgress/properties';
import { execute as getProgress } from './getProgress/execute';
import { getRunResultProperties } from './getResult/properties';
import { execute as getResult } from './getResult/execute';
import { RUN_ID_FROM_AI, withToolDefault } from '../../descriptions/toolMode';
import { runIdProperty } from './shared';

export const taskRunOperations: Record<
	string,
	(this: IExecuteFunctions, items: INodeExecutionData[]) => Promise<INodeExecutionData[][]>
> = { get, getProgress, getResult };

export const taskRunProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['taskRun'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: "Get a task run's status",
				action: 'Get a task run',
			},
			{
				name: 'Get Progress',
				value: 'getProgress',
				description:
					"Get a task run's progress messages and source statistics so far, reading its events for a short time",
				action: 'Get the progress of a task run',
			},
			{
				name: 'Get Result',
				value: 'getResult',
				description: "Get a task run's output, waiting for it up to a time limit",
				action: 'Get the result of a task run',
			},
		],
		default: 'getResult',
	},
	...withToolDefault(runIdProperty, { default: RUN_ID_FROM_AI }),
	...getRunProperties,
	...getRunProgressProperties,
	...getRunResultProperties,
];

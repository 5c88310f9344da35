import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { idParameter } from '../../helpers/items';

export const forRunOperations = (operations: string[]) => ({
	show: { resource: ['taskRun'], operation: operations },
});

export const runIdProperty: INodeProperties = {
	displayName: 'Run ID',
	name: 'runId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. trun_9907962f83aa4d9d98fd7f4bf745d654',
	description: 'The ID of the task run: the run_id field that Add Runs returns',
	displayOptions: forRunOperations(['get', 'getProgress', 'getResult']),
};

export const runIdOf = (context: IExecuteFunctions, itemIndex: number): string =>
	idParameter(context, itemIndex, {
		name: 'runId',
		displayName: 'Run ID',
		hint: 'Use the run_id from Add Runs, e.g. {{ $json.run_id }}, or paste one like trun_9907962f83aa4d9d98fd7f4bf745d654.',
	});

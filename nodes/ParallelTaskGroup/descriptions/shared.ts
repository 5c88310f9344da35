import { SIMPLIFY_DESCRIPTION } from '../../shared/commonProperties';
import type { INodeProperties } from 'n8n-workflow';

/** displayOptions that show a parameter for some operations of the Task Group resource. */
export const forGroupOperations = (operations: string[]) => ({
	show: { resource: ['taskGroup'], operation: operations },
});

export const taskGroupIdProperty = (operations: string[], required: boolean): INodeProperties => ({
	displayName: 'Task Group ID',
	name: 'taskGroupId',
	type: 'string',
	default: '',
	required,
	placeholder: 'e.g. tgrp_fdd6b37846aa47afb0492bf91d08d9c0',
	description: required
		? 'The task group, from Create or an earlier run (expressions allowed)'
		: 'Add the items to this existing task group. Leave empty to create a new group for them.',
	displayOptions: forGroupOperations(operations),
});

export const maxWaitSecondsProperty = (
	displayOptions: INodeProperties['displayOptions'],
	defaultSeconds: number,
): INodeProperties => ({
	displayName: 'Max Wait (Seconds)',
	name: 'maxWaitSeconds',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: defaultSeconds,
	description:
		'How long to wait before returning what is ready. n8n Cloud stops executions after a few minutes, so keep this short there and collect the rest with Get Results or the trigger.',
	displayOptions,
});

export { apiVersionOption } from '../../shared/commonProperties';

export const simplifyProperty = (
	displayOptions: INodeProperties['displayOptions'],
): INodeProperties => ({
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description: SIMPLIFY_DESCRIPTION,
	displayOptions,
});

/** Off by default: running out of time returns what is known, with a flag, instead of failing. */
export const failOnTimeoutOption = (
	whatIsStillActive: string,
	otherwise: string,
): INodeProperties => ({
	displayName: 'Fail on Timeout',
	name: 'failOnTimeout',
	type: 'boolean',
	default: false,
	description: `Whether to fail when ${whatIsStillActive} after 'Max Wait (Seconds)'. Otherwise ${otherwise}.`,
});

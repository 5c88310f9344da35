import type { INodeProperties } from 'n8n-workflow';

import { forGroupOperations } from './shared';
import { QUESTION_FROM_AI, withToolDefault } from './toolMode';

const OPERATIONS = ['addRuns', 'enrich'];

const inputModeProperty: INodeProperties = {
	displayName: 'Input',
	name: 'inputMode',
	type: 'options',
	options: [
		{
			name: 'Whole Item',
			value: 'item',
			description: "Send all of the item's fields as the run's input",
		},
		{
			name: 'Selected Fields',
			value: 'fields',
			description: 'Send only the fields you list',
		},
		{
			name: 'Text Prompt',
			value: 'text',
			description: 'Send a question you write, with expressions for the item',
		},
	],
	default: 'item',
	description: 'What each item sends to Parallel as the input of its run',
	displayOptions: forGroupOperations(OPERATIONS),
};

const inputTextProperty: INodeProperties = {
	displayName: 'Input Text',
	name: 'inputText',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	required: true,
	placeholder: 'e.g. Who is the CEO of {{ $json.company_name }}?',
	description: 'The question to research for each item; use expressions to put item fields in it',
	displayOptions: { show: { ...forGroupOperations(OPERATIONS).show, inputMode: ['text'] } },
};

export const runInputProperties: INodeProperties[] = [
	// As an AI Agent tool (1.1), the model's question is the input.
	...withToolDefault(inputModeProperty, { default: 'text' }),
	{
		displayName: 'Input Fields',
		name: 'inputFields',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. company_name, website',
		description:
			'Comma-separated names of the item fields to send (dot notation for nested fields)',
		displayOptions: { show: { ...forGroupOperations(OPERATIONS).show, inputMode: ['fields'] } },
	},
	...withToolDefault(inputTextProperty, { default: QUESTION_FROM_AI }),
];

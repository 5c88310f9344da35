import type { INodeProperties } from 'n8n-workflow';

import { forGroupOperations } from './shared';
import { OUTPUT_FIELDS_FROM_AI, withToolDefault } from './toolMode';

const OPERATIONS = ['addRuns', 'enrich'];
const show = (types: string[]) => ({
	show: { ...forGroupOperations(OPERATIONS).show, outputSchemaType: types },
});

const outputSchemaTypeProperty: INodeProperties = {
	displayName: 'Output Schema Type',
	name: 'outputSchemaType',
	type: 'options',
	options: [
		{
			name: 'Auto',
			value: 'auto',
			description: 'Parallel decides which fields to return (best with pro and above)',
		},
		{
			name: 'Field Names',
			value: 'fields',
			description: 'List the fields you want by name; each comes back as text',
		},
		{
			name: 'From Example',
			value: 'example',
			description: 'Write the answer you want for one item; the schema is derived from it',
		},
		{
			name: 'JSON Schema',
			value: 'json',
			description: 'Define the fields yourself with a JSON schema',
		},
		{ name: 'Text', value: 'text', description: 'A written answer in one text field' },
	],
	default: 'example',
	description: 'The shape of the answer Parallel returns for each item',
	displayOptions: forGroupOperations(OPERATIONS),
};

const outputFieldsProperty: INodeProperties = {
	displayName: 'Output Fields',
	name: 'outputFields',
	type: 'string',
	default: '',
	placeholder: 'e.g. ceo_name, founded_year',
	description:
		'Comma-separated names of the fields to research, each answered as text. Leave empty for a written answer.',
	displayOptions: show(['fields']),
};

export const outputSchemaProperties: INodeProperties[] = [
	...withToolDefault(outputSchemaTypeProperty, { default: 'fields' }),
	...withToolDefault(outputFieldsProperty, { default: OUTPUT_FIELDS_FROM_AI }),
	{
		displayName: 'Output Example',
		name: 'outputExample',
		type: 'json',
		default:
			'{\n  "ceo_name": "Jane Doe",\n  "employee_count": 1200,\n  "headquarters_city": "Berlin"\n}',
		required: true,
		description:
			'A JSON object with the fields you want and example values; the types and examples guide the research',
		displayOptions: show(['example']),
	},
	{
		displayName: 'Output JSON Schema',
		name: 'outputJsonSchema',
		type: 'json',
		default:
			'{\n  "type": "object",\n  "properties": {\n    "ceo_name": { "type": "string", "description": "Full name of the current CEO" },\n    "employee_count": { "type": "integer", "description": "Number of employees" }\n  },\n  "required": ["ceo_name", "employee_count"],\n  "additionalProperties": false\n}',
		required: true,
		description:
			'A JSON schema of type object. Parallel does not support format, pattern, minimum/maximum or length limits: describe such rules in "description".',
		displayOptions: show(['json']),
	},
	{
		displayName: 'Output Description',
		name: 'outputDescription',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: 'e.g. A two-sentence summary of the company, with its founding year',
		description: 'What the answer should contain, in plain words',
		displayOptions: show(['text', 'json', 'example', 'fields']),
	},
];

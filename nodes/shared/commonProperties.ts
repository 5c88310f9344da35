import type { INodeProperties } from 'n8n-workflow';

/** Parameters both nodes offer. */
export const apiVersionOption: INodeProperties = {
	displayName: 'API Version',
	name: 'apiVersion',
	type: 'options',
	options: [
		{
			name: 'V1 (Recommended)',
			value: 'v1',
			description: 'The generally available Task Group API',
		},
		{
			name: 'V1beta',
			value: 'v1beta',
			description: 'The beta paths, for accounts that still need them',
		},
	],
	default: 'v1',
	description: 'Which API path prefix to call; both serve the same Task Group API',
};

export const SIMPLIFY_DESCRIPTION =
	'Whether to return a simplified version of the response instead of the raw data: the answer fields at the top, with their reasoning and citations under "basis"';

export const includeInputOption: INodeProperties = {
	displayName: 'Include Input',
	name: 'includeInput',
	type: 'boolean',
	default: false,
	description: 'Whether to include the input each run was given',
};

export const includeOutputOption: INodeProperties = {
	displayName: 'Include Output',
	name: 'includeOutput',
	type: 'boolean',
	default: true,
	description: "Whether to include each completed run's research output",
};

/** Key-value pairs, as the API's metadata (keys up to 16 characters). */
export const metadataOption = (description: string): INodeProperties => ({
	displayName: 'Metadata',
	name: 'metadata',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	default: {},
	placeholder: 'Add Metadata',
	description,
	options: [
		{
			name: 'values',
			displayName: 'Metadata',
			values: [
				{ displayName: 'Key', name: 'key', type: 'string', default: '' },
				{ displayName: 'Value', name: 'value', type: 'string', default: '' },
			],
		},
	],
});

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

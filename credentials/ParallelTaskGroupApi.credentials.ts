import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

export class ParallelTaskGroupApi implements ICredentialType {
	name = 'parallelTaskGroupApi';

	displayName = 'Parallel Task Group API';

	icon: Icon = { light: 'file:../icons/parallel.svg', dark: 'file:../icons/parallel.dark.svg' };

	documentationUrl = 'https://docs.parallel.ai/task-api/group-api';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your Parallel API key, from platform.parallel.ai under Settings > API keys',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.parallel.ai',
			description: 'Change only to reach Parallel through a proxy or a local stand-in',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				"Optional. Your account's webhook secret, from platform.parallel.ai under Settings > Webhooks. When set, callbacks to executions paused by this node must carry Parallel's signature.",
		},
	];

	// A function rather than a `={{$credentials.apiKey}}` header template: n8n 2.41 cannot resolve
	// that template for requests a trigger makes after activation (see n8n-notes, traps).
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, 'x-api-key': String(credentials.apiKey ?? '') },
		};
	}

	// Listing monitors is read-only and free: 200 for a valid key, 401 for a bad one.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ ($credentials.baseUrl || "https://api.parallel.ai").replace(/\\/+$/, "") }}',
			url: '/v1/monitors',
			qs: { limit: 1 },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'Parallel did not accept the API key: copy it again from platform.parallel.ai',
				},
			},
		],
	};
}

import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { endpointOf, originOf } from '../nodes/shared/transport/endpoint';

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
			displayName: 'Allow Plain HTTP',
			name: 'allowHttp',
			type: 'boolean',
			default: false,
			description:
				'Whether to accept a Base URL that starts with http:// for a host other than this machine. The API key then crosses the network unencrypted: use it only for a proxy on a network you trust.',
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
	// that template for requests a trigger makes after activation (see n8n-notes, traps). Being
	// code, it also refuses to put the key on a request for any other origin than the Base URL's.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const endpoint = endpointOf(credentials.baseUrl, credentials.allowHttp);
		if (!endpoint.ok) throw new Error(`${endpoint.message}. ${endpoint.description}`);
		const target = originOf(requestOptions.url, requestOptions.baseURL);
		if (target !== endpoint.origin) {
			throw new Error(
				`The Parallel API key is only sent to ${endpoint.origin} (the credential's Base URL), not to ${target ?? 'this address'}`,
			);
		}
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, 'x-api-key': String(credentials.apiKey ?? '') },
			// n8n's helpers would follow a redirect to another host with every header but
			// Authorization and Cookie, the key included: a 3xx comes back as an answer instead.
			disableFollowRedirect: true,
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

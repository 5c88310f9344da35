import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { ParallelClient } from '../../nodes/shared/transport/client';
import type { ApiRequest, ApiVersion } from '../../nodes/shared/transport/client';

/**
 * A node that exists only in tests: it sends the requests its parameters describe through the
 * package's transport, inside a real n8n execution, and returns what came back.
 */
export class TransportProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Transport Probe',
		name: 'transportProbe',
		group: ['transform'],
		version: 1,
		usableAsTool: true,
		description: 'Test probe',
		defaults: { name: 'Transport Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'parallelTaskGroupApi', required: true }],
		properties: [],
	};

	static script: (client: ParallelClient) => Promise<unknown> = async () => ({});

	static apiVersion: ApiVersion = 'v1';

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const client = await ParallelClient.connect(this, {
			apiVersion: TransportProbe.apiVersion,
			signal: this.getExecutionCancelSignal(),
			retryPolicy: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 100, maxServerDelayMs: 300 },
		});
		const result = await TransportProbe.script(client);
		return [[{ json: { result } as never, pairedItem: { item: 0 } }]];
	}
}

export type { ApiRequest };

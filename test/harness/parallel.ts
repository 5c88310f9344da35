import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { ParallelTaskGroup } from '../../nodes/ParallelTaskGroup/ParallelTaskGroup.node.js';
import { DEFAULT_API_KEY, startEmulator } from '../emulator';
import type { Emulator, EmulatorOptions } from '../emulator';
import { runNode } from './workflow';
import type { NodeRun, NodeSettings } from './workflow';

export interface ParallelBench {
	emulator: Emulator;
	run(
		parameters: INodeParameters,
		items: IDataObject[],
		settings?: NodeSettings & { cancelAfterMs?: number; apiKey?: string },
	): Promise<NodeRun>;
	close(): Promise<void>;
}

/** The action node against a fresh emulator, through n8n-core's real execution engine. */
export async function parallelBench(options: EmulatorOptions = {}): Promise<ParallelBench> {
	const emulator = await startEmulator({ speed: 0.0005, ...options });
	return {
		emulator,
		async run(parameters, items, settings = {}) {
			const { cancelAfterMs, apiKey, ...nodeSettings } = settings;
			return await runNode({
				nodeType: new ParallelTaskGroup(),
				parameters,
				items,
				credentials: { apiKey: apiKey ?? DEFAULT_API_KEY, baseUrl: emulator.url },
				settings: nodeSettings,
				cancelAfterMs,
			});
		},
		close: () => emulator.close(),
	};
}

export const companies = (count: number): IDataObject[] =>
	Array.from({ length: count }, (_, index) => ({
		row: index + 1,
		company: `Company ${index + 1}`,
		website: `https://company${index + 1}.example`,
	}));

import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';

import { ParallelClient } from '../shared/transport/client';
import { POLICY } from '../shared/transport/policy';
import type { ApiVersion } from '../shared/transport/client';
import { CursorState } from './cursorState';
import { GroupListener } from './groupListener';
import type { ListenerSettings, TriggerEvent } from './groupListener';
import { emitSample } from './manualSample';
import { triggerProperties } from './properties';

/**
 * `<workflowId>:<nodeId>`, which every deduplication key of this trigger starts with, when the
 * host honours keys: n8n 2.20+ passes its `emit` a fourth parameter for them (its index of keys
 * spans all workflows, hence the scope). Undefined on older hosts.
 */
function deduplicationScope(context: ITriggerFunctions): string | undefined {
	if (typeof context.emit !== 'function' || context.emit.length < 4) return undefined;
	return `${context.getWorkflow().id ?? ''}:${context.getNode().id}`;
}

export class ParallelTaskGroupTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Parallel Task Group Trigger',
		name: 'parallelTaskGroupTrigger',
		icon: { light: 'file:../../icons/parallel.svg', dark: 'file:../../icons/parallel.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "Task group " + $parameter["taskGroupId"] }}',
		description: 'Starts the workflow each time a run of a Parallel task group finishes',
		defaults: { name: 'Parallel Task Group Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'parallelTaskGroupApi', required: true }],
		properties: triggerProperties,
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const taskGroupId = String(this.getNodeParameter('taskGroupId', '')).trim();
		if (!taskGroupId || /[\s/?#]/.test(taskGroupId)) {
			throw new NodeOperationError(
				this.getNode(),
				`'Task Group ID' is ${taskGroupId ? `not an ID ('${taskGroupId}')` : 'empty'}`,
				{
					description:
						'Paste the ID of the group to listen to, e.g. tgrp_fdd6b37846aa47afb0492bf91d08d9c0 (from a Create step).',
				},
			);
		}
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const settings: ListenerSettings = {
			taskGroupId,
			events: new Set(this.getNodeParameter('events', ['runCompleted']) as TriggerEvent[]),
			simplify: options.simplify !== false,
			includeEarlier: options.includeEarlier !== false,
			details: {
				includeInput: options.includeInput === true,
				includeOutput: options.includeOutput !== false,
			},
			stallMs: Number(options.stallSeconds ?? POLICY.trigger.silenceMs / 1000) * 1000,
			maxIdleDelayMs: Number(options.maxIdleSeconds ?? 60) * 1000,
			keyScope: options.n8nDeduplication !== false ? deduplicationScope(this) : undefined,
		};
		const controller = new AbortController();
		const abort = () => controller.abort();
		const client = await ParallelClient.connect(this, {
			apiVersion: (options.apiVersion as ApiVersion | undefined) ?? 'v1',
			signal: controller.signal,
		});

		if (this.getMode() === 'manual') {
			let listener: GroupListener | undefined;
			return {
				manualTriggerFunction: async () => {
					listener = await emitSample(this, client, settings, abort);
				},
				closeFunction: async () => {
					listener?.stop();
					abort();
				},
			};
		}

		const state = new CursorState(this.getWorkflowStaticData('node'), taskGroupId);
		const listener = new GroupListener(this, client, state, settings, abort);
		await listener.start();
		return { closeFunction: async () => listener.stop() };
	}
}

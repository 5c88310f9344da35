import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { asNodeError, errorForItem, errorItem } from './helpers/itemErrors';
import { PAUSE_WEBHOOKS } from './helpers/pauseMode';
import { TOOL_PANEL_DESCRIPTION, toolDescriptionProperties } from './descriptions/toolMode';
import { resumeWebhook } from './resumeWebhook';
import { taskGroupOperations, taskGroupProperties } from './resources/taskGroup';
import { taskRunOperations, taskRunProperties } from './resources/taskRun';

export class ParallelTaskGroup implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Parallel Task Group',
		name: 'parallelTaskGroup',
		icon: { light: 'file:../../icons/parallel.svg', dark: 'file:../../icons/parallel.dark.svg' },
		group: ['transform'],
		// 1.1: defaults and answers shaped for an AI Agent when used as a tool (docs/versioning.md).
		version: [1, 1.1],
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Research many items at once with Parallel task groups: enrich rows, add runs, collect results',
		defaults: { name: 'Parallel Task Group' },
		usableAsTool: { replacements: { description: TOOL_PANEL_DESCRIPTION } },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'parallelTaskGroupApi', required: true }],
		// Served only while an execution waits in 'Pause the Execution' mode: see resumeWebhook.
		webhooks: PAUSE_WEBHOOKS,
		properties: [
			...toolDescriptionProperties,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Task Group', value: 'taskGroup' },
					{ name: 'Task Run', value: 'taskRun' },
				],
				default: 'taskGroup',
			},
			...taskGroupProperties,
			...taskRunProperties,
		],
	};

	webhook = resumeWebhook;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const operations = resource === 'taskRun' ? taskRunOperations : taskGroupOperations;
		const run = operations[operation];
		if (!run) {
			throw new NodeOperationError(
				this.getNode(),
				`The operation '${operation}' is not supported`,
				{
					itemIndex: 0,
				},
			);
		}
		const items = this.getInputData();
		try {
			return await run.call(this, items);
		} catch (error) {
			// A failure that concerns every item (a wrong key, an unreachable API). With Continue On
			// Fail, n8n would pass the input on unchanged as if it had worked: give each item its error.
			if (!this.continueOnFail()) throw asNodeError(this.getNode(), error);
			const node = this.getNode();
			return [
				items.map((_, itemIndex) => errorItem(errorForItem(node, error, itemIndex), itemIndex)),
			];
		}
	}
}

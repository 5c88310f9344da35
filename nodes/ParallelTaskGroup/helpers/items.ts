import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ApiVersion } from '../../shared/transport/client';
import { ParallelClient } from '../../shared/transport/client';
import { errorForItem, errorItem } from './itemErrors';

export async function connect(context: IExecuteFunctions, itemIndex = 0): Promise<ParallelClient> {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return await ParallelClient.connect(context, {
		apiVersion: (options.apiVersion as ApiVersion | undefined) ?? 'v1',
		signal: context.getExecutionCancelSignal(),
	});
}

/** An ID parameter of the item, checked: a missing or malformed ID fails with the fix. */
export function idParameter(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: { name: string; displayName: string; hint: string },
): string {
	const value = context.getNodeParameter(parameter.name, itemIndex, '') as unknown;
	const id = typeof value === 'string' ? value.trim() : '';
	if (id && !/[\s/?#]/.test(id)) return id;
	throw new NodeOperationError(
		context.getNode(),
		`Item ${itemIndex}: '${parameter.displayName}' is ${id ? `not an ID ('${id}')` : 'empty'}`,
		{ description: parameter.hint, itemIndex },
	);
}

export const taskGroupIdOf = (context: IExecuteFunctions, itemIndex: number): string =>
	idParameter(context, itemIndex, {
		name: 'taskGroupId',
		displayName: 'Task Group ID',
		hint: 'Use the ID from a Create step, e.g. {{ $json.taskgroup_id }}, or paste one like tgrp_fdd6b37846aa47afb0492bf91d08d9c0.',
	});

/** One request (or wait) per item, with a client for the whole run: see `forEachItem`. */
export async function perItem(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	work: (client: ParallelClient, itemIndex: number) => Promise<IDataObject>,
): Promise<INodeExecutionData[][]> {
	const client = await connect(context);
	return [await forEachItem(context, items, async (itemIndex) => await work(client, itemIndex))];
}

/**
 * Runs `work` for each item: an item that fails stops the node, or with Continue On Fail (or the
 * error output) becomes an error item paired with its input, and the other items go on.
 */
export async function forEachItem(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	work: (itemIndex: number) => Promise<IDataObject>,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			output.push({ json: await work(itemIndex), pairedItem: { item: itemIndex } });
		} catch (error) {
			const itemError = errorForItem(context.getNode(), error, itemIndex);
			if (!context.continueOnFail()) throw itemError;
			output.push(errorItem(itemError, itemIndex));
		}
	}
	return output;
}

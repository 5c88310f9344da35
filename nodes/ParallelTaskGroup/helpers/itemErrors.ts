import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INode, INodeExecutionData, JsonObject } from 'n8n-workflow';

export type ItemError = NodeApiError | NodeOperationError;

/** A copy of `error` that names one item, so each item of a batch carries its own. */
export function errorForItem(node: INode, error: unknown, itemIndex: number): ItemError {
	const base = error as NodeApiError;
	if (error instanceof NodeApiError) {
		return new NodeApiError(node, (base.errorResponse ?? { message: base.message }) as JsonObject, {
			message: base.message,
			description: base.description ?? undefined,
			httpCode: base.httpCode ?? undefined,
			itemIndex,
		});
	}
	return new NodeOperationError(node, base.message ?? String(error), {
		description: base.description ?? undefined,
		itemIndex,
	});
}

/**
 * An item for a failure that concerns one input item. n8n routes items that carry `error` to the
 * node's error output, merged with the paired input item; with plain Continue On Fail they stay
 * in the main output.
 */
export function errorItem(
	error: ItemError,
	itemIndex: number,
	extra: IDataObject = {},
): INodeExecutionData {
	return {
		json: {
			error: error.message,
			...(error.description ? { description: error.description } : {}),
			...extra,
		},
		error,
		pairedItem: { item: itemIndex },
	};
}

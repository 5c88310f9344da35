import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INode, INodeExecutionData, JsonObject } from 'n8n-workflow';

export type ItemError = NodeApiError | NodeOperationError;

/** `error` as an n8n error, unchanged when it already is one. */
export function asNodeError(node: INode, error: unknown): ItemError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error instanceof Error ? error : String(error));
}

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
 * An item for a failure that concerns one input item: `error` says what happened, `message` how
 * to fix it. n8n routes such items to the node's error output (when it has one) merged with the
 * paired input item; for that they must carry no other field (n8n 1.x routes only `{error}` and
 * `{error, message}`), and no `error` property either, since n8n would then replace their JSON
 * with the bare message. `fields` (what exists of the item on Parallel's side, e.g. its run_id and
 * taskgroup_id) are added only where no error output takes the item: there the message names them.
 */
export function errorItem(
	error: ItemError,
	itemIndex: number,
	fields?: { node: INode; values: IDataObject },
): INodeExecutionData {
	const extra = fields && fields.node.onError !== 'continueErrorOutput' ? fields.values : {};
	return {
		json: {
			error: error.message,
			...(error.description ? { message: error.description } : {}),
			...extra,
		},
		pairedItem: { item: itemIndex },
	};
}

// The shape of a node's output: which items come out of which output, paired with which input,
// and for each item the JSON keys with the kind of each value. Values (IDs, timestamps, the
// emulator's text) differ from run to run; a shape changes only when behaviour does.
import type { IDataObject, INodeExecutionData, IPairedItemData } from 'n8n-workflow';

export type Shape = string | Shape[] | { [key: string]: Shape };

export function shapeOf(value: unknown): Shape {
	if (value === null) return 'null';
	if (Array.isArray(value)) {
		const kinds = new Map<string, Shape>();
		for (const element of value) {
			const shape = shapeOf(element);
			kinds.set(JSON.stringify(shape), shape);
		}
		return [...kinds.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, shape]) => shape);
	}
	if (typeof value === 'object') {
		const object = value as Record<string, unknown>;
		return Object.fromEntries(
			Object.keys(object)
				.filter((key) => object[key] !== undefined)
				.sort()
				.map((key) => [key, shapeOf(object[key])]),
		);
	}
	return typeof value;
}

export interface ItemShape {
	json: Shape;
	/** Input item indexes this item is paired with (n8n's item linking). */
	pairedItem: number[] | 'none';
	/** Set when n8n carries an error object on the item. */
	error?: true;
}

function pairedIndexes(item: INodeExecutionData): number[] | 'none' {
	const paired = item.pairedItem;
	if (paired === undefined) return 'none';
	const list: Array<IPairedItemData | number> = Array.isArray(paired) ? paired : [paired];
	return list.map((entry) => (typeof entry === 'number' ? entry : entry.item));
}

export const itemShape = (item: INodeExecutionData): ItemShape => ({
	json: shapeOf(item.json as IDataObject),
	pairedItem: pairedIndexes(item),
	...(item.error ? { error: true as const } : {}),
});

/** Every output of a node run: `main[0]` (success), `main[1]` (error output, when enabled)... */
export const outputShape = (outputs: Array<INodeExecutionData[] | null>): ItemShape[][] =>
	outputs.map((items) => (items ?? []).map(itemShape));

/** Emissions whose order is not part of the contract (a trigger's runs finish in any order). */
export const unorderedShape = (shapes: ItemShape[]): ItemShape[] =>
	[...shapes].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

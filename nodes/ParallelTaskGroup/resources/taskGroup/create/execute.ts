import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { createTaskGroup } from '../../../../shared/api';
import type { Metadata } from '../../../../shared/models';
import { connect, forEachItem } from '../../../helpers/items';

function metadataOf(options: IDataObject): Metadata | undefined {
	const entries = ((options.metadata as IDataObject | undefined)?.values ?? []) as IDataObject[];
	const metadata: Metadata = {};
	for (const { key, value } of entries) {
		const name = String(key ?? '').trim();
		if (name)
			metadata[name] =
				typeof value === 'number' || typeof value === 'boolean' ? value : String(value ?? '');
	}
	return Object.keys(metadata).length ? metadata : undefined;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const client = await connect(this);
	return [
		await forEachItem(this, items, async (itemIndex) => {
			const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			return (await createTaskGroup(client, metadataOf(options))) as unknown as IDataObject;
		}),
	];
}

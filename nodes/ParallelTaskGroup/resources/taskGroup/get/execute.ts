import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getTaskGroup } from '../../../../shared/api';
import { connect, forEachItem, taskGroupIdOf } from '../../../helpers/items';

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const client = await connect(this);
	return [
		await forEachItem(this, items, async (itemIndex) => {
			const group = await getTaskGroup(client, taskGroupIdOf(this, itemIndex));
			return group as unknown as IDataObject;
		}),
	];
}

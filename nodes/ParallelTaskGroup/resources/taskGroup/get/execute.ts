import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getTaskGroup } from '../../../../shared/api';
import { perItem, taskGroupIdOf } from '../../../helpers/items';

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	return await perItem(this, items, async (client, itemIndex) => {
		const group = await getTaskGroup(client, taskGroupIdOf(this, itemIndex));
		return group as unknown as IDataObject;
	});
}

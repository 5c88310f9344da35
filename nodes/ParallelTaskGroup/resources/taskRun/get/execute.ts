import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getRun } from '../../../../shared/api';
import { perItem } from '../../../helpers/items';
import { runIdOf } from '../shared';

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	return await perItem(this, items, async (client, itemIndex) => {
		return (await getRun(client, runIdOf(this, itemIndex))) as unknown as IDataObject;
	});
}

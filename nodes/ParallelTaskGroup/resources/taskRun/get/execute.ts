import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getRun } from '../../../../shared/api';
import { connect, forEachItem } from '../../../helpers/items';
import { runIdOf } from '../shared';

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const client = await connect(this);
	return [
		await forEachItem(this, items, async (itemIndex) => {
			return (await getRun(client, runIdOf(this, itemIndex))) as unknown as IDataObject;
		}),
	];
}

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getRun } from '../../../../shared/api';
import { statusMeaning } from '../../../../shared/statuses';
import { perItem } from '../../../helpers/items';
import { runIdOf } from '../shared';

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	return await perItem(this, items, async (client, itemIndex) => {
		const run = await getRun(client, runIdOf(this, itemIndex));
		return { ...run, status_meaning: statusMeaning(run.status) } as unknown as IDataObject;
	});
}

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { createTaskGroup } from '../../../../shared/api';
import { perItem } from '../../../helpers/items';
import { userMetadata } from '../../../helpers/runOptions';

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	return await perItem(this, items, async (client, itemIndex) => {
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		return (await createTaskGroup(client, userMetadata(options))) as unknown as IDataObject;
	});
}

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getTaskGroup } from '../../../../shared/api';
import { groupStatusNotes } from '../../../../shared/statuses';
import { perItem, taskGroupIdOf } from '../../../helpers/items';

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	return await perItem(this, items, async (client, itemIndex) => {
		const group = await getTaskGroup(client, taskGroupIdOf(this, itemIndex));
		const notes = groupStatusNotes(group.status);
		return { ...group, ...(notes.length ? { status_notes: notes } : {}) } as unknown as IDataObject;
	});
}

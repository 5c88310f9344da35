import type { IExecuteFunctions } from 'n8n-workflow';

/** n8n keeps custom data values up to 255 characters: about six group IDs. */
const MAX_VALUE = 255;

/** The custom data key for a node: letters, digits and underscores, at most 50 characters. */
export function customDataKey(nodeName: string): string {
	const name = nodeName.replace(/[^\p{L}\p{N}_]+/gu, '_').replace(/^_+|_+$/g, '');
	return `parallel_task_group_${name}`.slice(0, 50);
}

interface CustomData {
	get(key: string): unknown;
	set(key: string, value: string): void;
}

/**
 * Puts the task group where a user finds it when the execution did not finish: the execution's
 * custom data (the executions list shows it; n8n saves it when the execution ends, fails or is
 * stopped) and an info log line naming the workflow, the execution and the group (the one record
 * that survives a process that dies mid-node). Called before the first add-runs request, as runs
 * may exist from then on even if no answer ever comes back.
 */
export function recordTaskGroup(context: IExecuteFunctions, taskGroupId: string): void {
	const node = context.getNode();
	const workflow = context.getWorkflow();
	const executionId = context.getExecutionId();
	context.logger.info(
		`Parallel Task Group: node "${node.name}" of workflow "${workflow.name ?? ''}" (${workflow.id ?? ''}), execution ${executionId}, adds runs to task group ${taskGroupId}. If the execution does not finish, Get Results on ${taskGroupId} collects them.`,
		{ workflowId: workflow.id, executionId, node: node.name, taskGroupId },
	);
	// `$execution.customData` exists on n8n 1.x and 2.x alike (`this.customData` only on 2.x).
	const customData = (
		context.getWorkflowDataProxy(0).$execution as { customData?: CustomData } | undefined
	)?.customData;
	if (!customData) return;
	const key = customDataKey(node.name);
	try {
		const groups = String(customData.get(key) ?? '')
			.split(',')
			.filter((id) => id && id !== taskGroupId);
		groups.push(taskGroupId);
		while (groups.join(',').length > MAX_VALUE) groups.shift();
		customData.set(key, groups.join(','));
	} catch (error) {
		context.logger.debug('Parallel task group could not be put in custom data', {
			reason: (error as Error).message,
		});
	}
}

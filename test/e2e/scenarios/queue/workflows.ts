// The workflows of the queue-mode scenarios: Enrich over N generated rows (a new group per
// execution, or a fixed group with an Idempotency Key per row) and the collector of
// examples/ (the trigger, once per finished run) on a group the harness made.
import { EMULATOR_CREDENTIAL } from '../../harness/credentials';
import { ACTION_NODE_TYPE, CREDENTIAL_TYPE, manualStart } from '../../harness/workflows';
import type { WorkflowJson } from '../../harness/workflows';

export const ENRICH_NODE = 'Enrich';
export const START_NODE = 'Start';

export interface EnrichWorkflowOptions {
	id: string;
	name: string;
	rows: number;
	/** Add to this group (with the row number as Idempotency Key); else a new group per run. */
	taskGroupId?: string;
	maxWaitSeconds?: number;
}

/** Manual trigger → a Code node returning `rows` companies → Enrich (lite, text answers). */
export function enrichWorkflow(options: EnrichWorkflowOptions): WorkflowJson {
	if (options.id.length !== 16) throw new Error(`Workflow ID '${options.id}' is not 16 characters`);
	const fixed = options.taskGroupId !== undefined;
	return {
		id: options.id,
		name: options.name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			manualStart(`${options.id}-start`, START_NODE),
			{
				id: `${options.id}-rows`,
				name: 'Rows',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
				parameters: {
					jsCode: `return Array.from({ length: ${options.rows} }, (_, i) => ({ json: { row: i + 1, company: 'Company ' + (i + 1) } }));`,
				},
			},
			{
				id: `${options.id}-enrich`,
				name: ENRICH_NODE,
				type: ACTION_NODE_TYPE,
				typeVersion: 1,
				position: [400, 0],
				parameters: {
					resource: 'taskGroup',
					operation: 'enrich',
					...(fixed ? { taskGroupId: options.taskGroupId } : {}),
					inputMode: 'fields',
					inputFields: 'company',
					processor: 'lite',
					outputSchemaType: 'text',
					maxWaitSeconds: options.maxWaitSeconds ?? 240,
					options: {
						includeBasis: false,
						includeRunInfo: true,
						...(fixed ? { idempotencyKey: '={{ $json.row }}' } : {}),
					},
				},
				credentials: { [CREDENTIAL_TYPE]: { ...EMULATOR_CREDENTIAL } },
			},
		],
		connections: {
			[START_NODE]: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: ENRICH_NODE, type: 'main', index: 0 }]] },
		},
	};
}

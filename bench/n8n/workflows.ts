// The workflows the real-n8n bench runs: a manual trigger, a Code node making the rows (Add Runs
// only), and the Parallel node. Group IDs, row counts and options are set per measurement.
import { EMULATOR_CREDENTIAL } from '../../test/e2e/harness/credentials';
import {
	ACTION_NODE_TYPE,
	CREDENTIAL_TYPE,
	TRIGGER_NODE_TYPE,
} from '../../test/e2e/harness/workflows';
import type { WorkflowJson, WorkflowNode } from '../../test/e2e/harness/workflows';

export const START = 'Start';
export const NODE = 'Parallel';
export const ADD_RUNS_WORKFLOW = 'BenchN8nAddRuns1';
export const GET_RESULTS_WORKFLOW = 'BenchN8nGetRes01';
export const SAME_ITEMS_WORKFLOW = 'BenchN8nSameItem';
export const SAME_ITEMS = 'Same Items';

/** The same rows as bench/lib/items.ts `companies(count)`. */
export const rowsCode = (count: number) =>
	`return Array.from({ length: ${count} }, (_, i) => ({ json: { row: i + 1, company: 'Company ' + (i + 1), website: 'https://company' + (i + 1) + '.example' } }));`;

/**
 * `count` copies of `template` (one item the node output), each string longer than 20 characters
 * made unique, as n8n's record would otherwise store one copy of a repeated string.
 */
export const sameItemsCode = (template: unknown, count: number) =>
	[
		`const template = ${JSON.stringify(template)};`,
		"const unique = (value, i) => typeof value === 'string' ? (value.length > 20 ? value + ' ' + i : value) : Array.isArray(value) ? value.map((v) => unique(v, i)) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unique(v, i)])) : value;",
		`return Array.from({ length: ${count} }, (_, i) => ({ json: unique(template, i) }));`,
	].join('\n');

const start: WorkflowNode = {
	id: 'bench-start',
	name: START,
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const parallel = (parameters: Record<string, unknown>): WorkflowNode => ({
	id: 'bench-parallel',
	name: NODE,
	type: ACTION_NODE_TYPE,
	typeVersion: 1,
	position: [400, 0],
	parameters,
	credentials: { [CREDENTIAL_TYPE]: { ...EMULATOR_CREDENTIAL } },
});

export const BENCH_WORKFLOWS: WorkflowJson[] = [
	{
		id: ADD_RUNS_WORKFLOW,
		name: 'bench: add runs',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			start,
			{
				id: 'bench-rows',
				name: 'Rows',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
				parameters: { jsCode: rowsCode(1) },
			},
			parallel({
				resource: 'taskGroup',
				operation: 'addRuns',
				taskGroupId: 'tgrp_set_per_run',
				processor: 'lite',
				outputSchemaType: 'text',
			}),
		],
		connections: {
			[START]: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: NODE, type: 'main', index: 0 }]] },
		},
	},
	{
		id: GET_RESULTS_WORKFLOW,
		name: 'bench: get results',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			start,
			parallel({ resource: 'taskGroup', operation: 'getResults', taskGroupId: 'tgrp_set_per_run' }),
		],
		connections: { [START]: { main: [[{ node: NODE, type: 'main', index: 0 }]] } },
	},
	{
		id: SAME_ITEMS_WORKFLOW,
		name: 'bench: n8n holding items shaped like Get Results output',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			start,
			{
				id: 'bench-same-items',
				name: SAME_ITEMS,
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
				parameters: { jsCode: sameItemsCode({}, 1) },
			},
		],
		connections: { [START]: { main: [[{ node: SAME_ITEMS, type: 'main', index: 0 }]] } },
	},
];

export const TRIGGER_WORKFLOW = 'BenchN8nTrigger1';
export const WEBHOOK_WORKFLOW = 'BenchN8nWebhook1';
export const WEBHOOK_PATH = 'bench-burst';

const done: WorkflowNode = {
	id: 'bench-done',
	name: 'Done',
	type: 'n8n-nodes-base.noOp',
	typeVersion: 1,
	position: [400, 0],
	parameters: {},
};

/** The package's trigger (defaults: run completed, outputs fetched, simplified) and the webhook baseline. */
export const TRIGGER_WORKFLOWS: WorkflowJson[] = [
	{
		id: TRIGGER_WORKFLOW,
		name: 'bench: trigger',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'bench-trigger',
				name: NODE,
				type: TRIGGER_NODE_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: { taskGroupId: 'tgrp_set_per_run', events: ['runCompleted'] },
				credentials: { [CREDENTIAL_TYPE]: { ...EMULATOR_CREDENTIAL } },
			},
			done,
		],
		connections: { [NODE]: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
	},
	{
		id: WEBHOOK_WORKFLOW,
		name: 'bench: webhook',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'bench-webhook',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: 'bench-burst-webhook',
				parameters: {
					httpMethod: 'POST',
					path: WEBHOOK_PATH,
					responseMode: 'onReceived',
					options: {},
				},
			},
			done,
		],
		connections: { Webhook: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
	},
];

// The dispatcher pattern from examples/: "dispatch long research" adds runs to one task group,
// "write results back when runs finish" starts once per finished run. Here both point at a group
// the harness created, the sheet is a stand-in, and each batch of rows is its own dispatcher
// variant (rows are fixed at import time).
import { EMULATOR_CREDENTIAL } from '../harness/credentials';
import type { EmulatorProcess } from '../harness/emulator';
import { expectEqual, expectMatch, expectTrue } from '../harness/expect';
import type { ExecutionSummary, N8nApi } from '../harness/n8nApi';
import { outputItems } from '../harness/runData';
import type { Row, WorkflowJson } from '../harness/workflows';
import {
	EXAMPLES,
	TRIGGER_NODE_TYPE,
	loadExample,
	nodeNameOfType,
	withStandIns,
} from '../harness/workflows';

export const DISPATCH_START_NODE = 'Every hour';
export const COLLECT_TRIGGER_NODE = nodeNameOfType(
	loadExample(EXAMPLES.collect),
	TRIGGER_NODE_TYPE,
);

export function dispatcher(id: string, taskGroupId: string, rows: Row[]): WorkflowJson {
	return withStandIns(loadExample(EXAMPLES.dispatch), {
		id,
		name: `e2e: dispatch ${rows.length} rows (${id})`,
		rows,
		credential: EMULATOR_CREDENTIAL,
		taskGroupId,
	});
}

export function collector(id: string, taskGroupId: string): WorkflowJson {
	return withStandIns(loadExample(EXAMPLES.collect), {
		id,
		name: 'e2e: write back when runs finish',
		rows: [],
		credential: EMULATOR_CREDENTIAL,
		taskGroupId,
	});
}

export interface Dispatched {
	runIds: string[];
	reused: number;
	ms: number;
}

/** Runs a dispatcher variant in the running n8n (as "Execute workflow" does) and checks it. */
export async function dispatch(
	api: N8nApi,
	workflowId: string,
	rowCount: number,
): Promise<Dispatched> {
	const started = Date.now();
	const executionId = await api.runWorkflow(workflowId, DISPATCH_START_NODE);
	const execution = await api.waitForExecution(executionId, 60_000);
	expectEqual(execution.status, 'success', `dispatcher execution ${executionId}'s status`);
	const added = outputItems(execution.run, 'Add runs');
	expectEqual(added.length, rowCount, 'items from Add runs');
	for (const item of added) expectMatch(item.json.run_id, /^trun_/, 'a dispatched run_id');
	const saved = outputItems(execution.run, 'Save run IDs to sheet');
	expectEqual(saved.length, rowCount, 'rows whose run_id the dispatcher saves');
	return {
		runIds: added.map((item) => String(item.json.run_id)),
		reused: added.filter((item) => item.json.reused === true).length,
		ms: Date.now() - started,
	};
}

export interface CollectedRun {
	runId: string;
	status: string;
	execution: ExecutionSummary;
}

/** What each collector execution received from the trigger and wrote back. */
export function collectedRuns(executions: ExecutionSummary[]): CollectedRun[] {
	return executions.map((execution) => {
		const [emitted] = outputItems(execution.run, COLLECT_TRIGGER_NODE);
		expectTrue(emitted !== undefined, `execution ${execution.id} to start with a trigger item`);
		const [written] = outputItems(execution.run, 'Write back to sheet');
		expectEqual(written?.json.run_id, emitted.json.run_id, `run_id written by ${execution.id}`);
		expectMatch(written?.json.researched_at, /^\d{4}-/, `researched_at written by ${execution.id}`);
		return { runId: String(emitted.json.run_id), status: String(emitted.json.status), execution };
	});
}

/** One execution per ended run, none for anything else: the trigger's exactly-once promise. */
export function expectExactlyOnce(
	collected: CollectedRun[],
	endedRuns: Array<{ run_id: string; status: string }>,
): void {
	const counts = new Map<string, number>();
	for (const { runId } of collected) counts.set(runId, (counts.get(runId) ?? 0) + 1);
	const duplicates = [...counts].filter(([, count]) => count > 1);
	expectEqual(duplicates, [], 'runs that started more than one execution');
	const ended = new Set(endedRuns.map((run) => run.run_id));
	const missing = [...ended].filter((runId) => !counts.has(runId));
	expectEqual(missing, [], 'ended runs without an execution');
	const strangers = [...counts.keys()].filter((runId) => !ended.has(runId));
	expectEqual(strangers, [], 'executions for runs that did not end in the group');
	for (const run of endedRuns) {
		const got = collected.find((entry) => entry.runId === run.run_id);
		expectEqual(got?.status, run.status, `the status the trigger emitted for ${run.run_id}`);
	}
	for (const { execution } of collected)
		expectEqual(execution.status, 'success', `collector execution ${execution.id}'s status`);
}

const ENDED = new Set(['completed', 'failed', 'cancelled']);

/** The group's runs that have ended, as the emulator sees them. */
export async function runsThatEnded(emulator: EmulatorProcess, taskGroupId: string) {
	return (await emulator.group(taskGroupId)).runs.filter((run) => ENDED.has(run.status));
}

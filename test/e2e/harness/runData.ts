// Reading what n8n recorded for one execution: the run from `n8n execute --rawOutput` (stdout
// has log lines before and after the pretty-printed JSON) or from the public executions API, and
// the items each node produced on each of its outputs.
import { tail } from './processes';

export interface PairedItem {
	item: number;
	input?: number;
}

export interface NodeItem {
	json: Record<string, unknown>;
	pairedItem?: PairedItem | PairedItem[] | number;
	error?: { message?: string; description?: string };
}

export interface NodeError {
	message: string;
	description?: string | null;
	node?: { name?: string };
	name?: string;
}

export interface TaskData {
	startTime: number;
	executionTime: number;
	executionStatus?: string;
	data?: { main?: Array<NodeItem[] | null> };
	error?: NodeError;
}

export interface RunResult {
	status?: string;
	startedAt?: string;
	stoppedAt?: string;
	error?: NodeError;
	lastNodeExecuted?: string;
	runData: Record<string, TaskData[]>;
	/** The execution's custom data. */
	metadata: Record<string, string>;
}

interface RawRun {
	status?: string;
	startedAt?: string;
	stoppedAt?: string;
	data?: {
		resultData?: {
			runData?: Record<string, TaskData[]>;
			error?: NodeError;
			lastNodeExecuted?: string;
			metadata?: Record<string, string>;
		};
	};
}

/** A run as n8n stores it (IRun or a public-API execution with data) reduced to what tests read. */
export function toRunResult(raw: RawRun): RunResult {
	const resultData = raw.data?.resultData ?? {};
	return {
		status: raw.status,
		startedAt: raw.startedAt,
		stoppedAt: raw.stoppedAt,
		error: resultData.error,
		lastNodeExecuted: resultData.lastNodeExecuted,
		runData: resultData.runData ?? {},
		metadata: resultData.metadata ?? {},
	};
}

/** The JSON document in `execute --rawOutput` stdout: from the line `{` to the next line `}`. */
export function parseRawOutput(stdout: string, allOutput: string): RunResult {
	const lines = stdout.split('\n');
	const start = lines.indexOf('{');
	const end = start < 0 ? -1 : lines.indexOf('}', start);
	if (start < 0 || end < 0)
		throw new Error(`No run JSON in the output of n8n execute:\n${tail(allOutput, 30)}`);
	return toRunResult(JSON.parse(lines.slice(start, end + 1).join('\n')) as RawRun);
}

/** The items a node emitted on one output in its first (or given) run. */
export function outputItems(
	run: RunResult,
	nodeName: string,
	output = 0,
	runIndex = 0,
): NodeItem[] {
	const task = run.runData[nodeName]?.[runIndex];
	if (!task) throw new Error(`Node '${nodeName}' did not run (ran: ${ranNodes(run).join(', ')})`);
	return task.data?.main?.[output] ?? [];
}

export function ranNodes(run: RunResult): string[] {
	return Object.keys(run.runData);
}

export function nodeTask(run: RunResult, nodeName: string): TaskData | undefined {
	return run.runData[nodeName]?.[0];
}

export function pairedIndex(item: NodeItem): number | undefined {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	if (typeof paired === 'number') return paired;
	return paired?.item;
}

/** Wall-clock duration of a run from its recorded timestamps. */
export function runDurationMs(run: RunResult): number | undefined {
	if (!run.startedAt || !run.stoppedAt) return undefined;
	return Date.parse(run.stoppedAt) - Date.parse(run.startedAt);
}

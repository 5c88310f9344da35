/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console -- benchmarks run in Node, not in n8n */
// The trigger in real n8n: 1,000 runs of a group end within ~0.5 s while the package's trigger is
// active in an n8n server; each run's lag is its execution's startedAt (n8n's record) minus the
// run's end (`modified_at`, stamped by the emulator). Beside it, n8n's own cost of 1,000 starts:
// the same burst as 1,000 webhook calls spread over 0.5 s to a Webhook workflow (lag = startedAt
// minus the moment the call was sent). Every execution is counted, by status, so a burst n8n
// could not take in is seen as missing or failed executions, not as a smaller median.
import type { EmulatorProcess } from '../lib/emulatorProcess';
import { median, quantile, sleep } from '../lib/stats';
import { BURST_RUNS, BURST_SPEED, endTimes, heldGroup } from '../triggerLatency';
import type { BenchN8n } from './instance';
import { NODE, TRIGGER_WORKFLOW, WEBHOOK_PATH, WEBHOOK_WORKFLOW } from './workflows';

/** BENCH_TRIGGER_BURST: a larger burst shows where n8n's database gives up (default 1,000). */
export const BURST = Number(process.env.BENCH_TRIGGER_BURST ?? BURST_RUNS);
/** How long a burst may take to become executions before the count is taken as it is. */
const SETTLE_MS = 600_000;
const EVENTS_ROUTE = 'GET /tasks/groups/:id/events';

export interface BurstFigures {
	medianMs: number;
	/** Median of execution stoppedAt minus the run's end (or the call): when the work was done. */
	endMedianMs: number;
	p99Ms: number;
	/** Executions that ended with success, and the rest by status. */
	succeeded: number;
	statuses: Record<string, number>;
	/** First start to last stop: how long n8n took to run the whole burst. */
	spanMs: number;
	/** Lines of n8n's log during the burst that report a failure (e.g. the SQLite lock timing out). */
	n8nErrors: number;
	firstError?: string;
	/** Emits the trigger made again because n8n rejected them. */
	reEmits: number;
	/** Webhook calls that got no answer. */
	refused?: number;
}

interface Listed {
	id: string;
	status: string;
	startedAt: string | null;
	stoppedAt?: string | null;
}

async function listExecutions(n8n: BenchN8n, workflowId: string): Promise<Listed[]> {
	const all: Listed[] = [];
	let cursor: string | undefined;
	do {
		const page = await n8n.api.public<{ data: Listed[]; nextCursor?: string | null }>(
			'GET',
			`/executions?workflowId=${workflowId}&limit=250${cursor ? `&cursor=${cursor}` : ''}`,
		);
		all.push(...page.data);
		cursor = page.nextCursor ?? undefined;
	} while (cursor);
	return all;
}

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

/** Waits until `expected` executions newer than `afterId` have finished, or SETTLE_MS passed. */
async function settle(n8n: BenchN8n, workflowId: string, afterId: number, expected: number) {
	const deadline = Date.now() + SETTLE_MS;
	let mine: Listed[] = [];
	for (;;) {
		mine = (await listExecutions(n8n, workflowId)).filter((e) => Number(e.id) > afterId);
		const finished = mine.filter((e) => FINISHED.has(e.status)).length;
		if (finished >= expected || Date.now() > deadline) return mine;
		await sleep(1_000);
	}
}

const lastId = async (n8n: BenchN8n, workflowId: string) =>
	Math.max(0, ...(await listExecutions(n8n, workflowId)).map((e) => Number(e.id)));

const FAILURE_LINE = /timeout waiting for lock|error|failed/i;

/** Failure lines n8n logged after `from` (an offset in its log). */
function n8nFailures(
	n8n: BenchN8n,
	from: number,
): { n8nErrors: number; firstError?: string; reEmits: number } {
	const all = n8n.log().slice(from).split('\n');
	const lines = all.filter((line) => FAILURE_LINE.test(line));
	// The trigger's warning for each emit n8n could not run (see Emitter).
	const reEmits = all.filter((line) => line.includes('emitting it again')).length;
	return { n8nErrors: lines.length, firstError: lines[0]?.slice(0, 200), reEmits };
}

function figures(
	{ lags, endLags }: { lags: number[]; endLags: number[] },
	executions: Listed[],
): Omit<BurstFigures, 'n8nErrors' | 'reEmits'> {
	const statuses: Record<string, number> = {};
	for (const e of executions) statuses[e.status] = (statuses[e.status] ?? 0) + 1;
	const starts = executions.map((e) => Date.parse(e.startedAt ?? '')).filter(Number.isFinite);
	const stops = executions.map((e) => Date.parse(e.stoppedAt ?? '')).filter(Number.isFinite);
	return {
		medianMs: median(lags),
		p99Ms: quantile(lags, 0.99),
		endMedianMs: median(endLags),
		succeeded: statuses.success ?? 0,
		statuses,
		spanMs: Math.max(...stops) - Math.min(...starts),
	};
}

/** Lags of the executions' data: `keyOf` gives each execution's key in `sentAt`. */
async function lagsOf(
	n8n: BenchN8n,
	executions: Listed[],
	startNode: string,
	keyOf: (json: Record<string, unknown>) => string,
	sentAt: Map<string, number>,
): Promise<{ lags: number[]; endLags: number[] }> {
	const lags: number[] = [];
	const endLags: number[] = [];
	for (const listed of executions.filter((e) => e.status === 'success')) {
		const execution = await n8n.api.execution(listed.id);
		const json = execution.run.runData[startNode]?.[0]?.data?.main?.[0]?.[0]?.json ?? {};
		const at = sentAt.get(keyOf(json));
		if (at === undefined) continue;
		lags.push(Date.parse(execution.startedAt) - at);
		if (execution.stoppedAt) endLags.push(Date.parse(execution.stoppedAt) - at);
	}
	return { lags, endLags };
}

/** One burst: `runs` runs that end over (10-60 s) x `speed`, with the trigger listening. */
async function triggerOnce(
	n8n: BenchN8n,
	emulator: EmulatorProcess,
	runs: number,
	speed: number,
): Promise<BurstFigures> {
	await emulator.reset();
	await emulator.configure({ speed });
	const { groupId, release } = await heldGroup(emulator, runs);
	const logFrom = n8n.log().length;
	await n8n.save(TRIGGER_WORKFLOW, (node) => {
		if (node.name === NODE) node.parameters.taskGroupId = groupId;
	});
	const afterId = await lastId(n8n, TRIGGER_WORKFLOW);
	const streamsBefore = (await emulator.counters()).requests[EVENTS_ROUTE] ?? 0;
	await n8n.api.activate(TRIGGER_WORKFLOW);
	try {
		// The trigger is listening once it has opened the group's events stream.
		const deadline = Date.now() + 60_000;
		while (((await emulator.counters()).requests[EVENTS_ROUTE] ?? 0) === streamsBefore) {
			if (Date.now() > deadline) throw new Error('the trigger did not open the events stream');
			await sleep(50);
		}
		await release();
		const executions = await settle(n8n, TRIGGER_WORKFLOW, afterId, runs);
		const ended = await endTimes(emulator, groupId);
		const lags = await lagsOf(n8n, executions, NODE, (json) => String(json.run_id), ended);
		return { ...figures(lags, executions), ...n8nFailures(n8n, logFrom) };
	} finally {
		await n8n.api.deactivate(TRIGGER_WORKFLOW);
		await emulator.hold(false);
	}
}

async function webhookOnce(n8n: BenchN8n, calls: number, spreadMs: number): Promise<BurstFigures> {
	const afterId = await lastId(n8n, WEBHOOK_WORKFLOW);
	const logFrom = n8n.log().length;
	const sentAt = new Map<string, number>();
	const sent: Array<Promise<unknown>> = [];
	const started = Date.now();
	for (let i = 0; i < calls; i++) {
		const due = started + (i * spreadMs) / calls;
		if (due > Date.now()) await sleep(due - Date.now());
		sentAt.set(String(i), Date.now());
		sent.push(
			fetch(`${n8n.url}/webhook/${WEBHOOK_PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ i }),
			}).then(async (response) => await response.arrayBuffer()),
		);
	}
	const answers = await Promise.allSettled(sent);
	const refused = answers.filter((a) => a.status === 'rejected').length;
	const executions = await settle(n8n, WEBHOOK_WORKFLOW, afterId, calls - refused);
	const lags = await lagsOf(
		n8n,
		executions,
		'Webhook',
		(json) => String((json.body as { i?: number } | undefined)?.i),
		sentAt,
	);
	return { ...figures(lags, executions), ...n8nFailures(n8n, logFrom), refused } as BurstFigures;
}

/**
 * Runs ending a few a second (TRICKLE_RUNS over ~3-18 s), which n8n keeps up with: what the
 * trigger adds when n8n is not the bottleneck.
 */
export const TRICKLE_RUNS = 50;
const TRICKLE_SPEED = 0.3;

export interface TriggerLagResult {
	trigger: BurstFigures[];
	webhook: BurstFigures[];
	trickle: BurstFigures[];
	load: string;
}

export async function triggerLagAt(
	n8n: BenchN8n,
	emulator: EmulatorProcess,
	reps: number,
	load: () => string,
): Promise<TriggerLagResult> {
	const loadBefore = load();
	const spreadMs = 500;
	await n8n.api.activate(WEBHOOK_WORKFLOW);
	const trigger: BurstFigures[] = [];
	const webhook: BurstFigures[] = [];
	const trickle: BurstFigures[] = [];
	try {
		for (let rep = 0; rep < reps; rep++) {
			trigger.push(await triggerOnce(n8n, emulator, BURST, BURST_SPEED));
			webhook.push(await webhookOnce(n8n, BURST, spreadMs));
			trickle.push(await triggerOnce(n8n, emulator, TRICKLE_RUNS, TRICKLE_SPEED));
			console.error(
				`bench:n8n trigger rep ${rep + 1}: trigger median ${trigger[rep].medianMs} ms (${trigger[rep].succeeded} ok), webhook median ${webhook[rep].medianMs} ms (${webhook[rep].succeeded} ok), trickle median ${trickle[rep].medianMs} ms (${trickle[rep].succeeded} ok)`,
			);
		}
	} finally {
		await n8n.api.deactivate(WEBHOOK_WORKFLOW);
		await emulator.reset();
		await emulator.configure({ speed: 1 });
	}
	return { trigger, webhook, trickle, load: `${loadBefore} -> ${load()}` };
}

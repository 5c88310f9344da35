// The trigger in queue mode: it listens on main, each emit becomes an execution a worker runs.
// b) 300 completions through an events stream that drops, repeats events and ends early.
// c) Two workflows listening to one group: each gets every run exactly once.
// d) Main stopped (SIGTERM) and started again five times while runs keep finishing.
// Each ends with the collector's executions against the runs that ended: none lost, none twice.
import type { EmulatorProcess } from '../../harness/emulator';
import { expectAtLeast, expectTrue } from '../../harness/expect';
import { figure, log, seconds } from '../../harness/log';
import type { ExecutionSummary } from '../../harness/n8nApi';
import { outputItems } from '../../harness/runData';
import { observeQuietPeriod, waitFor } from '../../harness/poll';
import { FAST_SPEED } from '../../harness/suite';
import {
	COLLECT_TRIGGER_NODE,
	collectedRuns,
	collector,
	expectExactlyOnce,
	runsThatEnded,
} from '../dispatcherPair';
import { reportWorkers } from './context';
import type { QueueContext, QueueScenario } from './context';

/** After the last expected execution, how long nothing more may arrive (a late replay would). */
const QUIET_MS = 5_000;

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

function rowsInput(count: number, offset = 0) {
	return Array.from({ length: count }, (_, index) => ({
		company: `Company ${offset + index + 1}`,
	}));
}

/** Activates a collector and waits until its trigger follows the group's events stream. */
async function activateListening(ctx: QueueContext, workflowIds: string[]): Promise<void> {
	const before = (await ctx.emulator.counters()).streamsOpened;
	for (const id of workflowIds) await ctx.api.activate(id);
	await waitFor(
		`the trigger of ${workflowIds.join(', ')} to open its events stream`,
		async () => (await ctx.emulator.counters()).streamsOpened >= before + workflowIds.length,
		{ timeoutMs: 60_000, intervalMs: 250 },
	);
}

/** The statuses of `executions`, and the ended runs of `group` none of them collected. */
async function whatIsMissing(
	ctx: QueueContext,
	group: string,
	executions: ExecutionSummary[],
): Promise<string> {
	const statuses = new Map<string, number>();
	for (const execution of executions)
		statuses.set(execution.status, (statuses.get(execution.status) ?? 0) + 1);
	const collected = new Set<string>();
	for (const execution of executions) {
		const [emitted] = outputItems(execution.run, COLLECT_TRIGGER_NODE);
		if (emitted) collected.add(String(emitted.json.run_id));
	}
	const missing = (await runsThatEnded(ctx.emulator, group))
		.filter((run) => !collected.has(run.run_id))
		.map((run) => `${run.run_id} (${run.status})`);
	return `statuses ${JSON.stringify(Object.fromEntries(statuses))}; ended runs without an execution: ${missing.join(', ') || 'none'}`;
}

/** Waits for `expected` executions, then for a quiet period, and returns every one of them. */
async function settledExecutions(
	ctx: QueueContext,
	workflowId: string,
	expected: number,
	timeoutMs: number,
	group: string,
): Promise<ExecutionSummary[]> {
	let seen: ExecutionSummary[] = [];
	try {
		await waitFor(
			`${expected} executions of ${workflowId}`,
			async () => {
				seen = await ctx.api.executions(workflowId);
				const finished = seen.filter((execution) => FINISHED.has(execution.status));
				return finished.length >= expected && seen.length === finished.length ? true : undefined;
			},
			{ timeoutMs, intervalMs: 1_000 },
			() => `${seen.length} so far`,
		);
	} catch (error) {
		// Which run went missing, for the next person reading a failed run's log.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- e2e harness, not n8n
		throw new Error(`${(error as Error).message}; ${await whatIsMissing(ctx, group, seen)}`);
	}
	await observeQuietPeriod(QUIET_MS);
	return await ctx.api.executions(workflowId);
}

/** Exactly once per ended run; prints executions per worker, lost and duplicated. */
async function checkOnce(
	ctx: QueueContext,
	label: string,
	group: string,
	executions: ExecutionSummary[],
	extra = '',
): Promise<void> {
	const ended = await runsThatEnded(ctx.emulator, group);
	const runs = collectedRuns(executions);
	const ids = new Set(runs.map((run) => run.runId));
	const lost = ended.filter((run) => !ids.has(run.run_id)).length;
	const duplicated = runs.length - ids.size;
	reportWorkers(
		ctx,
		label,
		executions,
		`${executions.length} executions for ${ended.length} ended runs, lost ${lost}, duplicated ${duplicated}${extra}`,
	);
	expectExactlyOnce(runs, ended);
}

async function waitForEnded(emulator: EmulatorProcess, group: string, count: number, ms: number) {
	return await waitFor(
		`${count} runs of ${group} to end`,
		async () => {
			const ended = await runsThatEnded(emulator, group);
			return ended.length >= count ? ended : undefined;
		},
		{ timeoutMs: ms, intervalMs: 250 },
	);
}

export function triggerUnderStreamFaults(): QueueScenario {
	const ID = 'E2eQueueTrigFlt1';
	const RUNS = 300;
	let group = '';
	return {
		title: 'trigger: 300 completions under stream faults, 300 executions on the workers',
		async prepare(ctx) {
			group = await ctx.emulator.createGroup({ e2e: 'queue trigger faults' });
			return [{ ...collector(ID, group), name: 'e2e queue: collector under stream faults' }];
		},
		async run(ctx) {
			await activateListening(ctx, [ID]);
			try {
				const before = await ctx.emulator.counters();
				// One fault per connection: the first drops, the second repeats every event, the third
				// ends early; the trigger reconnects after each from its cursor.
				await ctx.emulator.addFault({
					route: 'events',
					times: 1,
					action: { type: 'dropStream', afterEvents: 60 },
				});
				await ctx.emulator.addFault({
					route: 'events',
					skip: 1,
					times: 1,
					action: { type: 'duplicateEvents' },
				});
				await ctx.emulator.addFault({
					route: 'events',
					skip: 2,
					times: 1,
					action: { type: 'endStream', afterEvents: 80 },
				});
				await ctx.emulator.addRuns(group, rowsInput(RUNS));
				await waitForEnded(ctx.emulator, group, RUNS, 120_000);
				const executions = await settledExecutions(ctx, ID, RUNS, 600_000, group);
				const after = await ctx.emulator.counters();
				expectAtLeast(after.injectedFaults - before.injectedFaults, 3, 'stream faults injected');
				await checkOnce(
					ctx,
					'trigger under stream faults',
					group,
					executions,
					`; ${after.streamsOpened - before.streamsOpened} events streams opened, ${after.injectedFaults - before.injectedFaults} faults`,
				);
			} finally {
				await ctx.emulator.clearFaults();
				await ctx.api.deactivate(ID);
			}
		},
	};
}

export function twoWorkflowsOneGroup(): QueueScenario {
	const IDS = ['E2eQueueTwoWfA01', 'E2eQueueTwoWfB01'];
	const RUNS = 20;
	let group = '';
	return {
		title: 'trigger: two workflows on one group, each gets every run once',
		async prepare(ctx) {
			group = await ctx.emulator.createGroup({ e2e: 'queue two workflows' });
			return IDS.map((id, index) => ({
				...collector(id, group),
				name: `e2e queue: collector ${index === 0 ? 'A' : 'B'} of one group`,
			}));
		},
		async run(ctx) {
			const logBefore = ctx.cluster.main.serverLog.length;
			await activateListening(ctx, IDS);
			try {
				await ctx.emulator.addRuns(group, rowsInput(RUNS, 7));
				await waitForEnded(ctx.emulator, group, RUNS, 60_000);
				for (const [index, id] of IDS.entries()) {
					const executions = await settledExecutions(ctx, id, RUNS, 300_000, group);
					await checkOnce(ctx, `two workflows, ${index === 0 ? 'A' : 'B'}`, group, executions);
				}
				const skipped = (
					ctx.cluster.main.serverLog.slice(logBefore).match(/duplicate deduplication key/g) ?? []
				).length;
				figure(`${ctx.tag} two workflows: main skipped ${skipped} repeated emits by key`);
			} finally {
				for (const id of IDS) await ctx.api.deactivate(id);
			}
		},
	};
}

export function mainRestarts(): QueueScenario {
	const ID = 'E2eQueueRestart1';
	const RESTARTS = 5;
	const WAVE = 60;
	/** lite runs take 10-60 s at speed 1: here 2.5-15 s, so each wave ends across a restart. */
	const SPEED = 0.25;
	let group = '';
	return {
		title: 'trigger: main restarted five times while runs finish, 0 lost, 0 twice',
		async prepare(ctx) {
			group = await ctx.emulator.createGroup({ e2e: 'queue main restarts' });
			return [{ ...collector(ID, group), name: 'e2e queue: collector across main restarts' }];
		},
		async run(ctx) {
			await activateListening(ctx, [ID]);
			await ctx.emulator.setSpeed(SPEED);
			const main = ctx.cluster.main;
			const endedInStops: number[] = [];
			try {
				for (let cycle = 1; cycle <= RESTARTS; cycle++) {
					const added = cycle * WAVE;
					await ctx.emulator.addRuns(group, rowsInput(WAVE, (cycle - 1) * WAVE));
					// Stop once the wave has begun to end: the rest ends while main stops and is down.
					await waitForEnded(ctx.emulator, group, added - WAVE + 3, 120_000);
					const endedBefore = (await runsThatEnded(ctx.emulator, group)).length;
					const stopMs = await main.stop();
					const endedAtStop = (await runsThatEnded(ctx.emulator, group)).length;
					const startMs = await main.start();
					const endedAtStart = (await runsThatEnded(ctx.emulator, group)).length;
					endedInStops.push(endedAtStart - endedBefore);
					log(
						`  restart ${cycle}: stop ${seconds(stopMs)}, start ${seconds(startMs)}; runs ended during the stop ${endedAtStop - endedBefore}, while down ${endedAtStart - endedAtStop} (${endedAtStart}/${added} ended)`,
					);
				}
				const total = RESTARTS * WAVE;
				await waitForEnded(ctx.emulator, group, total, 180_000);
				const executions = await settledExecutions(ctx, ID, total, 600_000, group);
				expectTrue(
					endedInStops.some((count) => count > 0),
					'runs to end while main was stopping or down',
				);
				const skipped = (main.serverLog.match(/duplicate deduplication key/g) ?? []).length;
				await checkOnce(
					ctx,
					'main restarted 5 times',
					group,
					executions,
					`; runs ended while main stopped or was down: ${endedInStops.join(', ')}; main skipped ${skipped} replayed emits by key`,
				);
			} finally {
				await ctx.emulator.setSpeed(FAST_SPEED);
				if (!main.running) await main.start().catch(() => undefined);
				await ctx.api.deactivate(ID).catch(() => undefined);
			}
		},
	};
}

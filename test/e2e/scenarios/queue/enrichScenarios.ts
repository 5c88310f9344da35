// Enrich in queue mode: the node runs on a worker (manual runs are offloaded too).
// a) 1,000 items on a worker: every item answered, paired, and every run paid once.
// e) A worker killed mid-Enrich: what the user can find of the group afterwards, and a re-run
//    with the same Idempotency Keys into that group that pays for nothing twice.
// f) Two executions of one workflow at once, on different workers: each its own group and runs.
import { expectEqual, expectMatch, expectTrue } from '../../harness/expect';
import { figure, log, seconds } from '../../harness/log';
import type { ExecutionSummary } from '../../harness/n8nApi';
import { waitFor } from '../../harness/poll';
import { nodeTask, outputItems, pairedIndex } from '../../harness/runData';
import { reportWorkers } from './context';
import type { QueueContext, QueueScenario } from './context';
import { ENRICH_NODE, START_NODE, enrichWorkflow } from './workflows';

const CUSTOM_DATA_KEY = `parallel_task_group_${ENRICH_NODE}`;

/** Every input row came out once, in order, answered, in one group; returns that group. */
function checkEnriched(execution: ExecutionSummary, rows: number, what: string): string {
	expectEqual(execution.status, 'success', `${what}: execution ${execution.id}'s status`);
	const items = outputItems(execution.run, ENRICH_NODE);
	expectEqual(items.length, rows, `${what}: items out of Enrich`);
	const group = execution.run.metadata[CUSTOM_DATA_KEY];
	expectMatch(group, /^tgrp_/, `${what}: the group in the execution's custom data`);
	items.forEach((item, index) => {
		if (pairedIndex(item) !== index || item.json.row !== index + 1)
			expectEqual(
				[pairedIndex(item), item.json.row],
				[index, index + 1],
				`${what}: item ${index}'s pairedItem and row`,
			);
		if (item.json.taskgroup_id !== group || typeof item.json.output !== 'string')
			expectEqual(
				[item.json.taskgroup_id, typeof item.json.output],
				[group, 'string'],
				`${what}: item ${index}'s group and answer`,
			);
	});
	expectEqual(
		new Set(items.map((item) => item.json.run_id)).size,
		rows,
		`${what}: distinct run IDs`,
	);
	return group;
}

async function paidFor(ctx: QueueContext, group: string) {
	const counters = await ctx.emulator.counters();
	return {
		created: counters.runsCreated[group] ?? 0,
		twice: counters.duplicateInputs[group] ?? 0,
	};
}

export function enrichThousand(): QueueScenario {
	const ID = 'E2eQueueEnrich01';
	const ROWS = 1000;
	return {
		title: 'enrich 1,000 items on a worker: correct, every run once',
		async prepare() {
			return [enrichWorkflow({ id: ID, name: 'e2e queue: enrich 1,000 items', rows: ROWS })];
		},
		async run(ctx) {
			const executionId = await ctx.api.runWorkflow(ID, START_NODE);
			const execution = await ctx.api.waitForExecution(executionId, 300_000);
			const group = checkEnriched(execution, ROWS, 'enrich 1,000');
			const paid = await paidFor(ctx, group);
			expectEqual(paid.created, ROWS, `runs created in ${group}`);
			expectEqual(paid.twice, 0, 'runs paid twice');
			const ms = nodeTask(execution.run, ENRICH_NODE)?.executionTime ?? 0;
			reportWorkers(
				ctx,
				'enrich 1,000',
				[execution],
				`${ROWS} items, ${paid.created} runs, lost 0, duplicated ${paid.twice}, node ${seconds(ms)}`,
			);
		},
	};
}

export function concurrentExecutions(): QueueScenario {
	const ID = 'E2eQueueTwoAtOnc';
	const ROWS = 50;
	const ATTEMPTS = 3;
	return {
		title: 'two executions of one workflow at once on different workers',
		async prepare() {
			return [enrichWorkflow({ id: ID, name: 'e2e queue: two at once', rows: ROWS })];
		},
		async run(ctx) {
			// Bull hands a job to whichever worker asks first; a pair can land on one worker, so a
			// pair is tried again (each pair is checked in full) until one was split.
			for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
				// Held runs keep both executions in their node at the same time.
				await ctx.emulator.hold(true);
				let ids: string[];
				try {
					ids = await Promise.all([
						ctx.api.runWorkflow(ID, START_NODE),
						ctx.api.runWorkflow(ID, START_NODE),
					]);
					await waitFor(
						'both executions to be on a worker',
						() => ids.every((id) => ctx.cluster.executionsByWorker().has(id)),
						{ timeoutMs: 120_000, intervalMs: 250 },
					);
				} finally {
					await ctx.emulator.hold(false);
				}
				const executions = await Promise.all(
					ids.map((id) => ctx.api.waitForExecution(id, 180_000)),
				);
				const groups = executions.map((execution, index) =>
					checkEnriched(execution, ROWS, `execution ${index + 1} of the pair`),
				);
				expectTrue(groups[0] !== groups[1], `the two executions to use two groups (${groups})`);
				for (const group of groups) {
					const paid = await paidFor(ctx, group);
					expectEqual(
						[paid.created, paid.twice],
						[ROWS, 0],
						`runs created / paid twice in ${group}`,
					);
				}
				const counts = reportWorkers(
					ctx,
					`two at once (pair ${attempt})`,
					executions,
					`${ROWS} items each, lost 0, duplicated 0`,
				);
				if (Object.values(counts).filter((count) => count === 1).length === 2) return;
				log(`  pair ${attempt} ran on one worker; trying another pair`);
			}
			throw new Error(`${ATTEMPTS} pairs of executions all ran on one worker`);
		},
	};
}

export function workerKilledMidEnrich(): QueueScenario {
	const ID = 'E2eQueueKilled01';
	const ROWS = 300;
	let group = '';
	return {
		title: 'a worker killed mid-Enrich: the group is findable, a re-run pays nothing twice',
		async prepare(ctx) {
			group = await ctx.emulator.createGroup({ e2e: 'queue worker killed' });
			return [
				enrichWorkflow({
					id: ID,
					name: 'e2e queue: enrich into a fixed group',
					rows: ROWS,
					taskGroupId: group,
					maxWaitSeconds: 600,
				}),
			];
		},
		async run(ctx) {
			await ctx.emulator.hold(true);
			let victim: (typeof ctx.cluster.workers)[number] | undefined;
			let executionId = '';
			try {
				executionId = await ctx.api.runWorkflow(ID, START_NODE);
				await waitFor(
					`the ${ROWS} runs in ${group}`,
					async () => ((await paidFor(ctx, group)).created === ROWS ? true : undefined),
					{ timeoutMs: 120_000, intervalMs: 250 },
				);
				const workerLabel = ctx.cluster.executionsByWorker().get(executionId);
				victim = ctx.cluster.workers.find((worker) => worker.label === workerLabel);
				expectTrue(victim, `a worker to run execution ${executionId}`);
				await victim!.kill();
			} finally {
				await ctx.emulator.hold(false);
			}
			const killedAt = Date.now();
			// n8n runs Bull without stalled-job retries: the execution is not run again. The re-run
			// below goes to the surviving worker.
			const crashed = await ctx.api.waitForExecution(executionId, 180_000);
			const endedMs = Date.now() - killedAt;
			expectTrue(
				crashed.status === 'crashed' || crashed.status === 'error',
				`execution ${executionId} to end crashed or error, got ${crashed.status}`,
			);
			const fromCustomData = crashed.run.metadata[CUSTOM_DATA_KEY];
			const workerLog = victim!.serverLog;
			const logLine = workerLog
				.split('\n')
				.find((line) => line.includes(`execution ${executionId}, adds runs to task group`));
			expectTrue(
				logLine?.includes(group),
				`the killed worker's log to name execution ${executionId} and group ${group}`,
			);
			log(`  the killed worker's log: ${logLine?.trim()}`);
			figure(
				`${ctx.tag} worker killed: execution ${executionId} ended '${crashed.status}' ${seconds(endedMs)} after the kill; group in its custom data: ${fromCustomData ? 'yes' : 'no'}; in the worker's log: yes`,
			);

			const before = await paidFor(ctx, group);
			const rerunId = await ctx.api.runWorkflow(ID, START_NODE);
			const rerun = await ctx.api.waitForExecution(rerunId, 300_000);
			expectEqual(checkEnriched(rerun, ROWS, 're-run'), group, 'the group of the re-run');
			const after = await paidFor(ctx, group);
			expectEqual(after.created, before.created, `runs created in ${group} by the re-run`);
			expectEqual(after.created, ROWS, `runs in ${group}`);
			expectEqual(after.twice, 0, 'runs paid twice');
			// Back to two workers for what follows (a start on a loaded machine can take minutes).
			const restartMs = await victim!.startWorker(ctx.cluster.concurrency, 300_000);
			log(`  ${victim!.label} started again in ${seconds(restartMs)}`);
			reportWorkers(
				ctx,
				'worker killed',
				[rerun],
				`re-run: ${ROWS} items from the ${after.created} runs of the killed execution, 0 new runs, duplicated ${after.twice}`,
			);
		},
	};
}

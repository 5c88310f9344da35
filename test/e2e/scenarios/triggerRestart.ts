// The trigger in a running n8n (2.x and 1.x), restarted mid-way. Two collectors ("write results
// back when runs finish") listen to the same group: one with n8n's deduplication keys (scoped to
// its workflow and node; n8n 1.x has none), one with them turned off, so that its executions are
// exactly what the package emitted. The dispatcher adds 12 runs (one fails on Parallel's side)
// that end over ~7-36 s; n8n is stopped after a few have been collected and started again while
// others end. Then the dispatcher runs again with 16 rows: the first 12 must be recognised by
// their idempotency key, 4 new runs added. In the end every run that ended must have started
// exactly one execution in EACH collector: none lost while n8n was down (a gap), none repeated
// after the restart; the one without keys shows the package itself emitted nothing twice.
import { expectAtLeast, expectEqual, expectTrue } from '../harness/expect';
import { companyRows } from '../harness/fixtures';
import { figure, log, seconds } from '../harness/log';
import type { ExecutionSummary } from '../harness/n8nApi';
import { observeQuietPeriod, waitFor } from '../harness/poll';
import { apiOf, FAST_SPEED } from '../harness/suite';
import type { MajorContext } from '../harness/suite';
import { TRIGGER_NODE_TYPE } from '../harness/workflows';
import type { WorkflowJson } from '../harness/workflows';
import {
	collectedRuns,
	collector,
	dispatch,
	dispatcher,
	runsThatEnded,
	expectExactlyOnce,
} from './dispatcherPair';

/** pro runs take 120-600 s at speed 1; at this speed they end 7-36 s after being added. */
const SLOW_SPEED = 0.06;
const FIRST_BATCH = companyRows(12, { failing: [4] });
const SECOND_BATCH = companyRows(16, { failing: [4] });
const IDS = {
	collect: 'E2eTrigCollector',
	collectOwn: 'E2eTrigCollNoKey',
	first: 'E2eTrigDispatch1',
	second: 'E2eTrigDispatch2',
};

/** The collector with the trigger's "Skip Runs Already Executed" off: no deduplication keys. */
function collectorWithoutKeys(id: string, taskGroupId: string): WorkflowJson {
	const workflow = collector(id, taskGroupId);
	workflow.name = 'e2e: write back when runs finish (no deduplication keys)';
	for (const node of workflow.nodes) {
		if (node.type !== TRIGGER_NODE_TYPE) continue;
		const parameters = node.parameters as Record<string, unknown>;
		parameters.options = {
			...((parameters.options as Record<string, unknown>) ?? {}),
			n8nDeduplication: false,
		};
	}
	return workflow;
}

export interface TriggerRestartScenario {
	prepare(ctx: MajorContext): Promise<WorkflowJson[]>;
	run(ctx: MajorContext): Promise<void>;
}

export function triggerRestartScenario(): TriggerRestartScenario {
	let taskGroupId = '';
	return {
		async prepare(ctx) {
			taskGroupId = await ctx.emulator.createGroup({ purpose: 'e2e-trigger-restart' });
			return [
				collector(IDS.collect, taskGroupId),
				collectorWithoutKeys(IDS.collectOwn, taskGroupId),
				dispatcher(IDS.first, taskGroupId, FIRST_BATCH),
				dispatcher(IDS.second, taskGroupId, SECOND_BATCH),
			];
		},
		async run(ctx) {
			const api = apiOf(ctx);
			const ended = async () => await runsThatEnded(ctx.emulator, taskGroupId);
			const executions = async () => await api.executions(IDS.collect);
			const ownExecutions = async () => await api.executions(IDS.collectOwn);

			await ctx.emulator.setSpeed(SLOW_SPEED);
			try {
				await api.activate(IDS.collect);
				await api.activate(IDS.collectOwn);
				expectTrue((await api.workflow(IDS.collect)).active, 'the collector to be active');
				expectTrue((await api.workflow(IDS.collectOwn)).active, 'the collector without keys');

				const first = await dispatch(api, IDS.first, FIRST_BATCH.length);
				expectEqual(first.reused, 0, 'runs reused by the first dispatch');
				figure(`trigger: dispatched ${first.runIds.length} runs in ${seconds(first.ms)}`);

				const beforeStop = await waitFor(
					'3 collector executions before the restart',
					async () => {
						const list = await executions();
						return list.length >= 3 ? list : undefined;
					},
					{ timeoutMs: 60_000, intervalMs: 500 },
				);
				const stoppedAt = Date.now();
				const stopMs = await ctx.instance.stop();
				const endedAtStop = await ended();
				expectTrue(
					endedAtStop.length < FIRST_BATCH.length - 2,
					`runs still active at the stop (ended: ${endedAtStop.length}/${FIRST_BATCH.length}; slow the emulator down)`,
				);
				const endedWhileDown = await waitFor(
					'2 more runs to end while n8n is down',
					async () => {
						const now = await ended();
						return now.length >= endedAtStop.length + 2 ? now : undefined;
					},
					{ timeoutMs: 45_000, intervalMs: 250 },
				);
				const restartBegan = Date.now();
				const startMs = await ctx.instance.start();
				const restartedAt = Date.now();
				const endedBeforeRestart = await ended();
				const gapRuns = endedBeforeRestart.filter(
					(run) => !endedAtStop.some((before) => before.run_id === run.run_id),
				);
				figure(
					`trigger: ${beforeStop.length} executions before the stop; n8n stopped in ${seconds(stopMs)}, down ${seconds(restartedAt - stoppedAt)} (restart ${seconds(startMs)}); ${gapRuns.length} runs ended while it was down (at least ${endedWhileDown.length - endedAtStop.length} awaited)`,
				);

				const second = await dispatch(api, IDS.second, SECOND_BATCH.length);
				expectEqual(second.reused, FIRST_BATCH.length, 'runs the second dispatch reused');
				expectEqual(
					second.runIds.slice(0, FIRST_BATCH.length),
					first.runIds,
					'run IDs returned for the rows dispatched before',
				);
				const created = (await ctx.emulator.counters()).runsCreated[taskGroupId];
				expectEqual(created, SECOND_BATCH.length, 'runs created in the group (no duplicates)');

				await waitFor(
					`all ${SECOND_BATCH.length} runs to end`,
					async () => ((await ended()).length === SECOND_BATCH.length ? true : undefined),
					{ timeoutMs: 90_000, intervalMs: 500 },
				);
				let collected: ExecutionSummary[] = [];
				let collectedOwn: ExecutionSummary[] = [];
				await waitFor(
					`${SECOND_BATCH.length} executions in each collector`,
					async () => {
						collected = await executions();
						collectedOwn = await ownExecutions();
						return collected.length >= SECOND_BATCH.length &&
							collectedOwn.length >= SECOND_BATCH.length
							? true
							: undefined;
					},
					{ timeoutMs: 60_000, intervalMs: 500 },
					() => `${collected.length} and ${collectedOwn.length} so far`,
				);
				// Nothing may follow: a replay after the restart would show up here.
				await observeQuietPeriod(5_000);
				const final = await executions();
				const runs = collectedRuns(final);
				const endedRuns = await ended();
				expectExactlyOnce(runs, endedRuns);
				expectEqual(final.length, SECOND_BATCH.length, 'collector executions in the end');
				// Without keys nothing drops a repeat: its executions are the package's own emits.
				const finalOwn = await ownExecutions();
				expectExactlyOnce(collectedRuns(finalOwn), endedRuns);
				expectEqual(
					finalOwn.length,
					SECOND_BATCH.length,
					'executions of the collector without keys (= emits of the package)',
				);
				expectEqual(
					endedRuns.filter((run) => run.status === 'failed').length,
					1,
					'failed runs (the marked row, sent once thanks to its idempotency key)',
				);
				for (const run of gapRuns) {
					for (const collectedBy of [runs, collectedRuns(finalOwn)]) {
						const execution = collectedBy.find((entry) => entry.runId === run.run_id)?.execution;
						expectTrue(
							execution && Date.parse(execution.startedAt) >= restartBegan,
							`run ${run.run_id}, which ended while n8n was down, to be collected after the restart`,
						);
					}
				}
				const skipped = (ctx.instance.serverLog.match(/duplicate deduplication key/g) ?? []).length;
				figure(
					`trigger (n8n ${ctx.build.major}.x): ${final.length} executions with keys and ${finalOwn.length} without, for ${endedRuns.length} ended runs (${endedRuns.filter((run) => run.status === 'failed').length} failed); n8n dropped ${skipped} repeated emits by deduplication key`,
				);
				expectAtLeast(gapRuns.length, 1, 'runs that ended while n8n was down');
				log(
					`  trigger: all ${endedRuns.length} runs started exactly one execution in each collector`,
				);
			} finally {
				await ctx.emulator.setSpeed(FAST_SPEED);
			}
		},
	};
}

// The trigger in a running n8n 1.x (no restart): n8n 1.x has no deduplication keys, so this shows
// the node itself emits each ended run once. The collector is activated, the dispatcher adds 6
// runs (one fails), and each ended run must start exactly one execution.
import { expectEqual, expectTrue } from '../harness/expect';
import { companyRows } from '../harness/fixtures';
import { figure, seconds } from '../harness/log';
import type { ExecutionSummary } from '../harness/n8nApi';
import { observeQuietPeriod, waitFor } from '../harness/poll';
import { apiOf } from '../harness/suite';
import type { MajorContext } from '../harness/suite';
import type { WorkflowJson } from '../harness/workflows';
import {
	collectedRuns,
	collector,
	dispatch,
	dispatcher,
	runsThatEnded,
	expectExactlyOnce,
} from './dispatcherPair';

const ROWS = companyRows(6, { failing: [2] });
const IDS = { collect: 'E2eTrig1Collectr', dispatch: 'E2eTrig1Dispatch' };

export interface TriggerBasicScenario {
	prepare(ctx: MajorContext): Promise<WorkflowJson[]>;
	run(ctx: MajorContext): Promise<void>;
}

export function triggerBasicScenario(): TriggerBasicScenario {
	let taskGroupId = '';
	return {
		async prepare(ctx) {
			taskGroupId = await ctx.emulator.createGroup({ purpose: 'e2e-trigger-basic' });
			return [collector(IDS.collect, taskGroupId), dispatcher(IDS.dispatch, taskGroupId, ROWS)];
		},
		async run(ctx) {
			const api = apiOf(ctx);
			const started = Date.now();
			await api.activate(IDS.collect);
			expectTrue((await api.workflow(IDS.collect)).active, 'the collector to be active');
			const dispatched = await dispatch(api, IDS.dispatch, ROWS.length);
			expectEqual(dispatched.reused, 0, 'runs reused by the dispatch');
			const ended = async () => await runsThatEnded(ctx.emulator, taskGroupId);
			await waitFor(
				`all ${ROWS.length} runs to end`,
				async () => ((await ended()).length === ROWS.length ? true : undefined),
				{ timeoutMs: 60_000, intervalMs: 250 },
			);
			let seen: ExecutionSummary[] = [];
			await waitFor(
				`${ROWS.length} collector executions`,
				async () => {
					seen = await api.executions(IDS.collect);
					return seen.length >= ROWS.length ? true : undefined;
				},
				{ timeoutMs: 60_000, intervalMs: 300 },
				() => `${seen.length} so far`,
			);
			const collectedAfter = Date.now() - started;
			await observeQuietPeriod(3_000);
			const final = await api.executions(IDS.collect);
			expectExactlyOnce(collectedRuns(final), await ended());
			expectEqual(final.length, ROWS.length, 'collector executions in the end');
			await api.deactivate(IDS.collect);
			figure(
				`trigger (no restart): ${final.length} executions for ${ROWS.length} runs, all collected ${seconds(collectedAfter)} after activation`,
			);
		},
	};
}

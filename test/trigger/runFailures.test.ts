// A run whose output lags, a 404 for one run, and a catch-up read that fails: each run still
// comes out once, flagged when something could not be added, and the trigger goes on (issue 9).
import type { INodeParameters } from 'n8n-workflow';

import { DEFAULT_API_KEY, startEmulator } from '../emulator';
import { addRuns, liteInputs, newGroup, waitFor, waitForInactive } from '../emulator/helpers';
import { captureLogs } from '../harness/logs';
import { tunePolicyForSuite } from '../harness/policy';
import {
	executedRunIds,
	n8nHost,
	startTrigger,
	closeTriggersAfterEach,
	triggerParameters,
} from '../harness/trigger';
import type { TriggerHandle } from '../harness/trigger';
import { useForSuite } from '../harness/useForSuite';

const open: TriggerHandle[] = [];
const emulator = useForSuite(() => startEmulator({ speed: 0.0005, keepAliveMs: 100 }));
// Shorter than in use (seconds, not a minute) so a test waits out the bound; the logic is the same.
tunePolicyForSuite({
	read: { baseDelayMs: 20, maxDelayMs: 100 },
	trigger: {
		reconnect: { baseDelayMs: 50, maxDelayMs: 200 },
		output: { retry: { baseDelayMs: 100, maxDelayMs: 400 }, maxWaitMs: 2_000 },
	},
});
closeTriggersAfterEach(open, emulator);

const parameters = triggerParameters;

async function activate(params: INodeParameters) {
	const trigger = await startTrigger({
		parameters: params,
		credentials: { apiKey: DEFAULT_API_KEY, baseUrl: emulator.url },
		host: n8nHost(),
	});
	open.push(trigger);
	return trigger;
}

async function runIdsOf(group: string, count: number) {
	const { body } = await addRuns(emulator, group, { inputs: liteInputs(count) });
	return body.run_ids as string[];
}

const executedJson = (trigger: TriggerHandle) =>
	trigger.executions().flatMap((emission) => emission.items.flat().map((item) => item.json));

const until = (probe: () => boolean, what: string) =>
	waitFor(() => probe() || undefined, 30_000, what);

describe('Trigger: every run once, with its output', () => {
	it('waits for results that lag the run: every run comes with its output', async () => {
		const group = await newGroup(emulator);
		emulator.addFault({ route: '*', times: -1, action: { type: 'lagResults', ms: 800 } });
		const trigger = await activate(parameters(group));
		const ids = await runIdsOf(group, 6);
		await until(() => executedRunIds(trigger).length >= 6, '6 executions');
		const json = executedJson(trigger);
		expect(json.map((item) => item.run_id).sort()).toEqual([...ids].sort());
		for (const item of json) {
			expect(item.output_missing).toBeUndefined();
			expect(item).toMatchObject({ summary: expect.stringContaining('name=item-') });
		}
		expect(trigger.errors).toEqual([]);
	});

	it('emits a run whose result never comes with output_missing and a warning, after the bound', async () => {
		const group = await newGroup(emulator);
		emulator.hold(true);
		const [late, onTime] = await runIdsOf(group, 2);
		emulator.addFault({
			route: 'result',
			runId: late,
			times: -1,
			action: { type: 'lagResults', ms: 600_000 },
		});
		const logs = captureLogs();
		try {
			const trigger = await activate(parameters(group));
			emulator.hold(false);
			await until(() => executedRunIds(trigger).length >= 2, '2 executions');
			const byRun = new Map(executedJson(trigger).map((item) => [item.run_id, item]));
			expect(byRun.get(late)).toMatchObject({ output_missing: true, status: 'completed' });
			expect(byRun.get(onTime)?.output_missing).toBeUndefined();
			expect(byRun.get(onTime)).toMatchObject({ summary: expect.stringContaining('name=item-') });
			const warnings = logs.lines.filter(
				(line) => line.level === 'warn' && line.metadata.runId === late,
			);
			expect(warnings.map((line) => line.message)).toEqual([
				'Parallel trigger emits a completed run without its output',
			]);
			expect(trigger.errors).toEqual([]);
		} finally {
			logs.restore();
		}
	});

	it('reports a run whose input and result answer 404 and goes on with the others', async () => {
		const group = await newGroup(emulator);
		emulator.hold(true);
		const [gone, ...others] = await runIdsOf(group, 2);
		emulator.addFault({
			route: '*',
			runId: gone,
			times: -1,
			action: { type: 'status', status: 404 },
		});
		const trigger = await activate(parameters(group, { includeInput: true }));
		emulator.hold(false);
		await until(() => executedRunIds(trigger).length >= 2, '2 executions');
		const later = await runIdsOf(group, 1);
		await until(() => executedRunIds(trigger).length >= 3, 'the run added later');
		const byRun = new Map(executedJson(trigger).map((item) => [item.run_id, item]));
		expect(byRun.get(gone)).toMatchObject({ input_missing: true, output_missing: true });
		for (const id of [...others, ...later]) {
			expect(byRun.get(id)).toMatchObject({ input: { name: expect.any(String) } });
			expect(byRun.get(id)?.input_missing).toBeUndefined();
		}
		expect(trigger.errors).toEqual([]);
	});

	it('retries the catch-up of runs that ended before activation instead of stopping', async () => {
		const group = await newGroup(emulator);
		const before = await runIdsOf(group, 4);
		await waitForInactive(emulator, group);
		// The baseline read passes; the catch-up's reads fail more often than one read retries.
		emulator.addFault({
			route: 'runs',
			skip: 1,
			times: 8,
			action: { type: 'status', status: 503 },
		});
		const trigger = await activate(parameters(group));
		await until(() => executedRunIds(trigger).length >= 4, 'the 4 earlier runs');
		expect(executedRunIds(trigger).sort()).toEqual([...before].sort());
		expect(trigger.errors).toEqual([]);
	});

	it('retries the baseline read at a first activation and leaves no gap', async () => {
		const group = await newGroup(emulator);
		await runIdsOf(group, 3);
		await waitForInactive(emulator, group);
		emulator.addFault({ route: 'runs', times: 8, action: { type: 'status', status: 503 } });
		emulator.addFault({ route: 'events', times: 3, action: { type: 'status', status: 502 } });
		const trigger = await activate(parameters(group, { includeEarlier: false }));
		const after = await runIdsOf(group, 2);
		await until(() => executedRunIds(trigger).length >= 2, 'the 2 later runs');
		expect(executedRunIds(trigger).sort()).toEqual([...after].sort());
		expect(trigger.errors).toEqual([]);
	});
});

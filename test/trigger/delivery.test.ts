// Deduplication keys scoped to one trigger, and at-least-once emits that n8n turns into
// exactly-once executions (issue 10): tests through n8n-core's TriggerContext with a model of
// n8n's one index of keys (test/harness/trigger.ts, HostModel).

import { POLICY } from '../../nodes/shared/transport/policy';
import { DEFAULT_API_KEY, startEmulator } from '../emulator';
import { addRuns, liteInputs, newGroup, waitFor, waitForInactive } from '../emulator/helpers';
import {
	emittedRunIds,
	executedRunIds,
	n8nHost,
	startTrigger,
	closeTriggersAfterEach,
	triggerParameters,
} from '../harness/trigger';
import { captureLogs } from '../harness/logs';
import type { Emission, HostModel, StartTriggerOptions, TriggerHandle } from '../harness/trigger';
import { useForSuite } from '../harness/useForSuite';

const open: TriggerHandle[] = [];
const emulator = useForSuite(() => startEmulator({ speed: 0.0005, keepAliveMs: 100 }));
closeTriggersAfterEach(open, emulator);

const parameters = triggerParameters;

async function activate(options: Omit<StartTriggerOptions, 'credentials'>) {
	const trigger = await startTrigger({
		...options,
		credentials: { apiKey: DEFAULT_API_KEY, baseUrl: emulator.url },
	});
	open.push(trigger);
	return trigger;
}

async function runIdsOf(group: string, count: number) {
	const { body } = await addRuns(emulator, group, { inputs: liteInputs(count) });
	return body.run_ids as string[];
}

const eventConnections = () => emulator.counters().requests['GET /tasks/groups/:id/events'] ?? 0;

/**
 * Waits until `count` more events connections have been opened: every connection replays what
 * is due and delivers everything after the cursor, so what was not emitted by then never is.
 */
async function afterReconnects(count: number) {
	const target = eventConnections() + count;
	await waitFor(() => eventConnections() >= target || undefined, 30_000, `${count} reconnects`);
}

const until = (probe: () => boolean, what: string) =>
	waitFor(() => probe() || undefined, 30_000, what);

function expectExactlyOnce(ids: string[], expected: string[]) {
	expect(ids.length).toBe(new Set(ids).size);
	expect([...ids].sort()).toEqual([...expected].sort());
}

describe('Trigger deduplication keys', () => {
	it('scopes every key to the workflow and the trigger node', async () => {
		const group = await newGroup(emulator);
		const trigger = await activate({
			parameters: parameters(group, {}, ['runCompleted', 'groupCompleted']),
			workflowId: 'wfScopeA',
			nodeId: 'node-a',
		});
		const [runId] = await runIdsOf(group, 1);
		await until(() => trigger.emissions.length >= 2, 'a run and the group completion');
		const keys = trigger.emissions.map((emission) => emission.deduplicationKey);
		expect(keys).toContain(`wfScopeA:node-a:${runId}`);
		expect(keys).toContain(`wfScopeA:node-a:${group}:completed:1`);
	});

	it.each([
		['two workflows', ['wfTwoA', 'wfTwoB'], ['node-1', 'node-1']],
		['two trigger nodes of one workflow', ['wfTwoC', 'wfTwoC'], ['node-1', 'node-2']],
	])('gives %s on one group every run once', async (_name, workflows, nodes) => {
		const group = await newGroup(emulator);
		const host = n8nHost();
		const [a, b] = await Promise.all(
			[0, 1].map((i) =>
				activate({
					parameters: parameters(group),
					workflowId: workflows[i],
					nodeId: nodes[i],
					host,
				}),
			),
		);
		const ids = await runIdsOf(group, 15);
		await until(
			() => executedRunIds(a).length >= 15 && executedRunIds(b).length >= 15,
			'15 executions in each',
		);
		await afterReconnects(2);
		expectExactlyOnce(executedRunIds(a), ids);
		expectExactlyOnce(executedRunIds(b), ids);
	});
});

describe('At-least-once emits, exactly-once executions', () => {
	it('emits again, after a restart, the runs whose executions n8n lost while stopping', async () => {
		const group = await newGroup(emulator);
		const host: HostModel = { ...n8nHost(), loses: (index) => index >= 7 };
		const first = await activate({ parameters: parameters(group), host });
		const ids = await runIdsOf(group, 10);
		await until(() => first.emissions.length >= 10, '10 emits');
		await first.close();
		expect(executedRunIds(first)).toHaveLength(7);

		host.loses = undefined;
		const second = await activate({
			parameters: parameters(group),
			host,
			staticData: first.savedStaticData,
		});
		await until(() => executedRunIds(second).length >= 3, 'the 3 lost runs executed');
		const later = await runIdsOf(group, 4);
		await until(() => executedRunIds(second).length >= 7, 'the later runs executed');
		await afterReconnects(2);
		expectExactlyOnce([...executedRunIds(first), ...executedRunIds(second)], [...ids, ...later]);
		// The replay re-emitted what the first instance emitted last; n8n dropped the ones it ran.
		expect(second.emissions.length).toBeGreaterThan(executedRunIds(second).length);
	});

	it('emits again, after a reconnect, the runs of the last connection that n8n lost', async () => {
		const group = await newGroup(emulator);
		emulator.hold(true);
		const ids = await runIdsOf(group, 8);
		// The first connection ends after its 8 runs (and the statuses between them).
		emulator.addFault({
			route: 'events',
			times: 1,
			action: { type: 'endStream', afterEvents: 12 },
		});
		const host: HostModel = { ...n8nHost(), loses: (index) => index === 2 };
		const trigger = await activate({ parameters: parameters(group), host });
		emulator.hold(false);
		await waitForInactive(emulator, group);
		await until(() => executedRunIds(trigger).length >= 8, '8 executions');
		await afterReconnects(2);
		expectExactlyOnce(executedRunIds(trigger), ids);
	});

	it.each([
		['n8n 1.x (no deduplication keys)', n8nHost(false), {}],
		['n8n 2.x with the keys turned off', n8nHost(true), { n8nDeduplication: false }],
	])('on %s emits each run once across a restart, from its own record', async (_n, host, opts) => {
		const group = await newGroup(emulator);
		emulator.addFault({ route: 'events', times: -1, action: { type: 'duplicateEvents' } });
		const first = await activate({ parameters: parameters(group, opts), host });
		const ids = await runIdsOf(group, 10);
		await until(() => first.emissions.length >= 10, '10 emits');
		await first.close();
		const second = await activate({
			parameters: parameters(group, opts),
			host,
			staticData: first.savedStaticData,
		});
		const later = await runIdsOf(group, 3);
		await until(() => second.emissions.length >= 3, '3 more emits');
		await afterReconnects(2);
		const all = [...first.emissions, ...second.emissions];
		expect(all.map((emission) => emission.deduplicationKey)).toEqual(all.map(() => undefined));
		expectExactlyOnce([...emittedRunIds(first), ...emittedRunIds(second)], [...ids, ...later]);
	});

	it('replays at most the window of its latest emits', async () => {
		const group = await newGroup(emulator);
		const host = n8nHost();
		const first = await activate({ parameters: parameters(group), host });
		await runIdsOf(group, 130);
		await until(() => first.emissions.length >= 130, '130 emits');
		await first.close();
		const second = await activate({
			parameters: parameters(group),
			host,
			staticData: first.savedStaticData,
		});
		await afterReconnects(2);
		// Replayed: the last 100 emits at most (POLICY.trigger.replay.maxEmits), none executed.
		expect(second.emissions.length).toBeGreaterThan(0);
		expect(second.emissions.length).toBeLessThanOrEqual(100);
		expect(executedRunIds(second)).toEqual([]);
	});
});

describe('Emits n8n says it could not run (a rejected done promise)', () => {
	const { backoff } = POLICY.trigger.reEmit;
	const saved = { ...backoff };
	beforeAll(() => Object.assign(backoff, { baseDelayMs: 10, maxDelayMs: 40 }));
	afterAll(() => Object.assign(backoff, saved));

	const keyOf = (emission: Emission) => emission.deduplicationKey ?? '';
	const emitsPerKey = (trigger: TriggerHandle) => {
		const counts = new Map<string, number>();
		for (const emission of trigger.emissions)
			counts.set(keyOf(emission), (counts.get(keyOf(emission)) ?? 0) + 1);
		return counts;
	};

	it('emits such a run again with the same key until n8n runs it, without a reconnect', async () => {
		const group = await newGroup(emulator);
		const rejected = new Set<string>();
		// The first emits of two runs are refused, as n8n does when its database times out.
		const host: HostModel = {
			...n8nHost(),
			rejects: (index, emission) => {
				if (index !== 2 && index !== 3) return false;
				rejected.add(keyOf(emission));
				return true;
			},
		};
		const trigger = await activate({ parameters: parameters(group), host });
		const ids = await runIdsOf(group, 6);
		await until(() => executedRunIds(trigger).length >= 6, '6 executions');
		expectExactlyOnce(executedRunIds(trigger), ids);
		expect(rejected.size).toBe(2);
		const perKey = emitsPerKey(trigger);
		for (const key of rejected) expect(perKey.get(key)).toBe(2);
		expect(trigger.emissions.filter((e) => e.done === 'rejected')).toHaveLength(2);
		// Every emit but the refused ones was acknowledged.
		expect(trigger.emissions.filter((e) => e.done === 'resolved')).toHaveLength(6);
		// Only the refused runs were emitted twice: no replay (that re-emits every recent run).
		for (const [key, count] of perKey) if (!rejected.has(key)) expect(count).toBe(1);
	});

	it('emits again a run whose execution n8n ended before any node ran, once it runs', async () => {
		const group = await newGroup(emulator);
		const vanished = new Set<string>();
		// A queue-mode worker could not find these executions' data: n8n ended them, records gone.
		const host: HostModel = {
			...n8nHost(),
			vanishes: (index, emission) => {
				if (index !== 1 && index !== 4) return false;
				vanished.add(keyOf(emission));
				return true;
			},
		};
		const trigger = await activate({ parameters: parameters(group), host });
		const ids = await runIdsOf(group, 6);
		await until(() => executedRunIds(trigger).length >= 6, '6 executions');
		expectExactlyOnce(executedRunIds(trigger), ids);
		expect(vanished.size).toBe(2);
		const perKey = emitsPerKey(trigger);
		for (const key of vanished) expect(perKey.get(key)).toBe(2);
		for (const [key, count] of perKey) if (!vanished.has(key)) expect(count).toBe(1);
		expect(trigger.emissions).toHaveLength(8);
	});

	it('does not emit again a run whose execution failed in a node', async () => {
		const logs = captureLogs();
		try {
			const group = await newGroup(emulator);
			let failed = 0;
			const host: HostModel = {
				...n8nHost(),
				failsInNode: (index) => (index === 0 || index === 2 ? ++failed > 0 : false),
			};
			const trigger = await activate({ parameters: parameters(group), host });
			const ids = await runIdsOf(group, 5);
			await until(() => executedRunIds(trigger).length >= 5, '5 executions');
			expectExactlyOnce(executedRunIds(trigger), ids);
			expect(failed).toBe(2);
			// A re-emit is decided (and logged) when the done promise settles, before its pause.
			const again = logs.lines.filter((line) => /emitting it again/.test(line.message));
			expect(again).toEqual([]);
			expect(trigger.emissions).toHaveLength(5);
		} finally {
			logs.restore();
		}
	});

	it('gives up after POLICY.trigger.reEmit.attempts tries, the last one a plain emit', async () => {
		const group = await newGroup(emulator);
		let refusedKey: string | undefined;
		// n8n refuses every emit of the first run it is given.
		const host: HostModel = {
			...n8nHost(),
			rejects: (_index, emission) => (refusedKey ??= keyOf(emission)) === keyOf(emission),
		};
		const trigger = await activate({ parameters: parameters(group), host });
		await runIdsOf(group, 4);
		await until(() => executedRunIds(trigger).length >= 3, '3 executions');
		const { attempts } = POLICY.trigger.reEmit;
		await until(() => (emitsPerKey(trigger).get(refusedKey!) ?? 0) >= attempts, 'every try');
		const tries = trigger.emissions.filter((e) => keyOf(e) === refusedKey);
		expect(tries.map((e) => e.done)).toEqual([
			...Array.from({ length: attempts - 1 }, () => 'rejected'),
			undefined,
		]);
		expect(tries.filter((e) => e.executed)).toHaveLength(0);
	});

	it.each([
		['n8n 1.x (no deduplication keys)', n8nHost(false)],
		['an Engine 2.0 workflow (refuses done promises)', { ...n8nHost(), engineV2: true }],
	])('emits plainly on %s, each run once', async (_name, host) => {
		const group = await newGroup(emulator);
		const trigger = await activate({ parameters: parameters(group), host });
		const ids = await runIdsOf(group, 5);
		await until(() => executedRunIds(trigger).length >= 5, '5 executions');
		expectExactlyOnce(executedRunIds(trigger), ids);
		expect(trigger.emissions.filter((e) => e.done !== undefined)).toEqual([]);
	});
});

describe('Executions under way at once (n8n 2.20+, keys on)', () => {
	const { emits } = POLICY.trigger;
	const saved = { ...emits };
	beforeAll(() => Object.assign(emits, { maxInFlight: 3 }));
	afterAll(() => Object.assign(emits, saved));

	it('emits the next run only when one of POLICY.trigger.emits.maxInFlight executions ends', async () => {
		const group = await newGroup(emulator);
		const host: HostModel = { ...n8nHost(), holdDone: true };
		const trigger = await activate({ parameters: parameters(group), host });
		const ids = await runIdsOf(group, 8);
		for (let emitted = 3; emitted <= 8; emitted++) {
			await until(() => trigger.emissions.length >= emitted, `${emitted} emits`);
			// Ending one execution lets exactly one more emit through.
			trigger.pendingDone.shift()!();
		}
		await until(() => executedRunIds(trigger).length >= 8, '8 executions');
		expectExactlyOnce(executedRunIds(trigger), ids);
		expect(Math.max(...trigger.emissions.map((e) => e.underWay))).toBe(3 - 1);
	});

	it('frees a place after POLICY.trigger.emits.holdMs when n8n never says the execution ended', async () => {
		Object.assign(emits, { holdMs: 50 });
		try {
			const group = await newGroup(emulator);
			const host: HostModel = { ...n8nHost(), holdDone: true };
			const trigger = await activate({ parameters: parameters(group), host });
			const ids = await runIdsOf(group, 7);
			await until(() => executedRunIds(trigger).length >= 7, '7 executions');
			expectExactlyOnce(executedRunIds(trigger), ids);
			expect(trigger.pendingDone).toHaveLength(7);
		} finally {
			Object.assign(emits, { holdMs: saved.holdMs });
		}
	});
});

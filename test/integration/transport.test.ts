import type { NodeApiError } from 'n8n-workflow';

import { getTaskGroup, openGroupEvents, streamRuns, submitRuns } from '../../nodes/shared/api';
import type { GroupStreamEvent } from '../../nodes/shared/models';
import type { ParallelClient } from '../../nodes/shared/transport/client';
import { DEFAULT_API_KEY, startEmulator } from '../emulator';
import { addRuns, liteInputs, newGroup, waitForInactive } from '../emulator/helpers';
import { lateProxy } from '../harness/lateProxy';
import { TransportProbe } from '../harness/probeNode';
import { runNode } from '../harness/workflow';
import { captureLogs } from '../harness/logs';
import { tunePolicyForSuite } from '../harness/policy';
import { useForSuite } from '../harness/useForSuite';

const emulator = useForSuite(() => startEmulator({ speed: 0.0005, keepAliveMs: 50 }));
tunePolicyForSuite({
	stream: { silenceMs: 300 },
	runs: { resume: { baseDelayMs: 10, maxDelayMs: 50 } },
});
afterEach(() => {
	emulator.clearFaults();
	TransportProbe.apiVersion = 'v1';
});

/** Runs `script` with the package's client inside a real n8n execution; returns its result or error. */
async function probe<T>(
	script: (client: ParallelClient) => Promise<T>,
	options: { apiKey?: string; baseUrl?: string; cancelAfterMs?: number } = {},
) {
	let result: T | undefined;
	TransportProbe.script = async (client) => (result = await script(client));
	const run = await runNode({
		nodeType: new TransportProbe(),
		parameters: {},
		items: [{}],
		credentials: {
			apiKey: options.apiKey ?? DEFAULT_API_KEY,
			baseUrl: options.baseUrl ?? emulator.url,
		},
		cancelAfterMs: options.cancelAfterMs,
	});
	return { result, error: run.error as (NodeApiError & Error) | undefined };
}

const requests = (route: string) => emulator.counters().requests[route] ?? 0;

describe('reads', () => {
	it('are retried on 5xx and 429 until they succeed', async () => {
		const group = await newGroup(emulator);
		const before = requests('GET /tasks/groups/:id');
		emulator.addFault({ route: 'getGroup', times: 2, action: { type: 'status', status: 503 } });
		emulator.addFault({
			route: 'getGroup',
			times: 1,
			action: { type: 'status', status: 429, retryAfterMs: 30 },
		});
		const { result, error } = await probe((client) => getTaskGroup(client, group));
		expect(error).toBeUndefined();
		expect(result?.taskgroup_id).toBe(group);
		expect(requests('GET /tasks/groups/:id') - before).toBe(4);
	});

	it('wait as long as Retry-After asks', async () => {
		const group = await newGroup(emulator);
		emulator.addFault({
			route: 'getGroup',
			times: 1,
			action: { type: 'status', status: 429, retryAfter: '0.25' },
		});
		const logs = captureLogs();
		const { error } = await probe((client) => getTaskGroup(client, group));
		logs.restore();
		expect(error).toBeUndefined();
		const retries = logs.lines.filter(
			(line) => line.message === 'Parallel API request will be retried',
		);
		expect(retries.map((line) => line.metadata.delayMs)).toEqual([250]);
	});

	it('give up after the attempt limit with the last error', async () => {
		const group = await newGroup(emulator);
		const before = requests('GET /tasks/groups/:id');
		emulator.addFault({ route: 'getGroup', times: -1, action: { type: 'status', status: 500 } });
		const { error } = await probe((client) => getTaskGroup(client, group));
		expect(error?.httpCode).toBe('500');
		expect(error?.message).toMatch(/temporarily unavailable/);
		expect(requests('GET /tasks/groups/:id') - before).toBe(4);
	});

	it('are not retried on a 404, which names the group', async () => {
		const before = requests('GET /tasks/groups/:id');
		const { error } = await probe((client) =>
			getTaskGroup(client, 'tgrp_00000000000000000000000000000000'),
		);
		expect(error?.httpCode).toBe('404');
		expect(error?.description).toContain("task group 'tgrp_00000000000000000000000000000000'");
		expect(requests('GET /tasks/groups/:id') - before).toBe(1);
	});

	it('stop at once when the execution is cancelled during a backoff', async () => {
		const group = await newGroup(emulator);
		const before = requests('GET /tasks/groups/:id');
		emulator.addFault({
			route: 'getGroup',
			times: -1,
			action: { type: 'status', status: 429, retryAfter: '30' },
		});
		// Four 30-s backoffs would outlast the test's own time limit.
		const { result } = await probe((client) => getTaskGroup(client, group), { cancelAfterMs: 300 });
		expect(result).toBeUndefined();
		expect(requests('GET /tasks/groups/:id') - before).toBe(1);
	});

	it('say which address could not be reached', async () => {
		const { error } = await probe((client) => getTaskGroup(client, 'tgrp_x'), {
			baseUrl: 'http://127.0.0.1:9',
		});
		expect(error?.message).toBe('Could not reach Parallel at http://127.0.0.1:9');
		expect(error?.description).toMatch(/ECONNREFUSED/);
	});

	it('map a bad key to a clear 401 that never carries the key', async () => {
		const wrongKey = ['not', 'a', 'valid', 'key', '4242'].join('-');
		const { error } = await probe((client) => getTaskGroup(client, 'tgrp_x'), { apiKey: wrongKey });
		expect(error?.httpCode).toBe('401');
		expect(error?.message).toBe(
			'Parallel did not accept the API key: Unauthorized: invalid or missing credentials',
		);
		expect(error?.description).toMatch(/API Key in the Parallel Task Group API credential/);
		expect(
			JSON.stringify({ ...error, message: error?.message, description: error?.description }),
		).not.toContain(wrongKey);
	});

	it('use the v1beta prefix when asked', async () => {
		const group = await newGroup(emulator, '/v1beta');
		TransportProbe.apiVersion = 'v1beta';
		const { result } = await probe((client) => getTaskGroup(client, group));
		expect(result?.taskgroup_id).toBe(group);
	});
});

describe('add-runs POSTs', () => {
	const request = { inputs: liteInputs(3) };

	it('are resent after a 429, which creates nothing', async () => {
		const group = await newGroup(emulator);
		emulator.addFault({
			route: 'addRuns',
			times: 2,
			action: { type: 'status', status: 429, retryAfterMs: 20 },
		});
		const { result } = await probe((client) => submitRuns(client, group, request));
		expect(result).toMatchObject({ status: 'accepted', attempts: 3 });
		expect(emulator.counters().runsCreated[group]).toBe(3);
	});

	it('are reported as ambiguous, never resent, after a 5xx', async () => {
		const group = await newGroup(emulator);
		emulator.addFault({ route: 'addRuns', action: { type: 'statusAfterApply', status: 502 } });
		const { result } = await probe((client) => submitRuns(client, group, request));
		expect(result).toMatchObject({ status: 'ambiguous', attempts: 1 });
		expect(emulator.counters().runsCreated[group]).toBe(3);
	});

	it('are reported as ambiguous when the answer is lost', async () => {
		const group = await newGroup(emulator);
		emulator.addFault({ route: 'addRuns', action: { type: 'dropResponse' } });
		const { result } = await probe((client) => submitRuns(client, group, request));
		expect(result).toMatchObject({ status: 'ambiguous', attempts: 1 });
		expect(emulator.counters().runsCreated[group]).toBe(3);
	});

	it('are resent when the connection was never made', async () => {
		const group = await newGroup(emulator);
		const late = await lateProxy(emulator.url, 25);
		const { result } = await probe((client) => submitRuns(client, group, request), {
			baseUrl: late.url,
		});
		await late.close();
		expect(result?.status).toBe('accepted');
		expect(result?.attempts).toBeGreaterThan(1);
		expect(emulator.counters().runsCreated[group]).toBe(3);
	});

	it('give up with the address when the connection is never made', async () => {
		const { result, error } = await probe((client) => submitRuns(client, 'tgrp_x', request), {
			baseUrl: 'http://127.0.0.1:9',
		});
		expect(result).toBeUndefined();
		expect(error?.message).toBe('Could not reach Parallel at http://127.0.0.1:9');
	});

	it('fail at once on a 4xx that says nothing was created', async () => {
		const group = await newGroup(emulator);
		const { error } = await probe((client) =>
			submitRuns(client, group, { inputs: [{ input: 'x', processor: 'turbo' }] }),
		);
		expect(error?.httpCode).toBe('403');
		expect(error?.description).toMatch(/Processor/);
		expect(emulator.counters().runsCreated[group] ?? 0).toBe(0);
	});
});

describe('event streams', () => {
	async function collect(stream: AsyncGenerator<GroupStreamEvent>) {
		const events: GroupStreamEvent[] = [];
		for await (const event of stream) events.push(event);
		return events;
	}

	it('read a group to its final status, then close', async () => {
		const group = await newGroup(emulator);
		await addRuns(emulator, group, { inputs: liteInputs(5) });
		const { result } = await probe(async (client) => {
			const stream = await openGroupEvents(client, group);
			return { events: await collect(stream.events()), endReason: stream.endReason };
		});
		const runs = result!.events.filter((e) => e.type === 'task_run.state');
		expect(new Set(runs.map((e) => (e.type === 'task_run.state' ? e.run.run_id : ''))).size).toBe(
			5,
		);
		expect(result!.events.at(-1)).toMatchObject({
			type: 'task_group_status',
			status: { is_active: false },
		});
		expect(result!.endReason).toBe('ended');
		expect(emulator.counters().openStreams).toBe(0);
	});

	it('turn a 404 into a NodeApiError with the body read', async () => {
		const { error } = await probe((client) =>
			openGroupEvents(client, 'tgrp_00000000000000000000000000000001'),
		);
		expect(error?.httpCode).toBe('404');
		expect(error?.message).toBe(
			'Parallel could not find the requested resource: TaskGroup not found',
		);
		expect(emulator.counters().openStreams).toBe(0);
	});

	it('report a dropped stream and resume after the last event', async () => {
		const group = await newGroup(emulator);
		emulator.hold(true);
		await addRuns(emulator, group, { inputs: liteInputs(6) });
		emulator.hold(false);
		await waitForInactive(emulator, group);
		emulator.addFault({ route: 'events', action: { type: 'dropStream', afterEvents: 3 } });
		const { result } = await probe(async (client) => {
			const first = await openGroupEvents(client, group);
			const seen = await collect(first.events());
			const cursor = [...seen].reverse().find((e) => e.type !== 'error' && e.event_id)!;
			const second = await openGroupEvents(client, group, {
				lastEventId: cursor.type === 'error' ? undefined : (cursor.event_id ?? undefined),
			});
			return { seen, endReason: first.endReason, rest: await collect(second.events()) };
		});
		expect(result!.endReason).toBe('dropped');
		const runIds = [...result!.seen, ...result!.rest].flatMap((e) =>
			e.type === 'task_run.state' ? [e.run.run_id] : [],
		);
		expect(runIds).toHaveLength(6);
		expect(new Set(runIds).size).toBe(6);
	});

	it('end a stream that goes silent through its own watchdog, with no caller asking', async () => {
		const group = await newGroup(emulator);
		emulator.hold(true);
		await addRuns(emulator, group, { inputs: liteInputs(2) });
		emulator.addFault({ route: 'events', action: { type: 'stallStream', afterEvents: 1 } });
		// The policy's silence bound (shortened for this file) ends it: nothing here sets a watchdog.
		const { result } = await probe(async (client) => {
			const stream = await openGroupEvents(client, group);
			const events = await collect(stream.events());
			return { events: events.length, endReason: stream.endReason };
		});
		emulator.hold(false);
		expect(result).toEqual({ events: 1, endReason: 'stalled' });
	});

	it('resume a runs snapshot that goes silent from its last event, every run once', async () => {
		const group = await newGroup(emulator);
		await addRuns(emulator, group, { inputs: liteInputs(300) });
		await waitForInactive(emulator, group);
		const opened = emulator.counters().streamsOpened;
		emulator.addFault({
			route: 'runs',
			times: 1,
			action: { type: 'stallStream', afterEvents: 100 },
		});
		const { result } = await probe(async (client) =>
			collect(streamRuns(client, group, { includeOutput: true })),
		);
		const ids = result!.flatMap((e) => (e.type === 'task_run.state' ? [e.run.run_id] : []));
		expect(ids).toHaveLength(300);
		expect(new Set(ids).size).toBe(300);
		expect(emulator.counters().streamsOpened - opened).toBe(2);
	});

	it('give up on a runs snapshot that keeps going silent without a new run', async () => {
		const group = await newGroup(emulator);
		await addRuns(emulator, group, { inputs: liteInputs(5) });
		await waitForInactive(emulator, group);
		const opened = emulator.counters().streamsOpened;
		emulator.addFault({
			route: 'runs',
			times: -1,
			action: { type: 'stallStream', afterEvents: 0 },
		});
		const { error } = await probe(async (client) => collect(streamRuns(client, group)));
		expect(error?.message).toBe(`The runs stream of task group '${group}' kept breaking off`);
		expect(error?.description).toMatch(/went silent 5 times in a row without delivering a run/);
		expect(emulator.counters().streamsOpened - opened).toBe(5);
	});

	it('end a runs read at its deadline, whatever the server does', async () => {
		const group = await newGroup(emulator);
		await addRuns(emulator, group, { inputs: liteInputs(5) });
		await waitForInactive(emulator, group);
		// Keep-alives keep the stream from looking silent; only the deadline can end it.
		emulator.addFault({
			route: 'runs',
			times: -1,
			action: { type: 'stallStream', afterEvents: 2, keepAlive: true },
		});
		const { error } = await probe(async (client) =>
			collect(streamRuns(client, group, { deadline: Date.now() + 1_000 })),
		);
		expect(error?.message).toBe(`Reading the runs of task group '${group}' did not finish in time`);
	});

	it('resume the runs snapshot after a drop without repeating a run', async () => {
		const group = await newGroup(emulator);
		await addRuns(emulator, group, { inputs: liteInputs(40) });
		await waitForInactive(emulator, group);
		emulator.addFault({ route: 'runs', times: 2, action: { type: 'dropStream', afterEvents: 15 } });
		const { result } = await probe(async (client) =>
			collect(streamRuns(client, group, { includeOutput: true })),
		);
		const ids = result!.flatMap((e) => (e.type === 'task_run.state' ? [e.run.run_id] : []));
		expect(ids).toHaveLength(40);
		expect(new Set(ids).size).toBe(40);
		expect(result!.every((e) => e.type !== 'task_run.state' || e.output)).toBe(true);
	});
});

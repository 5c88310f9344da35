import { startEmulator } from './index';
import {
	KEY,
	SseClient,
	addRuns,
	api,
	liteInputs,
	newGroup,
	readStream,
	sleep,
	waitFor,
	waitForInactive,
} from './helpers';
import { useForSuite } from '../harness/useForSuite';

const emu = useForSuite(() => startEmulator({ speed: 0.001 }));
beforeEach(() => {
	emu.reset();
	emu.configure({ latencyMs: 0 });
});

const numRuns = async (groupId: string) =>
	(await api(emu, 'GET', `/v1/tasks/groups/${groupId}`)).body.status.num_task_runs as number;

/** A finished group with three completed runs. */
async function finishedGroup() {
	const groupId = await newGroup(emu);
	await addRuns(emu, groupId, { inputs: liteInputs(3) });
	await waitForInactive(emu, groupId);
	return groupId;
}

describe('request faults', () => {
	it('status answers before acting, with Retry-After headers, and creates nothing', async () => {
		const groupId = await newGroup(emu);
		emu.addFault({
			route: 'addRuns',
			action: { type: 'status', status: 429, retryAfter: '2', retryAfterMs: 1500 },
		});
		const res = await addRuns(emu, groupId, { inputs: liteInputs(2) });
		expect(res.status).toBe(429);
		expect(res.headers.get('retry-after')).toBe('2');
		expect(res.headers.get('retry-after-ms')).toBe('1500');
		expect(res.body.error.message).toBe('Too many requests: quota temporarily exceeded');
		expect(await numRuns(groupId)).toBe(0);
		expect((await addRuns(emu, groupId, { inputs: liteInputs(2) })).status).toBe(200);
		expect(emu.counters().injectedFaults).toBe(1);
	});

	it('statusAfterApply creates the runs, then answers with the error', async () => {
		const groupId = await newGroup(emu);
		emu.addFault({ route: 'addRuns', action: { type: 'statusAfterApply', status: 503 } });
		const res = await addRuns(emu, groupId, { inputs: liteInputs(2) });
		expect(res.status).toBe(503);
		expect(res.body.type).toBe('error');
		expect(await numRuns(groupId)).toBe(2);
	});

	it('dropResponse creates the runs, then resets the connection', async () => {
		const groupId = await newGroup(emu);
		emu.addFault({ route: 'addRuns', action: { type: 'dropResponse' } });
		await expect(addRuns(emu, groupId, { inputs: liteInputs(2) })).rejects.toThrow();
		expect(await numRuns(groupId)).toBe(2);
		expect(emu.counters().droppedResponses).toBe(1);
		expect(emu.counters().responses['POST /tasks/groups/:id/runs 200']).toBeUndefined();
	});

	it('latency faults and the latencyMs option delay responses', async () => {
		emu.addFault({ route: 'getGroup', action: { type: 'latency', ms: 150 } });
		const groupId = await newGroup(emu);
		let started = Date.now();
		await api(emu, 'GET', `/v1/tasks/groups/${groupId}`);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		emu.configure({ latencyMs: 60 });
		started = Date.now();
		await api(emu, 'GET', '/v1/monitors');
		expect(Date.now() - started).toBeGreaterThanOrEqual(55);
		// A control request gets no latency: with ten minutes of it, this would not return.
		emu.configure({ latencyMs: 600_000 });
		expect((await api(emu, 'GET', '/__emulator/counters')).status).toBe(200);
		emu.configure({ latencyMs: 0 });
	});

	it('honours skip, times and the * route, checking rules in order', async () => {
		emu.addFault({ route: 'getGroup', skip: 1, times: 2, action: { type: 'status', status: 500 } });
		const groupId = await newGroup(emu);
		const statuses = [];
		for (let i = 0; i < 4; i++)
			statuses.push((await api(emu, 'GET', `/v1/tasks/groups/${groupId}`)).status);
		expect(statuses).toEqual([200, 500, 500, 200]);
		emu.clearFaults();
		emu.addFault({ route: '*', times: -1, action: { type: 'status', status: 502 } });
		emu.addFault({ route: 'monitors', action: { type: 'status', status: 504 } });
		expect((await api(emu, 'GET', '/v1/monitors')).status).toBe(502);
		expect((await api(emu, 'POST', '/v1/tasks/groups', {})).status).toBe(502);
		emu.clearFaults();
		expect((await api(emu, 'GET', '/v1/monitors')).status).toBe(200);
	});

	it('stream actions ignore JSON routes; status faults answer streams with JSON', async () => {
		const groupId = await finishedGroup();
		emu.addFault({ route: '*', action: { type: 'dropStream', afterEvents: 0 } });
		expect((await api(emu, 'GET', `/v1/tasks/groups/${groupId}`)).status).toBe(200);
		expect((await readStream(`${emu.url}/v1/tasks/groups/${groupId}/runs`)).how).toBe('reset');
		emu.addFault({ route: 'events', action: { type: 'status', status: 503 } });
		const { client } = await readStream(`${emu.url}/v1/tasks/groups/${groupId}/events`);
		expect(client.status).toBe(503);
		expect(JSON.parse(client.body).type).toBe('error');
	});
});

describe('results that lag, and faults for one run', () => {
	it('lagResults withholds a completed run result (/result 404, /runs output null) until ms after it completed', async () => {
		const groupId = await finishedGroup();
		const runId = emu.group(groupId)!.runs[0].run_id;
		emu.addFault({ route: '*', times: -1, action: { type: 'lagResults', ms: 60_000 } });
		expect((await api(emu, 'GET', `/v1/tasks/runs/${runId}/result?timeout=0`)).status).toBe(404);
		const lagging = await readStream(
			`${emu.url}/v1/tasks/groups/${groupId}/runs?include_output=true`,
		);
		expect(lagging.events.map((event) => event.output)).toEqual([null, null, null]);
		emu.clearFaults();
		emu.addFault({ route: '*', times: -1, action: { type: 'lagResults', ms: 0 } });
		expect((await api(emu, 'GET', `/v1/tasks/runs/${runId}/result?timeout=0`)).status).toBe(200);
	});

	it('a rule with runId fires only on requests about that run', async () => {
		const groupId = await finishedGroup();
		const [first, second] = emu.group(groupId)!.runs.map((run) => run.run_id);
		emu.addFault({ route: '*', runId: second, times: -1, action: { type: 'status', status: 404 } });
		expect((await api(emu, 'GET', `/v1/tasks/runs/${first}/result?timeout=0`)).status).toBe(200);
		expect((await api(emu, 'GET', `/v1/tasks/runs/${second}/result?timeout=0`)).status).toBe(404);
		expect((await api(emu, 'GET', `/v1/tasks/runs/${second}/input`)).status).toBe(404);
		expect((await api(emu, 'GET', `/v1/tasks/runs/${first}/input`)).status).toBe(200);
		expect((await api(emu, 'GET', `/v1/tasks/groups/${groupId}`)).status).toBe(200);
	});
});

describe('late and redirecting answers', () => {
	it('applyLate with a status answers it at once and creates the runs afterMs later', async () => {
		const groupId = await newGroup(emu);
		emu.addFault({ route: 'addRuns', action: { type: 'applyLate', afterMs: 200, status: 504 } });
		const res = await addRuns(emu, groupId, { inputs: liteInputs(3) });
		expect(res.status).toBe(504);
		expect(res.body.error.message).toBe('Gateway timeout');
		expect(await numRuns(groupId)).toBe(0);
		await waitFor(() => emu.counters().lateWorkDone === 1 || undefined, 5000, 'late work');
		expect(await numRuns(groupId)).toBe(3);
		expect(emu.counters().runsCreated[groupId]).toBe(3);
	});

	it('applyLate without a status drops the connection, then creates the runs', async () => {
		const groupId = await newGroup(emu);
		emu.addFault({ route: 'addRuns', action: { type: 'applyLate', afterMs: 200 } });
		await expect(addRuns(emu, groupId, { inputs: liteInputs(2) })).rejects.toThrow();
		expect(emu.counters().droppedResponses).toBe(1);
		await waitFor(() => emu.counters().lateWorkDone === 1 || undefined, 5000, 'late work');
		expect(await numRuns(groupId)).toBe(2);
	});

	it('reset cancels late work that has not happened yet', async () => {
		const groupId = await newGroup(emu);
		emu.addFault({ route: 'addRuns', action: { type: 'applyLate', afterMs: 300, status: 502 } });
		expect((await addRuns(emu, groupId, { inputs: liteInputs(2) })).status).toBe(502);
		emu.reset();
		const next = await newGroup(emu);
		// A request after the late work was due proves it did not happen.
		emu.addFault({ route: 'getGroup', action: { type: 'latency', ms: 500 } });
		await api(emu, 'GET', `/v1/tasks/groups/${next}`);
		expect(emu.counters().lateWorkDone).toBe(0);
		expect(emu.counters().runsCreatedTotal).toBe(0);
	});

	it('redirect answers 3xx to the redirect target, same path, and the target counts keys', async () => {
		const groupId = await newGroup(emu);
		emu.addFault({ route: 'getGroup', action: { type: 'redirect', status: 307 } });
		const path = `/v1/tasks/groups/${groupId}`;
		const res = await fetch(`${emu.url}${path}?x=1`, {
			headers: { 'x-api-key': KEY },
			redirect: 'manual',
		});
		expect(res.status).toBe(307);
		expect(res.headers.get('location')).toBe(`${emu.redirectTargetUrl}${path}?x=1`);
		expect(emu.counters().redirectTarget).toEqual({ requests: 0, withApiKey: 0 });
		await fetch(res.headers.get('location')!, { headers: { 'x-api-key': KEY } });
		await fetch(res.headers.get('location')!);
		expect(emu.counters().redirectTarget).toEqual({ requests: 2, withApiKey: 1 });
		emu.reset();
		expect(emu.counters().redirectTarget).toEqual({ requests: 0, withApiKey: 0 });
	});

	it('rejects a redirect rule without a 3xx status and a late rule without afterMs', () => {
		expect(() =>
			emu.addFault({ route: 'getGroup', action: { type: 'redirect', status: 200 } }),
		).toThrow('A redirect fault needs a 3xx status');
		expect(() =>
			emu.addFault({ route: 'addRuns', action: { type: 'applyLate' } as never }),
		).toThrow('An applyLate fault needs afterMs >= 0');
	});
});

describe('stream faults', () => {
	it('dropStream resets the connection after N events', async () => {
		const groupId = await finishedGroup();
		emu.addFault({ route: 'events', action: { type: 'dropStream', afterEvents: 2 } });
		const { how, events } = await readStream(`${emu.url}/v1/tasks/groups/${groupId}/events`);
		expect(how).toBe('reset');
		expect(events).toHaveLength(2);
		expect(emu.counters().injectedFaults).toBe(1);
	});

	it('endStream ends cleanly after N events, without the final status', async () => {
		const groupId = await finishedGroup();
		emu.addFault({ route: 'events', action: { type: 'endStream', afterEvents: 3 } });
		const { how, events } = await readStream(`${emu.url}/v1/tasks/groups/${groupId}/events`);
		expect(how).toBe('eof');
		expect(events.map((e) => e.type)).toEqual([
			'task_group_status',
			'task_run.state',
			'task_run.state',
		]);
	});

	it('stallStream with keepAlive stays stuck: no more events, keep-alives go on', async () => {
		emu.configure({ keepAliveMs: 20 });
		const groupId = await finishedGroup();
		emu.addFault({
			route: 'runs',
			action: { type: 'stallStream', afterEvents: 1, keepAlive: true },
		});
		const client = await SseClient.open(`${emu.url}/v1/tasks/groups/${groupId}/runs`);
		await client.waitForEvents(1);
		await waitFor(() => client.comments.length >= 3 || undefined, 5000, 'keep-alives');
		expect(client.frames).toHaveLength(1);
		client.close();
		await waitFor(() => emu.counters().openStreams === 0 || undefined, 2000, 'stream closed');
		emu.configure({ keepAliveMs: 15_000 });
	});

	it('stallStream goes silent (no keep-alives) until the client leaves', async () => {
		emu.configure({ keepAliveMs: 20 });
		const groupId = await finishedGroup();
		emu.addFault({ route: 'runs', action: { type: 'stallStream', afterEvents: 1 } });
		const client = await SseClient.open(`${emu.url}/v1/tasks/groups/${groupId}/runs`);
		await client.waitForEvents(1);
		await sleep(100);
		expect(client.frames).toHaveLength(1);
		expect(client.comments).toEqual([]);
		expect(emu.counters().openStreams).toBe(1);
		client.close();
		await waitFor(() => emu.counters().openStreams === 0 || undefined, 2000, 'stream closed');
		emu.configure({ keepAliveMs: 15_000 });
	});

	it('duplicateEvents sends every task_run.state twice', async () => {
		const groupId = await finishedGroup();
		emu.addFault({ route: 'runs', action: { type: 'duplicateEvents' } });
		const { events } = await readStream(`${emu.url}/v1/tasks/groups/${groupId}/runs`);
		expect(events).toHaveLength(6);
		expect(events[0]).toEqual(events[1]);
		emu.addFault({ route: 'events', action: { type: 'duplicateEvents' } });
		const live = (await readStream(`${emu.url}/v1/tasks/groups/${groupId}/events`)).events;
		expect(live.map((e) => e.type)).toEqual([
			'task_group_status',
			...Array(6).fill('task_run.state'),
			'task_group_status',
		]);
	});

	it('errorEvent inserts an error event after N events and carries on', async () => {
		const groupId = await finishedGroup();
		emu.addFault({
			route: 'events',
			action: { type: 'errorEvent', afterEvents: 1, message: 'upstream hiccup' },
		});
		const { how, events } = await readStream(`${emu.url}/v1/tasks/groups/${groupId}/events`);
		expect(how).toBe('eof');
		expect(events[1]).toEqual({
			type: 'error',
			error: { ref_id: expect.any(String), message: 'upstream hiccup', detail: null },
		});
		expect(events).toHaveLength(6);
		expect(events[5].type).toBe('task_group_status');
	});

	it('combines latency with a stream fault on one request', async () => {
		const groupId = await finishedGroup();
		emu.addFault({ route: 'runs', action: { type: 'latency', ms: 100 } });
		emu.addFault({ route: 'runs', action: { type: 'endStream', afterEvents: 1 } });
		const started = Date.now();
		const { events } = await readStream(`${emu.url}/v1/tasks/groups/${groupId}/runs`);
		expect(Date.now() - started).toBeGreaterThanOrEqual(95);
		expect(events).toHaveLength(1);
		expect(emu.counters().injectedFaults).toBe(2);
	});
});

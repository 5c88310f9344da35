import { startEmulator } from './index';
import {
	SseClient,
	addRuns,
	api,
	liteInputs,
	newGroup,
	readStream,
	waitFor,
	waitForInactive,
} from './helpers';
import { useForSuite } from '../harness/useForSuite';

const emu = useForSuite(() => startEmulator({ speed: 0.001 }));
beforeEach(() => emu.reset());

const control = (method: string, path: string, body?: unknown) =>
	api(emu, method, `/__emulator${path}`, body, {});

describe('counters', () => {
	it('counts requests and responses by version-free route template', async () => {
		const groupId = await newGroup(emu);
		await newGroup(emu, '/v1beta');
		await api(emu, 'GET', `/v1beta/tasks/groups/${groupId}`);
		await api(emu, 'GET', '/v1/tasks/groups/tgrp_nope');
		await api(emu, 'GET', '/v1/monitors', undefined, {});
		await readStream(`${emu.url}/v1/tasks/groups/${groupId}/events`);
		const counters = emu.counters();
		expect(counters.requests).toEqual({
			'POST /tasks/groups': 2,
			'GET /tasks/groups/:id': 2,
			'GET /monitors': 1,
			'GET /tasks/groups/:id/events': 1,
		});
		expect(counters.responses).toEqual({
			'POST /tasks/groups 200': 2,
			'GET /tasks/groups/:id 200': 1,
			'GET /tasks/groups/:id 404': 1,
			'GET /monitors 401': 1,
			'GET /tasks/groups/:id/events 200': 1,
		});
	});

	it('counts runs created and duplicate inputs per group', async () => {
		const groupId = await newGroup(emu);
		const other = await newGroup(emu);
		const same = { input: { b: 1, a: 'x' }, processor: 'lite', metadata: { row: 1 } };
		const reordered = { input: { a: 'x', b: 1 }, processor: 'lite', metadata: { row: 1 } };
		await addRuns(emu, groupId, { inputs: [same, reordered] });
		await addRuns(emu, groupId, {
			inputs: [same, { ...same, metadata: { row: 2 } }, { ...same, processor: 'base' }],
		});
		await addRuns(emu, other, { inputs: [same] });
		const counters = emu.counters();
		expect(counters.runsCreated).toEqual({ [groupId]: 5, [other]: 1 });
		expect(counters.runsCreatedTotal).toBe(6);
		expect(counters.duplicateInputs).toEqual({ [groupId]: 2 });
		expect(counters.duplicateInputsTotal).toBe(2);
	});

	it('tracks open streams, their maximum, and returns to 0 after clients leave', async () => {
		emu.hold(true);
		const groupId = await newGroup(emu);
		await addRuns(emu, groupId, { inputs: liteInputs(1) });
		const clients = await Promise.all(
			[1, 2, 3].map(() => SseClient.open(`${emu.url}/v1/tasks/groups/${groupId}/events`)),
		);
		await Promise.all(clients.map((client) => client.waitForEvents(1)));
		expect(emu.counters()).toMatchObject({ openStreams: 3, maxOpenStreams: 3, streamsOpened: 3 });
		clients[0].close();
		await waitFor(() => emu.counters().openStreams === 2 || undefined, 2000, 'one stream closed');
		emu.hold(false);
		await Promise.all(clients.slice(1).map((client) => client.ended));
		await waitFor(() => emu.counters().openStreams === 0 || undefined, 2000, 'all streams closed');
		expect(emu.counters().maxOpenStreams).toBe(3);
	});
});

describe('programmatic control', () => {
	it('reset forgets groups, runs and faults; group() snapshots runs', async () => {
		const groupId = await newGroup(emu);
		await addRuns(emu, groupId, {
			inputs: [{ input: 'x', processor: 'lite', metadata: { k: 'v' } }],
		});
		await waitForInactive(emu, groupId);
		expect(emu.group(groupId)?.runs).toEqual([
			{
				run_id: expect.any(String),
				interaction_id: expect.any(String),
				status: 'completed',
				input: 'x',
				metadata: { k: 'v' },
				previous_interaction_id: null,
				mcp_servers: null,
				webhook: null,
				enable_events: null,
			},
		]);
		emu.addFault({ route: 'monitors', action: { type: 'status', status: 500 } });
		emu.reset();
		expect(emu.group(groupId)).toBeUndefined();
		expect((await api(emu, 'GET', `/v1/tasks/groups/${groupId}`)).status).toBe(404);
		expect((await api(emu, 'GET', '/v1/monitors')).status).toBe(200);
		expect(emu.counters().requests).toEqual({ 'GET /tasks/groups/:id': 1, 'GET /monitors': 1 });
	});

	it('configure changes API keys at run time and rejects bad values', async () => {
		emu.configure({ apiKeys: ['other-key'] });
		expect((await api(emu, 'GET', '/v1/monitors')).status).toBe(401);
		expect(
			(await api(emu, 'GET', '/v1/monitors', undefined, { 'x-api-key': 'other-key' })).status,
		).toBe(200);
		emu.configure({ apiKeys: ['emulator-key'] });
		expect(() => emu.configure({ speed: 0 })).toThrow(/speed/);
		expect(() =>
			emu.addFault({ route: 'nope' as 'monitors', action: { type: 'dropResponse' } }),
		).toThrow();
	});
});

describe('HTTP control API', () => {
	it('adds and clears faults, reads counters, resets, holds and configures', async () => {
		const added = await control('POST', '/faults', [
			{ route: 'monitors', action: { type: 'status', status: 503 } },
			{ route: 'getGroup', action: { type: 'status', status: 500 } },
		]);
		expect(added.status).toBe(200);
		expect((await api(emu, 'GET', '/v1/monitors')).status).toBe(503);
		expect(
			(
				await control('POST', '/faults', {
					route: 'monitors',
					action: { type: 'status', status: 429 },
				})
			).status,
		).toBe(200);
		expect((await control('DELETE', '/faults')).status).toBe(200);
		expect((await api(emu, 'GET', '/v1/monitors')).status).toBe(200);
		expect(
			(await control('POST', '/faults', { route: 'x', action: { type: 'status' } })).status,
		).toBe(400);

		const counters = await control('GET', '/counters');
		expect(counters.body.requests['GET /monitors']).toBe(2);
		expect(counters.body.injectedFaults).toBe(1);

		expect((await control('POST', '/hold', { on: true })).status).toBe(200);
		const groupId = await newGroup(emu);
		const add = await addRuns(emu, groupId, { inputs: liteInputs(1) });
		const snapshot = await control('GET', `/groups/${groupId}`);
		expect(snapshot.body.runs[0]).toMatchObject({ run_id: add.body.run_ids[0], status: 'queued' });
		expect((await control('POST', '/hold', { on: false })).status).toBe(200);
		await waitForInactive(emu, groupId);

		expect((await control('POST', '/config', { latencyMs: 5, outputPadBytes: 10 })).status).toBe(
			200,
		);
		expect((await control('POST', '/config', { speed: -1 })).status).toBe(400);
		expect((await control('POST', '/config', { latencyMs: 0 })).status).toBe(200);
		expect((await control('POST', '/reset')).status).toBe(200);
		expect((await api(emu, 'GET', `/v1/tasks/groups/${groupId}`)).status).toBe(404);
		expect((await control('GET', '/unknown')).status).toBe(404);
		expect((await control('POST', '/faults', '{oops')).status).toBe(400);
	});
});

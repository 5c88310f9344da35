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
import type { JsonBody } from './helpers';
import { useForSuite } from '../harness/useForSuite';

const emu = useForSuite(() => startEmulator({ speed: 0.001 }));
beforeEach(() => {
	emu.reset();
	emu.configure({
		replayWithoutCursor: 'all',
		sseIdLines: false,
		keepAliveMs: 15_000,
		statusEveryMs: 1000,
		eventsMaxMs: 3_600_000,
	});
});

const runsUrl = (groupId: string, query = '') =>
	`${emu.url}/v1/tasks/groups/${groupId}/runs${query}`;
const eventsUrl = (groupId: string, query = '') =>
	`${emu.url}/v1/tasks/groups/${groupId}/events${query}`;
const types = (events: JsonBody[]) => events.map((event) => event.type);

/** A finished group: two completed runs, then (once they are done) one failed run. */
async function finishedGroup() {
	const groupId = await newGroup(emu);
	const first = await addRuns(emu, groupId, { inputs: liteInputs(2) });
	await waitForInactive(emu, groupId);
	const second = await addRuns(emu, groupId, {
		inputs: [{ input: '__fail__', processor: 'lite' }],
	});
	await waitForInactive(emu, groupId);
	return {
		groupId,
		runIds: [...first.body.run_ids, ...second.body.run_ids] as string[],
		second: second.body,
	};
}

describe('GET /groups/{id}/runs', () => {
	it('streams every run in creation order, then ends', async () => {
		const { groupId, runIds } = await finishedGroup();
		const { client, how, events } = await readStream(runsUrl(groupId));
		expect(how).toBe('eof');
		expect(client.headers['content-type']).toContain('text/event-stream');
		expect(client.malformed).toEqual([]);
		expect(events.map((e) => e.run.run_id)).toEqual(runIds);
		expect(new Set(events.map((e) => e.event_id)).size).toBe(3);
		for (const event of events) {
			expect(event).toMatchObject({ type: 'task_run.state', input: null, output: null });
		}
	});

	it('includes input and output only when asked, output only for completed runs', async () => {
		const { groupId } = await finishedGroup();
		const both = (await readStream(runsUrl(groupId, '?include_input=true&include_output=true')))
			.events;
		expect(both[0].input).toEqual({ input: { name: 'item-0' }, processor: 'lite' });
		expect(both[0].output.type).toBe('json');
		expect(both[2].run.status).toBe('failed');
		expect(both[2].output).toBeNull();
		const inputOnly = (
			await readStream(runsUrl(groupId, '?include_input=true&include_output=false'))
		).events;
		expect(inputOnly[0].input).not.toBeNull();
		expect(inputOnly[0].output).toBeNull();
		const outputOnly = (await readStream(runsUrl(groupId, '?include_output=true'))).events;
		expect(outputOnly[0].input).toBeNull();
		expect(outputOnly[0].output).not.toBeNull();
	});

	it('filters by status and resumes after last_event_id or run_cursor', async () => {
		const { groupId, runIds, second } = await finishedGroup();
		const failed = (await readStream(runsUrl(groupId, '?status=failed'))).events;
		expect(failed.map((e) => e.run.run_id)).toEqual([runIds[2]]);
		const all = (await readStream(runsUrl(groupId))).events;
		const afterFirst = (await readStream(runsUrl(groupId, `?last_event_id=${all[0].event_id}`)))
			.events;
		expect(afterFirst.map((e) => e.run.run_id)).toEqual(runIds.slice(1));
		const afterBatch = (await readStream(runsUrl(groupId, `?last_event_id=${second.run_cursor}`)))
			.events;
		expect(afterBatch.map((e) => e.run.run_id)).toEqual([runIds[2]]);
		const unknown = (await readStream(runsUrl(groupId, '?last_event_id=bogus'))).events;
		expect(unknown).toHaveLength(3);
		const bad = await api(emu, 'GET', `/v1/tasks/groups/${groupId}/runs?status=done`);
		expect(bad.status).toBe(422);
	});

	it('includes active runs with their current status', async () => {
		emu.hold(true);
		const groupId = await newGroup(emu);
		await addRuns(emu, groupId, { inputs: liteInputs(2) });
		const { events } = await readStream(runsUrl(groupId, '?include_output=true'));
		expect(events.map((e) => [e.run.status, e.run.is_active, e.output])).toEqual([
			['queued', true, null],
			['queued', true, null],
		]);
		emu.hold(false);
	});
});

describe('GET /groups/{id}/events', () => {
	it('sends the current status, replays terminations, then a final status and EOF', async () => {
		const { groupId, runIds } = await finishedGroup();
		const { how, events, client } = await readStream(eventsUrl(groupId));
		expect(how).toBe('eof');
		expect(client.malformed).toEqual([]);
		expect(types(events)).toEqual([
			'task_group_status',
			'task_run.state',
			'task_run.state',
			'task_run.state',
			'task_group_status',
		]);
		expect(events[0].status).toMatchObject({ num_task_runs: 3, is_active: false });
		expect(events[4].status).toMatchObject({
			is_active: false,
			task_run_status_counts: { completed: 2, failed: 1 },
		});
		expect(new Set(events.slice(1, 4).map((e) => e.run.run_id))).toEqual(new Set(runIds));
		for (const event of events.slice(1, 4)) {
			expect(event.input).toBeNull();
			expect(event.output).toBeNull();
			expect(event.run.is_active).toBe(false);
		}
		expect(new Set(events.map((e) => e.event_id)).size).toBe(5);
	});

	it('resumes after last_event_id, and replays all for an unknown one', async () => {
		const { groupId } = await finishedGroup();
		const full = (await readStream(eventsUrl(groupId))).events;
		const resumed = (await readStream(eventsUrl(groupId, `?last_event_id=${full[1].event_id}`)))
			.events;
		expect(resumed.slice(1, -1).map((e) => e.event_id)).toEqual([
			full[2].event_id,
			full[3].event_id,
		]);
		const fromStatus = (await readStream(eventsUrl(groupId, `?last_event_id=${full[4].event_id}`)))
			.events;
		expect(types(fromStatus)).toEqual(['task_group_status', 'task_group_status']);
		const unknown = (await readStream(eventsUrl(groupId, '?last_event_id=nope'))).events;
		expect(unknown).toHaveLength(5);
	});

	it("with replayWithoutCursor 'none' sends only new events", async () => {
		emu.configure({ replayWithoutCursor: 'none' });
		const { groupId } = await finishedGroup();
		const { events } = await readStream(eventsUrl(groupId));
		expect(types(events)).toEqual(['task_group_status', 'task_group_status']);
	});

	it('streams live terminations of a running group, then the final status', async () => {
		emu.hold(true);
		const groupId = await newGroup(emu);
		const add = await addRuns(emu, groupId, { inputs: liteInputs(3) });
		const client = await SseClient.open(
			eventsUrl(groupId, `?last_event_id=${add.body.event_cursor ?? ''}`),
		);
		await client.waitForEvents(1);
		expect(client.events[0].status).toMatchObject({
			is_active: true,
			task_run_status_counts: { queued: 3 },
		});
		emu.hold(false);
		expect(await client.ended).toBe('eof');
		const events = client.events;
		expect(events.filter((e) => e.type === 'task_run.state')).toHaveLength(3);
		expect(events[events.length - 1]).toMatchObject({
			type: 'task_group_status',
			status: { is_active: false },
		});
	});

	it('uses event_cursor from add-runs to see only what came after the batch', async () => {
		const { groupId, second } = await finishedGroup();
		const { events } = await readStream(
			eventsUrl(groupId, `?last_event_id=${second.event_cursor}`),
		);
		const runEvents = events.filter((e) => e.type === 'task_run.state');
		expect(runEvents.map((e) => e.run.run_id)).toEqual(second.run_ids);
	});

	it('sends progress statuses at most every statusEveryMs', async () => {
		emu.configure({ statusEveryMs: 0 });
		const groupId = await newGroup(emu);
		emu.hold(true);
		const add = await addRuns(emu, groupId, { inputs: liteInputs(2) });
		const client = await SseClient.open(
			eventsUrl(groupId, `?last_event_id=${add.body.event_cursor}`),
		);
		await client.waitForEvents(1);
		emu.hold(false);
		await client.ended;
		// The first status, then one per transition (2 to running, 2 terminal; the last is final).
		expect(types(client.events).filter((t) => t === 'task_group_status')).toHaveLength(5);
	});

	it('ends with a plain EOF at `timeout` seconds or eventsMaxMs, without a final status', async () => {
		emu.hold(true);
		const groupId = await newGroup(emu);
		await addRuns(emu, groupId, { inputs: liteInputs(1) });
		const started = Date.now();
		const timed = await readStream(eventsUrl(groupId, '?timeout=0.2'));
		expect(timed.how).toBe('eof');
		expect(Date.now() - started).toBeGreaterThanOrEqual(190);
		expect(types(timed.events)).toEqual(['task_group_status']);
		expect(timed.events[0].status.is_active).toBe(true);
		emu.configure({ eventsMaxMs: 100 });
		const capped = await readStream(eventsUrl(groupId, '?timeout=60'));
		expect(capped.how).toBe('eof');
		expect(types(capped.events)).toEqual(['task_group_status']);
		const bad = await api(emu, 'GET', `/v1/tasks/groups/${groupId}/events?timeout=soon`);
		expect(bad.status).toBe(422);
		emu.hold(false);
	});

	it('sends keep-alive comments every keepAliveMs, and id lines when sseIdLines', async () => {
		emu.configure({ keepAliveMs: 20, sseIdLines: true });
		emu.hold(true);
		const groupId = await newGroup(emu);
		await addRuns(emu, groupId, { inputs: liteInputs(1) });
		const client = await SseClient.open(eventsUrl(groupId));
		await waitFor(() => client.comments.length >= 3 || undefined, 5000, 'three keep-alives');
		expect(client.comments[0]).toBe(': keep-alive');
		expect(client.body).toContain('\n\n: keep-alive\n\n');
		emu.hold(false);
		await client.ended;
		expect(client.malformed).toEqual([]);
		for (const frame of client.frames) expect(frame.id).toBe(frame.json.event_id);
	});

	it('answers a group with no runs with two inactive statuses', async () => {
		const groupId = await newGroup(emu, '/v1beta');
		const { events, how } = await readStream(`${emu.url}/v1beta/tasks/groups/${groupId}/events`);
		expect(how).toBe('eof');
		expect(events.map((e) => [e.type, e.status.is_active])).toEqual([
			['task_group_status', false],
			['task_group_status', false],
		]);
	});
});

import { startEmulator } from './index';
import { addRuns, api, newGroup, sleep, waitFor, waitForInactive } from './helpers';
import { useForSuite } from '../harness/useForSuite';

const emu = useForSuite(() => startEmulator({ speed: 0.001 }));
beforeEach(() => {
	emu.reset();
	emu.configure({ speed: 0.001, maxHoldMs: null });
});

const runStatus = async (runId: string) =>
	(await api(emu, 'GET', `/v1/tasks/runs/${runId}`)).body.status as string;

describe('run lifecycle', () => {
	it('creates queued runs with the documented fields, then completes them', async () => {
		emu.hold(true);
		const groupId = await newGroup(emu);
		const add = await addRuns(emu, groupId, {
			inputs: [
				{ input: 'What is 2+2?', processor: 'lite', metadata: { row: 1 } },
				{ input: { name: 'Acme' }, processor: 'base-fast' },
			],
		});
		expect(add.status).toBe(200);
		const [first, second] = add.body.run_ids as string[];
		expect(first).toMatch(/^trun_[0-9a-f]{32}$/);
		const run = (await api(emu, 'GET', `/v1/tasks/groups/${groupId}/runs/${first}`)).body;
		expect(run).toEqual({
			run_id: first,
			interaction_id: first,
			status: 'queued',
			is_active: true,
			warnings: null,
			error: null,
			processor: 'lite',
			metadata: { row: 1 },
			taskgroup_id: groupId,
			created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
			modified_at: expect.any(String),
		});
		expect((await api(emu, 'GET', `/v1/tasks/runs/${second}`)).body.metadata).toBeNull();
		const group = (await api(emu, 'GET', `/v1/tasks/groups/${groupId}`)).body;
		expect(group.status).toMatchObject({
			num_task_runs: 2,
			task_run_status_counts: { queued: 2 },
			is_active: true,
			status_message: null,
		});
		emu.hold(false);
		const done = await waitForInactive(emu, groupId);
		expect(done.status.task_run_status_counts).toEqual({ completed: 2 });
		expect(await runStatus(first)).toBe('completed');
	});

	it('passes through running and scales durations by speed', async () => {
		emu.configure({ speed: 0.01 });
		const groupId = await newGroup(emu);
		const started = Date.now();
		const add = await addRuns(emu, groupId, {
			inputs: [
				{ input: 'quick', processor: 'lite' },
				{ input: 'slow', processor: 'pro' },
			],
		});
		const [lite, pro] = add.body.run_ids as string[];
		await waitFor(
			async () => (await runStatus(pro)) === 'running' || undefined,
			5000,
			'pro running',
		);
		await waitFor(
			async () => (await runStatus(lite)) === 'completed' || undefined,
			5000,
			'lite done',
		);
		const liteElapsed = Date.now() - started;
		// lite takes 10–60 s, so 100–600 ms at speed 0.01; pro takes at least 1.2 s.
		expect(liteElapsed).toBeGreaterThanOrEqual(90);
		expect(await runStatus(pro)).toBe('running');
		const counts = (await api(emu, 'GET', `/v1/tasks/groups/${groupId}`)).body.status;
		expect(counts.task_run_status_counts).toEqual({ completed: 1, running: 1 });
		emu.configure({ speed: 0.00001 });
		await waitForInactive(emu, groupId, 2000);
	});

	it('hold freezes queued and running runs until released', async () => {
		const groupId = await newGroup(emu);
		emu.hold(true);
		const add = await addRuns(emu, groupId, { inputs: [{ input: 'x', processor: 'lite' }] });
		await sleep(150);
		expect(await runStatus(add.body.run_ids[0])).toBe('queued');
		emu.hold(false);
		await waitForInactive(emu, groupId);

		emu.configure({ speed: 0.003 });
		const next = await addRuns(emu, groupId, { inputs: [{ input: 'y', processor: 'ultra' }] });
		const runId = next.body.run_ids[0];
		await waitFor(async () => (await runStatus(runId)) === 'running' || undefined, 5000, 'running');
		emu.hold(true);
		emu.configure({ speed: 0.000001 });
		await sleep(100);
		expect(await runStatus(runId)).toBe('running');
		emu.hold(false);
		await waitForInactive(emu, groupId);
	});

	it('fails runs whose input contains __fail__, deterministically', async () => {
		const groupId = await newGroup(emu);
		const add = await addRuns(emu, groupId, {
			inputs: [
				{ input: { company: 'Acme __fail__' }, processor: 'lite' },
				{ input: 'please __fail__', processor: 'core' },
				{ input: 'fine', processor: 'lite' },
			],
		});
		const done = await waitForInactive(emu, groupId);
		expect(done.status.task_run_status_counts).toEqual({ failed: 2, completed: 1 });
		const failed = (await api(emu, 'GET', `/v1/tasks/runs/${add.body.run_ids[0]}`)).body;
		expect(failed).toMatchObject({ status: 'failed', is_active: false });
		expect(failed.error).toEqual({
			ref_id: expect.any(String),
			message: 'Task failed: the emulator was asked to fail this run',
			detail: null,
		});
	});
});

describe('GET /v1/tasks/runs/{id}/result', () => {
	it('returns 200 for a completed run, 404 for a failed or unknown one', async () => {
		const groupId = await newGroup(emu);
		const add = await addRuns(emu, groupId, {
			inputs: [
				{ input: 'ok', processor: 'lite' },
				{ input: '__fail__', processor: 'lite' },
			],
		});
		const [ok, bad] = add.body.run_ids as string[];
		const result = await api(emu, 'GET', `/v1/tasks/runs/${ok}/result?timeout=5`);
		expect(result.status).toBe(200);
		expect(result.body.run).toMatchObject({ run_id: ok, status: 'completed' });
		expect(result.body.output.type).toBe('json');
		const failed = await api(emu, 'GET', `/v1/tasks/runs/${bad}/result?timeout=5`);
		expect(failed.status).toBe(404);
		expect(failed.body.error.message).toBe('Run failed or run id not found');
		const unknown = await api(emu, 'GET', '/v1/tasks/runs/trun_nope/result');
		expect(unknown.status).toBe(404);
	});

	it('holds while active, then answers 408 after maxHoldMs', async () => {
		emu.configure({ maxHoldMs: 150 });
		emu.hold(true);
		const groupId = await newGroup(emu);
		const add = await addRuns(emu, groupId, { inputs: [{ input: 'x', processor: 'lite' }] });
		const started = Date.now();
		const res = await api(emu, 'GET', `/v1/tasks/runs/${add.body.run_ids[0]}/result?timeout=30`);
		expect(res.status).toBe(408);
		expect(res.body.error.message).toBe('Request timed out; run still active');
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		const zero = await api(emu, 'GET', `/v1/tasks/runs/${add.body.run_ids[0]}/result?timeout=0`);
		expect(zero.status).toBe(408);
	});

	it('answers as soon as a held run completes', async () => {
		emu.hold(true);
		const groupId = await newGroup(emu);
		const add = await addRuns(emu, groupId, { inputs: [{ input: 'x', processor: 'lite' }] });
		const pending = api(emu, 'GET', `/v1/tasks/runs/${add.body.run_ids[0]}/result?timeout=10`);
		await sleep(50);
		emu.hold(false);
		expect((await pending).status).toBe(200);
	});

	it('rejects a non-integer timeout with 422', async () => {
		const res = await api(emu, 'GET', '/v1/tasks/runs/trun_x/result?timeout=1.5');
		expect(res.status).toBe(422);
		expect(res.body.type).toBe('error');
	});
});

describe('runs outside a group', () => {
	it('POST /v1/tasks/runs answers 202 and the run completes', async () => {
		const res = await api(emu, 'POST', '/v1/tasks/runs', {
			input: 'GDP of France?',
			processor: 'lite',
			task_spec: { output_schema: 'GDP in USD' },
		});
		expect(res.status).toBe(202);
		expect(res.body).toMatchObject({ status: 'queued', is_active: true, taskgroup_id: null });
		const input = await api(emu, 'GET', `/v1/tasks/runs/${res.body.run_id}/input`);
		expect(input.body).toEqual({
			input: 'GDP of France?',
			processor: 'lite',
			task_spec: { output_schema: 'GDP in USD' },
		});
		const result = await api(emu, 'GET', `/v1/tasks/runs/${res.body.run_id}/result?timeout=5`);
		expect(result.body.output.type).toBe('text');
		expect(emu.counters().runsCreatedTotal).toBe(1);
	});
});

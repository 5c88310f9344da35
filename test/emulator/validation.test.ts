import { startEmulator } from './index';
import { addRuns, api, liteInputs, newGroup, readStream } from './helpers';
import { useForSuite } from '../harness/useForSuite';

const emu = useForSuite(() => startEmulator({ speed: 0.001 }));
beforeEach(() => emu.reset());

const runCount = async (groupId: string) =>
	(await api(emu, 'GET', `/v1/tasks/groups/${groupId}`)).body.status.num_task_runs as number;

describe('creating groups', () => {
	it.each([
		['no body', undefined],
		['an empty body', ''],
		['{}', {}],
	])('accepts %s', async (_name, body) => {
		const res = await api(emu, 'POST', '/v1/tasks/groups', body);
		expect(res.status).toBe(200);
		expect(res.body.taskgroup_id).toMatch(/^tgrp_[0-9a-f]{32}$/);
		expect(res.body.metadata).toBeNull();
		expect(res.body.status).toEqual({
			num_task_runs: 0,
			task_run_status_counts: {},
			is_active: false,
			status_message: null,
			modified_at: expect.any(String),
		});
	});

	it('keeps metadata and rejects non-scalar metadata values with 422', async () => {
		const ok = await api(emu, 'POST', '/v1beta/tasks/groups', {
			metadata: { a: 'x', b: 2, c: true },
		});
		expect(ok.body.metadata).toEqual({ a: 'x', b: 2, c: true });
		const bad = await api(emu, 'POST', '/v1/tasks/groups', { metadata: { nested: { no: 1 } } });
		expect(bad.status).toBe(422);
		expect(bad.body.detail[0].loc).toEqual(['body', 'metadata', 'nested']);
	});
});

describe('adding runs', () => {
	it('accepts 1,000 inputs and rejects 1,001 without creating anything', async () => {
		const groupId = await newGroup(emu);
		const ok = await addRuns(emu, groupId, { inputs: liteInputs(1000) });
		expect(ok.status).toBe(200);
		expect(ok.body.run_ids).toHaveLength(1000);
		const tooMany = await addRuns(emu, groupId, { inputs: liteInputs(1001) });
		expect(tooMany.status).toBe(422);
		expect(tooMany.body.detail[0]).toMatchObject({ loc: ['body', 'inputs'], type: 'too_long' });
		expect(await runCount(groupId)).toBe(1000);
		expect(emu.counters().runsCreated[groupId]).toBe(1000);
	});

	it.each([
		['inputs missing', {}, ['body', 'inputs']],
		['inputs not a list', { inputs: 'x' }, ['body', 'inputs']],
		['inputs empty', { inputs: [] }, ['body', 'inputs']],
		['body not an object', [1, 2], ['body']],
		[
			'a bad default_task_spec',
			{ inputs: liteInputs(1), default_task_spec: {} },
			['body', 'default_task_spec', 'output_schema'],
		],
	])('answers 422 for %s', async (_name, body, loc) => {
		const groupId = await newGroup(emu);
		const res = await addRuns(emu, groupId, body as Record<string, unknown>);
		expect(res.status).toBe(422);
		expect(res.body.detail[0].loc).toEqual(loc);
		expect(await runCount(groupId)).toBe(0);
	});

	it('names the field path of a missing processor or input, creating nothing', async () => {
		const groupId = await newGroup(emu);
		const inputs: Array<Record<string, unknown>> = liteInputs(5);
		delete inputs[3].processor;
		delete inputs[4].input;
		const res = await addRuns(emu, groupId, { inputs });
		expect(res.status).toBe(422);
		expect(res.body.detail).toEqual([
			{ loc: ['body', 'inputs', 3, 'processor'], msg: 'Field required', type: 'missing' },
			{ loc: ['body', 'inputs', 4, 'input'], msg: 'Field required', type: 'missing' },
		]);
		const wrongType = await addRuns(emu, groupId, { inputs: [{ input: 5, processor: 'lite' }] });
		expect(wrongType.body.detail[0].loc).toEqual(['body', 'inputs', 0, 'input']);
		expect(await runCount(groupId)).toBe(0);
	});

	it('answers 403 for an unknown processor and accepts every -fast variant', async () => {
		const groupId = await newGroup(emu);
		const bad = await addRuns(emu, groupId, {
			inputs: [...liteInputs(2), { input: 'x', processor: 'turbo' }],
		});
		expect(bad.status).toBe(403);
		expect(bad.body).toEqual({
			type: 'error',
			error: {
				ref_id: expect.any(String),
				message: 'Forbidden: invalid processor in request',
				detail: expect.anything(),
			},
		});
		expect(await runCount(groupId)).toBe(0);
		const processors = [
			'lite',
			'base',
			'core',
			'core2x',
			'pro',
			'ultra',
			'ultra2x',
			'ultra4x',
			'ultra8x',
		];
		const all = [...processors, ...processors.map((p) => `${p}-fast`)];
		const ok = await addRuns(emu, groupId, {
			inputs: all.map((processor) => ({ input: processor, processor })),
		});
		expect(ok.status).toBe(200);
	});

	it('enforces 25,000 characters of task spec plus input, naming the input', async () => {
		const groupId = await newGroup(emu);
		const exact = await addRuns(emu, groupId, {
			inputs: [{ input: 'a'.repeat(25_000), processor: 'lite' }],
		});
		expect(exact.status).toBe(200);
		const over = await addRuns(emu, groupId, {
			inputs: [...liteInputs(2), { input: 'a'.repeat(25_001), processor: 'lite' }],
		});
		expect(over.status).toBe(422);
		expect(over.body.detail[0].loc).toEqual(['body', 'inputs', 2]);
		const spec = { output_schema: 'x'.repeat(100) };
		const withSpec = await addRuns(emu, groupId, {
			default_task_spec: spec,
			inputs: [{ input: 'a'.repeat(25_000 - JSON.stringify(spec).length + 1), processor: 'lite' }],
		});
		expect(withSpec.status).toBe(422);
		const objectInput = await addRuns(emu, groupId, {
			inputs: [{ input: { text: 'a'.repeat(24_990) }, processor: 'lite' }],
		});
		expect(objectInput.status).toBe(422);
		expect(await runCount(groupId)).toBe(1);
	});

	it('answers 422 for a body that is not JSON', async () => {
		const groupId = await newGroup(emu);
		const res = await api(emu, 'POST', `/v1/tasks/groups/${groupId}/runs`, '{"inputs": [');
		expect(res.status).toBe(422);
		expect(res.body.detail[0]).toMatchObject({ loc: ['body', 0], type: 'json_invalid' });
		const invalidQuery = await addRuns(
			emu,
			groupId,
			{ inputs: liteInputs(1) },
			'/v1',
			'?refresh_status=maybe',
		);
		expect(invalidQuery.status).toBe(422);
		expect(await runCount(groupId)).toBe(0);
	});

	it('returns run_ids in input order, cursors, and pre-add status when refresh_status=false', async () => {
		emu.hold(true);
		const groupId = await newGroup(emu);
		const first = await addRuns(
			emu,
			groupId,
			{ inputs: liteInputs(3) },
			'/v1',
			'?refresh_status=false',
		);
		expect(first.body.status).toMatchObject({ num_task_runs: 0, is_active: false });
		expect(first.body.run_cursor).toBeNull();
		expect(first.body.event_cursor).toBeNull();
		const snapshot = emu.group(groupId);
		expect(snapshot?.runs.map((run) => run.run_id)).toEqual(first.body.run_ids);
		expect(snapshot?.runs.map((run) => run.input)).toEqual(liteInputs(3).map((i) => i.input));
		const second = await addRuns(
			emu,
			groupId,
			{ inputs: liteInputs(2) },
			'/v1',
			'?refresh_status=true',
		);
		expect(second.body.status).toMatchObject({
			num_task_runs: 5,
			task_run_status_counts: { queued: 5 },
			is_active: true,
		});
		expect(second.body.run_cursor).toEqual(expect.any(String));
		expect(second.body.event_cursor).toEqual(expect.any(String));
		emu.hold(false);
	});
});

describe('single runs (POST /v1/tasks/runs)', () => {
	it('uses ErrorResponse for 422 and 403', async () => {
		const missing = await api(emu, 'POST', '/v1/tasks/runs', { input: 'x' });
		expect(missing.status).toBe(422);
		expect(missing.body.error.message).toBe('Unprocessable content: request validation error');
		expect(missing.body.error.detail.errors[0].loc).toEqual(['body', 'processor']);
		const forbidden = await api(emu, 'POST', '/v1/tasks/runs', { input: 'x', processor: 'nope' });
		expect(forbidden.status).toBe(403);
		const notJson = await api(emu, 'POST', '/v1/tasks/runs', 'nope');
		expect(notJson.status).toBe(422);
		expect(emu.counters().runsCreatedTotal).toBe(0);
	});
});

describe('auth and not-found answers', () => {
	it('answers 401 without a valid key, on every API route', async () => {
		const noKeys: Array<Record<string, string>> = [{}, { 'x-api-key': 'wrong' }];
		for (const headers of noKeys) {
			const res = await api(emu, 'GET', '/v1/tasks/groups/tgrp_x', undefined, headers);
			expect(res.status).toBe(401);
			expect(res.body).toEqual({
				type: 'error',
				error: {
					ref_id: expect.any(String),
					message: 'Unauthorized: invalid or missing credentials',
					detail: {},
				},
			});
		}
		expect((await api(emu, 'GET', '/v1/monitors?limit=1', undefined, {})).status).toBe(401);
		expect((await api(emu, 'GET', '/v1/monitors?limit=1')).body).toEqual([]);
	});

	it('answers 404 for unknown groups, runs and routes', async () => {
		const groupId = await newGroup(emu);
		const cases: Array<[string, string, string]> = [
			['GET', '/v1/tasks/groups/tgrp_unknown', 'TaskGroup not found'],
			['POST', '/v1beta/tasks/groups/tgrp_unknown/runs', 'TaskGroup not found'],
			['GET', `/v1/tasks/groups/${groupId}/runs/trun_unknown`, 'Run id not found'],
			['GET', '/v1/tasks/runs/trun_unknown', 'Run id not found'],
			['GET', '/v1/tasks/runs/trun_unknown/input', 'Run id not found'],
		];
		for (const [method, path, message] of cases) {
			const res = await api(
				emu,
				method,
				path,
				method === 'POST' ? { inputs: liteInputs(1) } : undefined,
			);
			expect([path, res.status, res.body.error.message]).toEqual([path, 404, message]);
		}
		for (const stream of ['runs', 'events']) {
			const { client } = await readStream(`${emu.url}/v1/tasks/groups/tgrp_unknown/${stream}`);
			expect(client.status).toBe(404);
			expect(client.headers['content-type']).toContain('application/json');
			expect(JSON.parse(client.body).error.message).toBe('TaskGroup not found');
		}
		const unknownRoute = await api(emu, 'GET', '/v2/tasks/groups');
		expect(unknownRoute.status).toBe(404);
		expect(unknownRoute.body).toEqual({ detail: 'Not Found' });
		expect((await api(emu, 'GET', '/v1beta/tasks/runs/trun_x')).status).toBe(404);
	});
});

/* eslint-disable no-console -- says once why the official document's checks did not run */
// Every route and response kind of the emulator, checked against the project's own contract
// (test/contract/) always, and against Parallel's OpenAPI document too when it is beside the repo.
import { ProjectContract } from '../contract/projectContract';
import type { ResponseChecks } from '../contract/projectContract';
import { readOfficialDocument } from '../contract/officialDocument';
import { startEmulator } from './index';
import type { Emulator, FaultRule } from './index';
import { KEY, SseClient, api, waitForInactive } from './helpers';
import type { JsonBody } from './helpers';
import { OpenApiContract } from './openapi';

const GROUP_PREFIXES = ['/v1', '/v1beta'];

const project = new ProjectContract();
const official = readOfficialDocument();
const openApi = official.found ? new OpenApiContract(official.document) : undefined;
if (!official.found)
	console.log(`emulator contract: checked against the project's contract only. ${official.reason}`);
/** Both contracts when the official document is at hand, otherwise the project's alone. */
const checks: ResponseChecks[] = openApi ? [project, openApi] : [project];
const contract: ResponseChecks = {
	assertValid: (schema, data, what) => checks.forEach((c) => c.assertValid(schema, data, what)),
	checkJson: (method, concrete, status, body) =>
		checks.forEach((c) => c.checkJson(method, concrete, status, body)),
	checkEvents: (concrete, events) => checks.forEach((c) => c.checkEvents(concrete, events)),
};
let emu: Emulator;

const assertValid = (schema: string, data: unknown, what: string) =>
	contract.assertValid(schema, data, what);

async function call(
	method: string,
	concrete: string,
	expected: number,
	body?: unknown,
	headers?: Record<string, string>,
) {
	const res = await api(emu, method, concrete, body, headers ?? { 'x-api-key': KEY });
	expect([concrete, res.status]).toEqual([concrete, expected]);
	contract.checkJson(method, concrete, res.status, res.body);
	return res.body;
}

/** Reads a stream to its end and validates every event (or the JSON error answer). */
async function callStream(concrete: string, client?: SseClient): Promise<JsonBody[]> {
	const read = client ?? (await SseClient.open(`${emu.url}${concrete}`));
	await read.ended;
	if (read.status !== 200) {
		contract.checkJson('GET', concrete, read.status, JSON.parse(read.body));
		return [];
	}
	expect(read.malformed).toEqual([]);
	expect(read.headers['content-type']).toContain('text/event-stream');
	contract.checkEvents(concrete, read.events);
	return read.events;
}

function fault(rule: FaultRule) {
	emu.addFault(rule);
}

const jsonSpec = {
	type: 'json',
	json_schema: {
		type: 'object',
		properties: {
			ceo: { type: 'string' },
			employees: { type: 'integer' },
			tags: { type: 'array', items: { type: 'string' } },
			hq: { type: 'object', properties: { city: { type: 'string' } }, additionalProperties: false },
		},
		required: ['ceo'],
		additionalProperties: false,
	},
};

function runRequest() {
	const request = {
		default_task_spec: { output_schema: jsonSpec },
		inputs: [
			{ input: { company_name: 'Acme' }, processor: 'lite', metadata: { row: 1, ok: true } },
			{
				input: 'GDP of France?',
				processor: 'base-fast',
				task_spec: { output_schema: 'GDP in USD' },
			},
			{
				input: { topic: 'Solar' },
				processor: 'lite',
				task_spec: { output_schema: { type: 'auto' } },
			},
			{ input: 'please __fail__', processor: 'lite' },
		],
	};
	assertValid('TaskGroupRunRequest', request, 'request body');
	return request;
}

beforeAll(async () => {
	emu = await startEmulator({ speed: 0.001, statusEveryMs: 0, maxHoldMs: 100 });
});
afterAll(async () => {
	await emu?.close();
});
beforeEach(() => emu.clearFaults());

describe.each(GROUP_PREFIXES)('group endpoints under %s', (prefix) => {
	let groupId: string;
	let runIds: string[];

	it('POST /tasks/groups: 200, 422', async () => {
		for (const body of [{}, { metadata: { source: 'emulator', batch: 1, flag: false } }]) {
			assertValid('CreateTaskGroupRequest', body, 'request body');
			groupId = (await call('POST', `${prefix}/tasks/groups`, 200, body)).taskgroup_id;
		}
		await call('POST', `${prefix}/tasks/groups`, 422, { metadata: { bad: [1] } });
	});

	it('POST /tasks/groups/{id}/runs: 200, 403, 404, 422', async () => {
		runRequest();
		const added = await call('POST', `${prefix}/tasks/groups/${groupId}/runs`, 200, runRequest());
		runIds = added.run_ids;
		await call('POST', `${prefix}/tasks/groups/${groupId}/runs?refresh_status=false`, 200, {
			inputs: [{ input: 'second batch', processor: 'lite' }],
		});
		await call('POST', `${prefix}/tasks/groups/${groupId}/runs`, 403, {
			inputs: [{ input: 'x', processor: 'nope' }],
		});
		await call('POST', `${prefix}/tasks/groups/tgrp_unknown/runs`, 404, runRequest());
		await call('POST', `${prefix}/tasks/groups/${groupId}/runs`, 422, { inputs: [{ input: 'x' }] });
		await call('POST', `${prefix}/tasks/groups/${groupId}/runs`, 422, '{not json');
		await waitForInactive(emu, groupId);
	});

	it('GET /tasks/groups/{id}: 200, 404', async () => {
		const group = await call('GET', `${prefix}/tasks/groups/${groupId}`, 200);
		expect(group.status.task_run_status_counts).toEqual({ completed: 4, failed: 1 });
		await call('GET', `${prefix}/tasks/groups/tgrp_unknown`, 404);
	});

	it('GET /tasks/groups/{id}/runs/{run_id}: 200 (completed and failed), 404', async () => {
		await call('GET', `${prefix}/tasks/groups/${groupId}/runs/${runIds[0]}`, 200);
		const failed = await call('GET', `${prefix}/tasks/groups/${groupId}/runs/${runIds[3]}`, 200);
		expect(failed.error.message).toContain('fail');
		await call('GET', `${prefix}/tasks/groups/${groupId}/runs/trun_unknown`, 404);
	});

	it('GET /tasks/groups/{id}/runs: every include combination, filters, cursor, 404, 422', async () => {
		const flags = ['', 'true', 'false'];
		for (const input of flags) {
			for (const output of flags) {
				const query = [input && `include_input=${input}`, output && `include_output=${output}`]
					.filter(Boolean)
					.join('&');
				const events = await callStream(`${prefix}/tasks/groups/${groupId}/runs?${query}`);
				expect(events).toHaveLength(5);
				expect(events.some((e) => e.output !== null)).toBe(output === 'true');
				expect(events.every((e) => (e.input !== null) === (input === 'true'))).toBe(true);
			}
		}
		const failed = await callStream(
			`${prefix}/tasks/groups/${groupId}/runs?status=failed&include_input=true&include_output=true`,
		);
		expect(failed.map((e) => e.run.status)).toEqual(['failed']);
		const all = await callStream(`${prefix}/tasks/groups/${groupId}/runs?include_output=true`);
		expect(all.map((e) => e.output?.type ?? null)).toEqual(['json', 'text', 'json', null, 'json']);
		await callStream(`${prefix}/tasks/groups/${groupId}/runs?last_event_id=${all[1].event_id}`);
		fault({ route: 'runs', action: { type: 'errorEvent', afterEvents: 2 } });
		const withError = await callStream(
			`${prefix}/tasks/groups/${groupId}/runs?include_input=true&include_output=true`,
		);
		expect(withError.map((e) => e.type)).toContain('error');
		fault({ route: 'runs', action: { type: 'duplicateEvents' } });
		expect(await callStream(`${prefix}/tasks/groups/${groupId}/runs`)).toHaveLength(10);
		await callStream(`${prefix}/tasks/groups/tgrp_unknown/runs`);
		await call('GET', `${prefix}/tasks/groups/${groupId}/runs?status=finished`, 422);
	});

	it('GET /tasks/groups/{id}/events: replay, cursor, live, error events, 404, 422', async () => {
		const replay = await callStream(`${prefix}/tasks/groups/${groupId}/events`);
		expect(replay.map((e) => e.type)).toEqual([
			'task_group_status',
			...Array(5).fill('task_run.state'),
			'task_group_status',
		]);
		await callStream(
			`${prefix}/tasks/groups/${groupId}/events?last_event_id=${replay[2].event_id}`,
		);
		fault({ route: 'events', action: { type: 'errorEvent', afterEvents: 1, message: 'emulated' } });
		fault({ route: 'events', action: { type: 'duplicateEvents' } });
		const faulty = await callStream(`${prefix}/tasks/groups/${groupId}/events`);
		expect(faulty.filter((e) => e.type === 'error')).toHaveLength(1);

		emu.hold(true);
		const add = await call('POST', `${prefix}/tasks/groups/${groupId}/runs`, 200, {
			inputs: [
				{ input: 'live one', processor: 'lite' },
				{ input: 'live __fail__', processor: 'lite' },
			],
		});
		const client = await SseClient.open(
			`${emu.url}${prefix}/tasks/groups/${groupId}/events?last_event_id=${add.event_cursor}&timeout=10`,
		);
		await client.waitForEvents(1);
		emu.hold(false);
		const live = await callStream(`${prefix}/tasks/groups/${groupId}/events`, client);
		expect(
			live
				.filter((e) => e.type === 'task_run.state')
				.map((e) => e.run.status)
				.sort(),
		).toEqual(['completed', 'failed']);
		expect(live.filter((e) => e.type === 'task_group_status').length).toBeGreaterThanOrEqual(4);
		await callStream(`${prefix}/tasks/groups/tgrp_unknown/events`);
		await call('GET', `${prefix}/tasks/groups/${groupId}/events?timeout=later`, 422);
	});

	it('401 without a key and 422 / 429 via faults on every group route', async () => {
		const routes: Array<[string, string, FaultRule['route'], unknown]> = [
			['POST', `${prefix}/tasks/groups`, 'createGroup', {}],
			['GET', `${prefix}/tasks/groups/${groupId}`, 'getGroup', undefined],
			[
				'POST',
				`${prefix}/tasks/groups/${groupId}/runs`,
				'addRuns',
				{ inputs: [{ input: 'x', processor: 'lite' }] },
			],
			['GET', `${prefix}/tasks/groups/${groupId}/runs`, 'runs', undefined],
			['GET', `${prefix}/tasks/groups/${groupId}/events`, 'events', undefined],
			['GET', `${prefix}/tasks/groups/${groupId}/runs/${runIds[0]}`, 'getRun', undefined],
		];
		for (const [method, concrete, route, body] of routes) {
			await call(method, concrete, 401, body, {});
			await call(method, concrete, 401, body, { 'x-api-key': 'wrong' });
			fault({ route, action: { type: 'status', status: 429, retryAfter: '1' } });
			await call(method, concrete, 429, body);
			fault({ route, action: { type: 'status', status: 422 } });
			await call(method, concrete, 422, body);
		}
		await waitForInactive(emu, groupId);
	});
});

describe('run endpoints (/v1 only)', () => {
	let jsonRun: string;
	let textRun: string;
	let failedRun: string;

	it('POST /v1/tasks/runs: 202, 401, 402, 403, 422, 429', async () => {
		const bodies = [
			{
				input: { company_name: 'Acme' },
				processor: 'lite',
				task_spec: { output_schema: jsonSpec },
			},
			{
				input: 'GDP of France?',
				processor: 'lite',
				task_spec: { output_schema: { type: 'text', description: 'GDP' } },
			},
			{ input: '__fail__', processor: 'lite', metadata: { k: 'v' } },
		];
		const ids = [];
		for (const body of bodies) {
			assertValid('TaskRunInput', body, 'request body');
			ids.push((await call('POST', '/v1/tasks/runs', 202, body)).run_id);
		}
		[jsonRun, textRun, failedRun] = ids;
		await call('POST', '/v1/tasks/runs', 401, bodies[0], {});
		fault({ route: 'createRun', action: { type: 'status', status: 402 } });
		await call('POST', '/v1/tasks/runs', 402, bodies[0]);
		await call('POST', '/v1/tasks/runs', 403, { input: 'x', processor: 'gpt' });
		await call('POST', '/v1/tasks/runs', 422, { processor: 'lite' });
		await call('POST', '/v1/tasks/runs', 422, 'not json');
		fault({ route: 'createRun', action: { type: 'status', status: 429, retryAfterMs: 10 } });
		await call('POST', '/v1/tasks/runs', 429, bodies[0]);
	});

	it('GET /v1/tasks/runs/{id}/result: 200 (json and text), 404, 408, 422, 401, 429', async () => {
		for (const runId of [jsonRun, textRun]) {
			const result = await call('GET', `/v1/tasks/runs/${runId}/result?timeout=5`, 200);
			expect(result.run.status).toBe('completed');
		}
		await call('GET', `/v1/tasks/runs/${failedRun}/result?timeout=5`, 404);
		await call('GET', '/v1/tasks/runs/trun_unknown/result', 404);
		emu.hold(true);
		const held = await call('POST', '/v1/tasks/runs', 202, { input: 'held', processor: 'lite' });
		await call('GET', `/v1/tasks/runs/${held.run_id}/result?timeout=1`, 408);
		emu.hold(false);
		await call('GET', `/v1/tasks/runs/${jsonRun}/result?timeout=soon`, 422);
		await call('GET', `/v1/tasks/runs/${jsonRun}/result`, 401, undefined, {});
		fault({ route: 'result', action: { type: 'status', status: 429 } });
		await call('GET', `/v1/tasks/runs/${jsonRun}/result`, 429);
	});

	it('GET /v1/tasks/runs/{id} and /input: 200, 401, 404, 422, 429', async () => {
		for (const [suffix, route] of [
			['', 'getRun'],
			['/input', 'input'],
		] as const) {
			await call('GET', `/v1/tasks/runs/${failedRun}${suffix}`, 200);
			await call('GET', `/v1/tasks/runs/${jsonRun}${suffix}`, 200);
			await call('GET', `/v1/tasks/runs/trun_unknown${suffix}`, 404);
			await call('GET', `/v1/tasks/runs/${jsonRun}${suffix}`, 401, undefined, {});
			fault({ route, action: { type: 'status', status: 422 } });
			await call('GET', `/v1/tasks/runs/${jsonRun}${suffix}`, 422);
			fault({ route, action: { type: 'status', status: 429 } });
			await call('GET', `/v1/tasks/runs/${jsonRun}${suffix}`, 429);
		}
	});

	it('GET /v1/monitors (the credential test; not in the task document): a JSON list, or ErrorResponse on 401', async () => {
		const ok = await api(emu, 'GET', '/v1/monitors?limit=1');
		expect(ok.status).toBe(200);
		project.checkJson('GET', '/v1/monitors?limit=1', ok.status, ok.body);
		const denied = await api(emu, 'GET', '/v1/monitors?limit=1', undefined, {});
		expect(denied.status).toBe(401);
		project.checkJson('GET', '/v1/monitors?limit=1', denied.status, denied.body);
		openApi?.assertValid('ErrorResponse', denied.body, 'monitors 401');
	});
});

describe('coverage', () => {
	it("produced every status the project's contract lists, for every endpoint and prefix", () => {
		expect(project.uncovered()).toEqual([]);
	});

	(openApi ? it : it.skip)(
		`produced every status Parallel's document lists, plus 401 and 429, for every served operation${openApi ? '' : ` (skipped: ${official.found ? '' : official.reason})`}`,
		() => {
			// Single-run events (/tasks/runs/{id}/events) are not served by the emulator.
			const missing = openApi!.uncovered((template) =>
				/\/tasks\/runs\/[^/]+\/events$/.test(template),
			);
			expect(missing).toEqual([]);
		},
	);
});

/* eslint-disable @n8n/community-nodes/no-restricted-imports -- tests run in Node, not in n8n */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify } from 'flatted';
import type { IDataObject, NodeApiError } from 'n8n-workflow';

import { ParallelTaskGroupApi } from '../../credentials/ParallelTaskGroupApi.credentials';
import { ParallelTaskGroup } from '../../nodes/ParallelTaskGroup/ParallelTaskGroup.node.js';
import { getTaskGroup, openGroupEvents, streamRuns, submitRuns } from '../../nodes/shared/api';
import type { ParallelClient } from '../../nodes/shared/transport/client';
import { DEFAULT_API_KEY, startEmulator } from '../emulator';
import { liteInputs, newGroup } from '../emulator/helpers';
import { captureLogs, deepText } from '../harness/logs';
import { tunePolicyForSuite } from '../harness/policy';
import { companies, parallelBench } from '../harness/parallel';
import { TransportProbe } from '../harness/probeNode';
import { runNode } from '../harness/workflow';
import { useForSuite } from '../harness/useForSuite';

const emulator = useForSuite(() => startEmulator({ speed: 0.0005 }));
// Retries are part of what is checked here, not how long they wait.
tunePolicyForSuite({
	read: { baseDelayMs: 5, maxDelayMs: 20 },
	runs: { resume: { baseDelayMs: 5, maxDelayMs: 20 } },
});
afterEach(() => emulator.clearFaults());

/** A key no test file spells out: it is found in output only if something leaked it. */
const SECRET = ['key', 'that', 'must', 'stay', Date.now().toString(36)].join('-');

async function probe<T>(
	script: (client: ParallelClient) => Promise<T>,
	credentials: IDataObject = {},
) {
	let result: T | undefined;
	TransportProbe.script = async (client) => (result = await script(client));
	const run = await runNode({
		nodeType: new TransportProbe(),
		parameters: {},
		items: [{}],
		credentials: { apiKey: DEFAULT_API_KEY, baseUrl: emulator.url, ...credentials },
	});
	return { result, error: run.error as (NodeApiError & Error) | undefined, run };
}

describe('a redirect to another host', () => {
	const leaks = () => emulator.counters().redirectTarget;

	it.each([
		['a read', (client: ParallelClient, group: string) => getTaskGroup(client, group), 'getGroup'],
		[
			'an add-runs POST',
			(client: ParallelClient, group: string) =>
				submitRuns(client, group, { inputs: liteInputs(2) }),
			'addRuns',
		],
		[
			'an events stream',
			(client: ParallelClient, group: string) => openGroupEvents(client, group),
			'events',
		],
		[
			'a runs stream',
			async (client: ParallelClient, group: string) => {
				for await (const event of streamRuns(client, group)) void event;
			},
			'runs',
		],
	] as const)('%s: is not followed, and the error names the host', async (_name, call, route) => {
		const group = await newGroup(emulator);
		const before = leaks();
		emulator.addFault({ route, times: -1, action: { type: 'redirect', status: 307 } });
		const { error } = await probe(
			async (client) => await (call(client, group) as Promise<unknown>),
		);
		const target = new URL(emulator.redirectTargetUrl);
		expect(error?.message).toBe(
			`Parallel's address answered with a redirect to http://${target.host}`,
		);
		expect(error?.description).toMatch(/The API key was not sent there/);
		expect(leaks()).toEqual(before);
		expect(emulator.counters().runsCreated[group] ?? 0).toBe(0);
	});

	it('is not retried: one request, then the error', async () => {
		const group = await newGroup(emulator);
		const before = emulator.counters().requests['GET /tasks/groups/:id'] ?? 0;
		emulator.addFault({ route: 'getGroup', times: -1, action: { type: 'redirect', status: 301 } });
		await probe((client) => getTaskGroup(client, group));
		expect(emulator.counters().requests['GET /tasks/groups/:id']).toBe(before + 1);
	});
});

describe('the Base URL', () => {
	it('refuses plain http to another machine before sending anything', async () => {
		const { error, run } = await probe((client) => getTaskGroup(client, 'tgrp_x'), {
			apiKey: SECRET,
			baseUrl: 'http://parallel-proxy.invalid:8080',
		});
		expect(error?.message).toBe(
			'The Base URL in the Parallel Task Group API credential uses plain http:// to parallel-proxy.invalid:8080',
		);
		expect(error?.description).toMatch(/turn on 'Allow Plain HTTP'/);
		expect(stringify(run)).not.toContain(SECRET);
	});

	it('allows plain http to another machine when the credential says so', async () => {
		const { error } = await probe((client) => getTaskGroup(client, 'tgrp_x'), {
			baseUrl: 'http://parallel-proxy.invalid:8080',
			allowHttp: true,
		});
		// The request was made: the name does not resolve.
		expect(error?.message).toBe('Could not reach Parallel at http://parallel-proxy.invalid:8080');
	});

	it.each(['http://127.0.0.1:1', 'http://localhost:1'])(
		'allows plain http to this machine (%s)',
		async (baseUrl) => {
			const { error } = await probe((client) => getTaskGroup(client, 'tgrp_x'), { baseUrl });
			expect(error?.message).toBe(`Could not reach Parallel at ${baseUrl}`);
		},
	);

	it('is not a URL: a clear message', async () => {
		const { error } = await probe((client) => getTaskGroup(client, 'tgrp_x'), {
			baseUrl: 'api.parallel.ai',
		});
		expect(error?.message).toBe(
			"The Base URL in the Parallel Task Group API credential is not a URL ('api.parallel.ai')",
		);
	});
});

describe('the credential', () => {
	const credential = new ParallelTaskGroupApi();
	const base = { apiKey: SECRET, baseUrl: 'https://api.parallel.ai/' };

	it('puts the key only on requests for its Base URL, and never follows redirects', async () => {
		const options = await credential.authenticate(base, {
			url: 'https://api.parallel.ai/v1/tasks/groups/tgrp_1',
			headers: { accept: 'application/json' },
		});
		expect(options.headers).toEqual({ accept: 'application/json', 'x-api-key': SECRET });
		expect(options.disableFollowRedirect).toBe(true);
		const test = await credential.authenticate(base, {
			baseURL: 'https://api.parallel.ai',
			url: '/v1/monitors',
		});
		expect(test.headers?.['x-api-key']).toBe(SECRET);
	});

	it.each([
		['another host', 'https://evil.example/v1/tasks/groups'],
		['another scheme', 'http://api.parallel.ai/v1/tasks/groups'],
		['another port', 'https://api.parallel.ai:8443/v1/tasks/groups'],
	])('refuses to put the key on a request for %s', async (_name, url) => {
		await expect(credential.authenticate(base, { url })).rejects.toThrow(
			/only sent to https:\/\/api\.parallel\.ai/,
		);
	});

	it('refuses a plain-http Base URL to another machine, unless allowed', async () => {
		const insecure = { apiKey: SECRET, baseUrl: 'http://10.0.0.5:8080' };
		await expect(
			credential.authenticate(insecure, { url: 'http://10.0.0.5:8080/v1/monitors' }),
		).rejects.toThrow(/plain http:\/\/ to 10\.0\.0\.5:8080/);
		const allowed = await credential.authenticate(
			{ ...insecure, allowHttp: true },
			{ url: 'http://10.0.0.5:8080/v1/monitors' },
		);
		expect(allowed.headers?.['x-api-key']).toBe(SECRET);
	});
});

describe('the key in execution data and logs', () => {
	const bench = useForSuite(() => parallelBench());

	/**
	 * A server that accepts connections and answers every request by resetting it: n8n's HTTP
	 * helper throws an axios error, which carries the request's config and headers, key included.
	 */
	async function resettingServer() {
		const server = createServer((req) => req.socket.destroy());
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		return {
			url: `http://127.0.0.1:${port}`,
			close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
		};
	}

	it.each([
		['Get', { resource: 'taskGroup', operation: 'get', taskGroupId: 'tgrp_1' }],
		[
			'Add Runs',
			{
				resource: 'taskGroup',
				operation: 'addRuns',
				taskGroupId: 'tgrp_1',
				processor: 'lite',
				outputSchemaType: 'text',
				options: { settleWindowSeconds: 0 },
			},
		],
		['Get Results', { resource: 'taskGroup', operation: 'getResults', taskGroupId: 'tgrp_1' }],
	])(
		"%s: errors thrown inside n8n's helpers leave no trace of the key in what n8n stores or logs",
		async (_name, parameters) => {
			const server = await resettingServer();
			const logs = captureLogs();
			try {
				for (const settings of [{}, { continueOnFail: true }, { onError: 'continueErrorOutput' }]) {
					const run = await runNode({
						nodeType: new ParallelTaskGroup(),
						parameters,
						items: companies(2),
						credentials: { apiKey: SECRET, baseUrl: server.url },
						settings: settings as never,
					});
					const failed = run.error ?? run.items[0]?.json.error ?? run.errorItems[0]?.json.error;
					expect(failed).toBeDefined();
					// n8n saves execution data with flatted; the error objects themselves too.
					expect(stringify(run.run)).not.toContain(SECRET);
					expect(deepText(run.run)).not.toContain(SECRET);
				}
				expect(logs.lines.length).toBeGreaterThan(0);
				expect(deepText(logs.lines)).not.toContain(SECRET);
			} finally {
				logs.restore();
				await server.close();
			}
		},
	);

	it('a redirect, a 5xx and a 401 answer leave no trace of the key either', async () => {
		const logs = captureLogs();
		const get = (group: string) => ({
			resource: 'taskGroup',
			operation: 'get',
			taskGroupId: group,
		});
		try {
			const group = await newGroup(bench.emulator);
			bench.emulator.configure({ apiKeys: [DEFAULT_API_KEY, SECRET] });
			bench.emulator.addFault({ route: 'getGroup', times: 1, action: { type: 'redirect' } });
			const redirected = await bench.run(get(group), [{}], { apiKey: SECRET });
			bench.emulator.addFault({
				route: 'getGroup',
				times: -1,
				action: { type: 'status', status: 503 },
			});
			const failing = await bench.run(get(group), [{}], { apiKey: SECRET });
			bench.emulator.clearFaults();
			bench.emulator.configure({ apiKeys: [DEFAULT_API_KEY] });
			const refused = await bench.run(get(group), [{}], { apiKey: SECRET });
			expect(redirected.error?.message).toMatch(/answered with a redirect/);
			expect((failing.error as NodeApiError | undefined)?.httpCode).toBe('503');
			expect((refused.error as NodeApiError | undefined)?.httpCode).toBe('401');
			for (const run of [redirected, failing, refused]) {
				expect(stringify(run.run)).not.toContain(SECRET);
				expect(deepText(run.run)).not.toContain(SECRET);
			}
			expect(bench.emulator.counters().redirectTarget.withApiKey).toBe(0);
			expect(deepText(logs.lines)).not.toContain(SECRET);
		} finally {
			logs.restore();
			bench.emulator.clearFaults();
			bench.emulator.configure({ apiKeys: [DEFAULT_API_KEY] });
		}
	});
});

// The package's own requests, checked against the project's contract: every call the nodes make
// goes to an endpoint the contract lists, with only the query parameters it declares and a body
// that matches its request schema. A proxy in front of the emulator records them.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { ParallelTaskGroup } from '../../nodes/ParallelTaskGroup/ParallelTaskGroup.node.js';
import { DEFAULT_API_KEY, startEmulator } from '../emulator';
import type { Emulator } from '../emulator';
import { waitFor, waitForInactive } from '../emulator/helpers';
import { companies } from '../harness/parallel';
import { recordingProxy } from '../harness/recordingProxy';
import { runNode } from '../harness/workflow';
import { ProjectContract } from './projectContract';

jest.setTimeout(120_000);

const EVENTS = 'GET /tasks/groups/:id/events';

let emulator: Emulator;
let proxy: Awaited<ReturnType<typeof recordingProxy>>;

beforeAll(async () => {
	emulator = await startEmulator({ speed: 0.0005 });
	proxy = await recordingProxy(emulator.url);
});
afterAll(async () => {
	await proxy?.close();
	await emulator?.close();
});

async function run(parameters: INodeParameters, items: IDataObject[] = [{}]) {
	const result = await runNode({
		nodeType: new ParallelTaskGroup(),
		parameters,
		items,
		credentials: { apiKey: DEFAULT_API_KEY, baseUrl: proxy.url },
	});
	expect(result.error).toBeUndefined();
	return result.items;
}

const taskGroup = (operation: string, extra: INodeParameters = {}): INodeParameters => ({
	resource: 'taskGroup',
	operation,
	...extra,
});

it("every request the nodes send is one the project's contract lists, with a body that matches it", async () => {
	const [created] = await run(
		taskGroup('create', { options: { metadata: { values: [{ key: 'sheet', value: 'leads' }] } } }),
	);
	const taskGroupId = created.json.taskgroup_id as string;
	const common = { taskGroupId, processor: 'lite' };
	const added = await run(
		taskGroup('addRuns', {
			...common,
			outputSchemaType: 'json',
			outputJsonSchema: '{"type":"object","properties":{"ceo":{"type":"string"}}}',
			options: {
				includeDomains: 'sec.gov',
				excludeDomains: 'reddit.com',
				afterDate: '2025-01-31T00:00:00.000Z',
				location: 'US',
				metadata: { values: [{ key: 'row', value: '={{ $json.row }}' }] },
				inputSchema: '{"type":"object","properties":{"company":{"type":"string"}}}',
				idempotencyKey: '={{ $json.row }}',
			},
		}),
		companies(3),
	);
	for (const [outputSchemaType, extra] of [
		['text', { outputDescription: 'One sentence' }],
		['auto', {}],
		['example', { outputExample: '{"ceo": "Jane", "employees": 10}' }],
	] as const) {
		await run(
			taskGroup('addRuns', {
				...common,
				outputSchemaType,
				...extra,
				inputMode: 'text',
				inputText: '=About {{ $json.company }}',
			}),
			companies(1),
		);
	}
	// Runs held active, so that Wait for Completion follows the group's events stream.
	emulator.hold(true);
	await run(taskGroup('addRuns', { ...common, outputSchemaType: 'auto' }), companies(1));
	const waiting = run(taskGroup('waitForCompletion', { taskGroupId, maxWaitSeconds: 60 }));
	await waitFor(() => (emulator.counters().requests[EVENTS] ? true : undefined), 60_000, 'events');
	emulator.hold(false);
	await waiting;
	await waitForInactive(emulator, taskGroupId, 60_000);
	await run(taskGroup('get', { taskGroupId }));
	await run(taskGroup('getResults', { taskGroupId }));
	await run(
		taskGroup('enrich', { processor: 'lite', outputSchemaType: 'auto', maxWaitSeconds: 30 }),
		companies(2),
	);
	const runId = added[0].json.run_id as string;
	await run({ resource: 'taskRun', operation: 'get', runId });
	await run({ resource: 'taskRun', operation: 'getResult', runId });

	const contract = new ProjectContract();
	const called = new Set<string>();
	for (const { method, url, body } of proxy.recorded) {
		const { endpoint, template } = contract.endpointOf(method, url);
		called.add(`${method} ${template}`);
		const query = new URL(url, 'http://x').searchParams;
		const declared = Object.keys(endpoint.query ?? {});
		expect([url, [...query.keys()].filter((name) => !declared.includes(name))]).toEqual([url, []]);
		if (endpoint.request)
			contract.assertValid(endpoint.request, JSON.parse(body || '{}'), `${method} ${url} body`);
		else expect([url, body]).toEqual([url, '']);
	}
	expect([...called].sort()).toEqual(
		expect.arrayContaining([
			'GET /v1/tasks/groups/{taskgroup_id}',
			'GET /v1/tasks/groups/{taskgroup_id}/events',
			'GET /v1/tasks/groups/{taskgroup_id}/runs',
			'GET /v1/tasks/runs/{run_id}',
			'GET /v1/tasks/runs/{run_id}/result',
			'POST /v1/tasks/groups',
			'POST /v1/tasks/groups/{taskgroup_id}/runs',
		]),
	);
});

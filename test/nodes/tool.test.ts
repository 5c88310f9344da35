import { createNodeAsTool } from 'n8n-core/dist/execution-engine/node-execution-context/utils/create-node-as-tool';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { ParallelTaskGroup } from '../../nodes/ParallelTaskGroup/ParallelTaskGroup.node.js';
import { DEFAULT_API_KEY } from '../emulator';
import { addRuns, api, liteInputs, newGroup, waitForInactive } from '../emulator/helpers';
import { parallelBench } from '../harness/parallel';
import { asToolType, toolNode } from '../harness/tool';
import { useForSuite } from '../harness/useForSuite';
import { runNode } from '../harness/workflow';

const bench = useForSuite(() => parallelBench({ maxHoldMs: 100 }));
afterEach(() => {
	bench.emulator.clearFaults();
	bench.emulator.hold(false);
});

const tool = asToolType(new ParallelTaskGroup());
const plain = new ParallelTaskGroup();

/** Runs the tool node the way the AI Agent does: one item holding the model's arguments. */
async function callTool(parameters: INodeParameters, args: IDataObject, typeVersion = 1.1) {
	return await runNode({
		nodeType: tool,
		parameters,
		items: [args],
		credentials: { apiKey: DEFAULT_API_KEY, baseUrl: bench.emulator.url },
		typeVersion,
	});
}

/** What the model is offered: the tool's name, description and argument schema. */
function offered(parameters: INodeParameters, typeVersion = 1.1) {
	const node = toolNode(tool, parameters, typeVersion);
	const created = createNodeAsTool({
		node,
		nodeType: tool,
		handleToolInvocation: async () => '',
	}).response;
	return { description: created.description, schema: created.schema, node };
}

const runsCreated = () => bench.emulator.counters().runsCreatedTotal;

/** The run's input as Parallel received it. */
async function inputOf(runId: unknown): Promise<unknown> {
	const { status, body } = await api(
		bench.emulator,
		'GET',
		`/v1/tasks/runs/${String(runId)}/input`,
	);
	expect(status).toBe(200);
	return (body as { input: unknown }).input;
}

describe('As an AI Agent tool (1.1)', () => {
	it('offers the model a description of its own and a question, with optional output fields', () => {
		const { description, schema, node } = offered({});
		expect(description).toMatch(/^Research a question on the web with Parallel/);
		expect(description).toContain('run_id');
		expect(Object.keys(schema.shape).sort()).toEqual(['output_fields', 'question']);
		expect(schema.safeParse({}).success).toBe(false);
		expect(schema.safeParse({ question: 'Who founded Parallel?' }).success).toBe(true);
		expect(node.parameters).toMatchObject({
			inputMode: 'text',
			processor: 'base-fast',
			outputSchemaType: 'fields',
			maxWaitSeconds: 60,
			includeFullBasis: false,
		});
		expect(node.parameters.whileWaiting).toBeUndefined();
	});

	it('offers Get Result by run_id as a second tool', () => {
		const { description, schema, node } = offered({ resource: 'taskRun', operation: 'getResult' });
		expect(description).toMatch(/^Get the answer of a Parallel web research/);
		expect(Object.keys(schema.shape)).toEqual(['run_id']);
		expect(node.parameters).toMatchObject({ maxWaitSeconds: 60 });
		expect(node.parameters.simplify).toBeUndefined();
	});

	it('keeps version 1 as it was: n8n’s automatic description, no arguments', () => {
		const { description, schema, node } = offered({}, 1);
		expect(description).toBe('Enrich items with a task group in Parallel Task Group');
		expect(Object.keys(schema.shape)).toEqual([]);
		expect(node.parameters).toMatchObject({
			inputMode: 'item',
			processor: 'core',
			maxWaitSeconds: 240,
		});
	});

	it('is the plain node unchanged outside tool mode at 1.1', () => {
		const node = toolNode(plain, {}, 1.1);
		expect(node.parameters).toMatchObject({
			inputMode: 'item',
			processor: 'core',
			outputSchemaType: 'example',
			maxWaitSeconds: 240,
			whileWaiting: 'keepRunning',
		});
		expect(node.parameters.toolDescription).toBeUndefined();
		expect(node.parameters.includeFullBasis).toBeUndefined();
	});

	it("researches the model's question alone and answers compactly", async () => {
		const before = runsCreated();
		const run = await callTool(
			{},
			{
				question: 'Who is the CEO of Acme GmbH?',
				output_fields: 'ceo name, founded_year',
				toolCallId: 'call_1',
			},
		);
		expect(run.error).toBeUndefined();
		expect(runsCreated() - before).toBe(1);
		const answer = run.items[0].json;
		expect(answer).toEqual({
			status: 'completed',
			run_id: expect.stringMatching(/^trun_/),
			answer: { ceo_name: expect.any(String), founded_year: expect.any(String) },
			sources: {
				ceo_name: [expect.stringMatching(/^https:\/\//)],
				founded_year: [expect.stringMatching(/^https:\/\//)],
			},
		});
		// Nothing of the call's bookkeeping or arguments comes back.
		expect(JSON.stringify(answer)).not.toContain('call_1');
		expect(answer).not.toHaveProperty('question');
		expect(run.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('sends the question as the run input, base-fast, with a schema of the fields asked for', async () => {
		const run = await callTool(
			{},
			{ question: 'Who is the CEO of Acme GmbH?', output_fields: '', toolCallId: 'call_2' },
		);
		expect(await inputOf(run.items[0].json.run_id)).toBe('Who is the CEO of Acme GmbH?');
		const { body } = await api(
			bench.emulator,
			'GET',
			`/v1/tasks/runs/${String(run.items[0].json.run_id)}`,
		);
		expect((body as { processor: string }).processor).toBe('base-fast');
		expect(run.items[0].json).toMatchObject({ status: 'completed', answer: expect.any(String) });
		expect(Array.isArray(run.items[0].json.sources)).toBe(true);
	});

	it('returns the full basis when asked', async () => {
		const run = await callTool(
			{ includeFullBasis: true },
			{ question: 'Who founded Acme?', output_fields: 'founder' },
		);
		expect(run.items[0].json).toMatchObject({
			status: 'completed',
			basis: [{ field: 'founder', reasoning: expect.any(String), citations: expect.any(Array) }],
		});
		expect(run.items[0].json).not.toHaveProperty('sources');
	});

	it('refuses an empty question with a message the model can act on, and pays for nothing', async () => {
		const before = bench.emulator.counters().requests['POST /tasks/groups'] ?? 0;
		const runs = runsCreated();
		const run = await callTool({}, { question: '  ', output_fields: '', toolCallId: 'call_3' });
		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toEqual({
			status: 'not_started',
			error: expect.stringMatching(/No question was given.*Call this tool again with 'question'/s),
		});
		expect(runsCreated()).toBe(runs);
		expect(bench.emulator.counters().requests['POST /tasks/groups'] ?? 0).toBe(before);
	});

	it('refuses a Whole Item call that holds only toolCallId, at 1.1 and at 1', async () => {
		const runs = runsCreated();
		const shaped = await callTool({ inputMode: 'item' }, { toolCallId: 'call_4' });
		expect(shaped.items[0].json).toMatchObject({
			status: 'not_started',
			error: expect.stringContaining('without anything to research'),
		});
		const old = await callTool({}, { toolCallId: 'call_5' }, 1);
		expect(old.error?.message).toContain('the item has no data to research');
		expect(runsCreated()).toBe(runs);
	});

	it('never sends toolCallId with a Whole Item input', async () => {
		const run = await callTool(
			{ inputMode: 'item', outputFields: '' },
			{ company: 'Acme GmbH', toolCallId: 'call_6' },
		);
		expect(await inputOf(run.items[0].json.run_id)).toEqual({ company: 'Acme GmbH' });
	});

	it('answers a run still going after Max Wait with its run_id and how to fetch it, then Get Result fetches it', async () => {
		bench.emulator.hold(true);
		const run = await callTool(
			{ maxWaitSeconds: 1 },
			{ question: 'A long question', output_fields: '' },
		);
		const answer = run.items[0].json;
		expect(answer).toEqual({
			status: expect.stringMatching(/^(queued|running)$/),
			run_id: expect.stringMatching(/^trun_/),
			message: expect.stringContaining('fetches a research result by run_id'),
		});
		expect(answer.message).toContain(answer.run_id as string);
		expect(answer.message).toContain('pay for the research twice');

		const still = await callTool(
			{ resource: 'taskRun', operation: 'getResult', maxWaitSeconds: 1 },
			{ run_id: answer.run_id },
		);
		expect(still.items[0].json).toMatchObject({
			run_id: answer.run_id,
			message: expect.stringContaining(
				`Call this tool again later with run_id '${answer.run_id as string}'`,
			),
		});
		bench.emulator.hold(false);
		const runs = runsCreated();
		const fetched = await callTool(
			{ resource: 'taskRun', operation: 'getResult', maxWaitSeconds: 20 },
			{ run_id: answer.run_id, toolCallId: 'call_7' },
		);
		expect(fetched.items[0].json).toEqual({
			status: 'completed',
			run_id: answer.run_id,
			answer: expect.any(String),
			sources: expect.any(Array),
		});
		expect(runsCreated()).toBe(runs);
	});

	it('answers a failed run with its reason instead of stopping the agent', async () => {
		const run = await callTool({}, { question: 'This one will __fail__', output_fields: '' });
		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toEqual({
			status: 'failed',
			run_id: expect.stringMatching(/^trun_/),
			error: expect.stringContaining('The research failed'),
		});
	});

	it('Get Result refuses a missing run_id and reports an unknown one', async () => {
		const missing = await callTool({ resource: 'taskRun', operation: 'getResult' }, { run_id: '' });
		expect(missing.items[0].json).toMatchObject({
			status: 'not_started',
			error: expect.stringContaining("'run_id'"),
		});
		const group = await newGroup(bench.emulator);
		const { body } = await addRuns(bench.emulator, group, { inputs: liteInputs(1) });
		await waitForInactive(bench.emulator, group);
		const known = await callTool(
			{ resource: 'taskRun', operation: 'getResult' },
			{ run_id: (body.run_ids as string[])[0] },
		);
		expect(known.items[0].json).toMatchObject({ status: 'completed', answer: expect.anything() });
		const unknown = await callTool(
			{ resource: 'taskRun', operation: 'getResult' },
			{ run_id: 'trun_00000000000000000000000000000000' },
		);
		expect(unknown.items[0].json).toMatchObject({
			status: 'error',
			error: expect.stringContaining('could not be read'),
		});
	});
});

// "A good tool for n8n's AI Agent" (issue 16) in real n8n: the published example
// (examples/research-agent-tool.json) with its chat trigger replaced by questions, its OpenAI
// Chat Model pointed at a stand-in model server (modelServer.ts), and the two Parallel tools on the
// emulator. The stand-in model calls the tools as a model would, one conversation per question:
//   answer   research with a question and output fields: a compact answer with sources
//   failed   research a question whose run fails on Parallel's side: the reason, no stop
//   empty    research with an empty question: refused, nothing paid
//   timeout  research while the emulator holds every run: run_id and how to fetch it; the model
//            then calls the Get Result tool with that run_id (the hold released first) and gets the answer
// Checked: the tools' names, descriptions and JSON schemas as the model receives them, each run's
// input on Parallel's side, what each tool returned to the model, and the runs paid for.
// The timeout case runs in an execution of its own: the agent (2.x) asks the model about every
// item before it runs any tool, so the hold would catch the other cases' runs too.
import { EMULATOR_CREDENTIAL } from '../harness/credentials';
import { expectEqual, expectMatch, expectTrue } from '../harness/expect';
import { figure } from '../harness/log';
import { startModelServer, textOf } from '../harness/modelServer';
import type { ChatRequest, ModelServer, ModelTurn, OfferedTool } from '../harness/modelServer';
import { outputItems } from '../harness/runData';
import type { ExecuteResult } from '../harness/n8nInstance';
import type { MajorContext } from '../harness/suite';
import { ACTION_NODE_TYPE, CREDENTIAL_TYPE, EXAMPLES, loadExample } from '../harness/workflows';
import type { WorkflowJson, WorkflowNode } from '../harness/workflows';
import type { HeadlessScenario } from './headlessScenario';

const TOOL_TYPE = `${ACTION_NODE_TYPE}Tool`;
const OPENAI_CREDENTIAL = { id: 'E2eOpenAiStandIn', name: 'OpenAI (stand-in model, e2e)' };
const RESEARCH_NODE = 'Research the web';
const RESULT_NODE = 'Get research result';
const AGENT_NODE = 'AI Agent';
const CASES = ['answer', 'failed', 'empty', 'timeout'] as const;
type Case = (typeof CASES)[number];

const QUESTIONS: Record<Case, { question: string; output_fields: string }> = {
	answer: { question: 'Who is the CEO of Acme GmbH?', output_fields: 'ceo_name, founded_year' },
	failed: { question: 'Who runs Failing Corp? __fail__', output_fields: '' },
	empty: { question: '', output_fields: '' },
	timeout: { question: 'What did Slow Corp announce today?', output_fields: '' },
};

/** n8n's tool name for a node: its name with characters other than letters and digits as _. */
const toolName = (nodeName: string) => nodeName.replace(/[^a-zA-Z0-9_-]/g, '_');

interface State {
	model?: ModelServer;
	runsBefore: number;
}
const states = new Map<string, State>();
const stateOf = (ctx: MajorContext) => states.get(ctx.tag) ?? { runsBefore: 0 };

function caseOf(request: ChatRequest): Case {
	const user = request.messages.find((message) => message.role === 'user');
	const match = /\[case:(\w+)\]/.exec(textOf(user));
	if (!match || !CASES.includes(match[1] as Case)) throw new Error(`No case in ${textOf(user)}`);
	return match[1] as Case;
}

/** What a tool returned to the model: n8n sends the tool's items as JSON. */
export function toolResults(request: ChatRequest): Array<Record<string, unknown>> {
	return request.messages
		.filter((message) => message.role === 'tool')
		.map((message) => {
			const text = textOf(message);
			let parsed: unknown;
			try {
				parsed = JSON.parse(text);
			} catch {
				return { unparsed: text };
			}
			const first = Array.isArray(parsed) ? (parsed[0] as unknown) : parsed;
			const inner = (first as { response?: unknown })?.response ?? first;
			const item = Array.isArray(inner) ? (inner[0] as unknown) : inner;
			return (item ?? {}) as Record<string, unknown>;
		});
}

function script(ctx: MajorContext) {
	return async (request: ChatRequest): Promise<ModelTurn> => {
		const which = caseOf(request);
		const results = toolResults(request);
		if (!results.length) {
			if (which === 'timeout') await ctx.emulator.hold(true);
			return { tool: toolName(RESEARCH_NODE), arguments: { ...QUESTIONS[which] } };
		}
		const last = results[results.length - 1];
		if (which === 'timeout' && results.length === 1) {
			await ctx.emulator.hold(false);
			return { tool: toolName(RESULT_NODE), arguments: { run_id: last.run_id } };
		}
		return { text: `FINAL ${which}: ${JSON.stringify(last)}` };
	};
}

function node(workflow: WorkflowJson, name: string): WorkflowNode {
	const found = workflow.nodes.find((candidate) => candidate.name === name);
	if (!found) throw new Error(`No node '${name}' in ${workflow.name}`);
	return found;
}

/** The example, runnable here: the questions instead of the chat, the stand-ins' credentials. */
function agentWorkflow(cases: readonly Case[], id: string): WorkflowJson {
	const example = loadExample(EXAMPLES.agentTool);
	const trigger = example.nodes.find((candidate) =>
		candidate.type.endsWith('.chatTrigger'),
	) as WorkflowNode;
	const questions = cases.map((which) => ({ chatInput: `[case:${which}] Please research this.` }));
	// No Code node: n8n 1.x's task runner may not answer in time on a loaded machine.
	const nodes = example.nodes.map((original): WorkflowNode => {
		const copy: WorkflowNode = { ...original, parameters: { ...original.parameters } };
		if (original.name === trigger.name) {
			return {
				id: original.id,
				name: original.name,
				position: original.position,
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				parameters: { fieldToSplitOut: 'questions', options: {} },
			};
		}
		if (copy.type === TOOL_TYPE)
			copy.credentials = { [CREDENTIAL_TYPE]: { ...EMULATOR_CREDENTIAL } };
		if (copy.type.endsWith('.lmChatOpenAi'))
			copy.credentials = { openAiApi: { ...OPENAI_CREDENTIAL } };
		return copy;
	});
	const [x, y] = trigger.position;
	const start: WorkflowNode = {
		id: 'e2e-agent-manual',
		name: 'Start',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [x - 440, y],
		parameters: {},
	};
	const list: WorkflowNode = {
		id: 'e2e-agent-questions',
		name: 'Questions',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [x - 220, y],
		parameters: { mode: 'raw', jsonOutput: JSON.stringify({ questions }), options: {} },
	};
	// Short enough that the held run times out quickly; the example keeps its 60 s default.
	Object.assign(node({ ...example, nodes }, RESEARCH_NODE).parameters, { maxWaitSeconds: 3 });
	return {
		...example,
		id,
		name: `e2e: AI Agent with the Parallel tools (${cases.join(', ')})`,
		nodes: [start, list, ...nodes],
		connections: {
			...example.connections,
			Start: { main: [[{ node: list.name, type: 'main', index: 0 }]] },
			[list.name]: { main: [[{ node: trigger.name, type: 'main', index: 0 }]] },
		},
		active: false,
	};
}

function offered(request: ChatRequest, nodeName: string): OfferedTool['function'] {
	const tool = request.tools?.find((candidate) => candidate.function.name === toolName(nodeName));
	if (!tool) {
		const names = (request.tools ?? []).map((candidate) => candidate.function.name).join(', ');
		throw new Error(`The model was not offered '${toolName(nodeName)}' (offered: ${names})`);
	}
	return tool.function;
}

async function runInput(ctx: MajorContext, runId: unknown): Promise<unknown> {
	const response = await fetch(`${ctx.emulator.url}/v1/tasks/runs/${String(runId)}/input`, {
		headers: { 'x-api-key': ctx.emulator.apiKey },
	});
	expectEqual(response.status, 200, `the emulator's answer for the input of run ${String(runId)}`);
	return ((await response.json()) as { input: unknown }).input;
}

const ANSWER_CASES = ['answer', 'failed', 'empty'] as const;

async function prepareModel(ctx: MajorContext): Promise<void> {
	if (states.has(ctx.tag)) return;
	// No N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 1.123 and 2.41 make every usableAsTool node,
	// community ones included, into a tool (load-nodes-and-credentials.js, createAiTools).
	const model = await startModelServer(script(ctx));
	states.set(ctx.tag, { model, runsBefore: 0 });
	await ctx.instance.importCredentials([
		{
			...OPENAI_CREDENTIAL,
			type: 'openAiApi',
			data: { apiKey: 'sk-standin-not-a-real-key', url: model.baseUrl },
		},
	]);
}

async function beforeRun(ctx: MajorContext): Promise<void> {
	const state = stateOf(ctx);
	state.runsBefore = (await ctx.emulator.counters()).runsCreatedTotal;
	state.model?.requests.splice(0);
}

async function runsPaid(ctx: MajorContext): Promise<number> {
	return (await ctx.emulator.counters()).runsCreatedTotal - stateOf(ctx).runsBefore;
}

function requestsOf(ctx: MajorContext): ChatRequest[] {
	return stateOf(ctx).model?.requests ?? [];
}

/** What the tools returned in the last request of a case's conversation. */
function lastResults(ctx: MajorContext, which: Case): Array<Record<string, unknown>> {
	const requests = requestsOf(ctx).filter((request) => caseOf(request) === which);
	const last = requests.at(-1);
	if (!last) throw new Error(`The stand-in model got no request for '${which}'`);
	return toolResults(last);
}

function checkAgentAnswers(result: ExecuteResult, cases: readonly Case[]): void {
	const outputs = outputItems(result.run, AGENT_NODE);
	expectEqual(outputs.length, cases.length, "the agent's output items");
	outputs.forEach((item, index) =>
		expectMatch(
			item.json.output,
			new RegExp(`^FINAL ${cases[index]}:`),
			`the agent's answer to ${cases[index]}`,
		),
	);
}

export const agentToolScenario: HeadlessScenario = {
	title: 'AI Agent: the Parallel tool as the model sees it; an answer, a failed run, an empty call',
	prepare: prepareModel,
	before: beforeRun,
	workflow: () => agentWorkflow(ANSWER_CASES, 'E2eAgentToolUse1'),
	async verify(result, ctx) {
		expectEqual(result.run.status, 'success', 'the execution status');
		const first = requestsOf(ctx).find((request) => !toolResults(request).length);
		if (!first) throw new Error('The stand-in model got no request');
		const research = offered(first, RESEARCH_NODE);
		expectMatch(
			research.description,
			/^Research a question on the web with Parallel/,
			"the research tool's description",
		);
		expectMatch(research.description, /run_id/, "the research tool's description names run_id");
		const properties = (research.parameters?.properties ?? {}) as Record<
			string,
			{ type?: string; description?: string }
		>;
		expectEqual(
			Object.keys(properties).sort(),
			['output_fields', 'question'],
			"the research tool's arguments",
		);
		expectEqual(properties.question?.type, 'string', "the type of 'question'");
		expectMatch(properties.question?.description, /question to research/, "'question' described");
		expectTrue(
			((research.parameters?.required ?? []) as string[]).includes('question'),
			"'question' is required",
		);
		figure(
			`${ctx.tag} agent: '${research.name}' offered with ${JSON.stringify(research.parameters)}`,
		);
		const getResult = offered(first, RESULT_NODE);
		expectMatch(getResult.description, /by the run_id/, "the Get Result tool's description");
		expectEqual(
			Object.keys((getResult.parameters?.properties ?? {}) as object),
			['run_id'],
			"the Get Result tool's arguments",
		);

		const [answer] = lastResults(ctx, 'answer');
		expectEqual(answer?.status, 'completed', 'answer: the status the model read');
		expectEqual(
			Object.keys((answer?.answer ?? {}) as object).sort(),
			['ceo_name', 'founded_year'],
			'answer: the fields the model asked for',
		);
		expectTrue(typeof answer?.sources === 'object', 'answer: sources per field');
		expectEqual(
			Object.keys(answer ?? {}).sort(),
			['answer', 'run_id', 'sources', 'status'],
			'answer: the keys the model read (no toolCallId, no echoed arguments)',
		);
		expectEqual(
			await runInput(ctx, answer?.run_id),
			QUESTIONS.answer.question,
			"answer: the run's input on Parallel's side",
		);

		const [failed] = lastResults(ctx, 'failed');
		expectEqual(failed?.status, 'failed', 'failed: the status the model read');
		expectMatch(failed?.error, /The research failed/, 'failed: the reason the model read');

		const [empty] = lastResults(ctx, 'empty');
		expectEqual(empty?.status, 'not_started', 'empty: the status the model read');
		expectMatch(empty?.error, /No question was given.*'question'/s, 'empty: what to do instead');

		expectEqual(await runsPaid(ctx), 2, 'runs paid for (answer, failed; none for the empty call)');
		checkAgentAnswers(result, ANSWER_CASES);
	},
};

export const agentToolTimeoutScenario: HeadlessScenario = {
	title: 'AI Agent: research still running after Max Wait, fetched later by run_id',
	prepare: prepareModel,
	before: beforeRun,
	workflow: () => agentWorkflow(['timeout'], 'E2eAgentToolUse2'),
	async verify(result, ctx) {
		expectEqual(result.run.status, 'success', 'the execution status');
		const [pending, fetched] = lastResults(ctx, 'timeout');
		expectMatch(pending?.status, /^(queued|running)$/, 'the status of the held run');
		expectMatch(pending?.message, new RegExp(String(pending?.run_id)), 'the message names the run');
		expectMatch(pending?.message, /fetches a research result by run_id/, 'how to fetch it');
		expectEqual(fetched?.run_id, pending?.run_id, 'Get Result fetched the same run');
		expectEqual(fetched?.status, 'completed', 'Get Result returned the answer');
		expectTrue(typeof fetched?.answer === 'string', 'the answer is the text of the run');
		expectEqual(await runsPaid(ctx), 1, 'runs paid for (one; Get Result pays nothing)');
		figure(
			`${ctx.tag} agent: model requests in the timeout conversation: ${requestsOf(ctx).length}`,
		);
		checkAgentAnswers(result, ['timeout']);
	},
	async after(ctx) {
		await ctx.emulator.hold(false);
	},
};

/** Stops the stand-in model servers (after the last major). */
export async function closeModelServers(): Promise<void> {
	for (const state of states.values()) await state.model?.close();
	states.clear();
}

/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e harness runs in Node, not in n8n */
// A stand-in for OpenAI's chat completions API on 127.0.0.1, with no dependencies: n8n's OpenAI
// Chat Model is pointed at it, and a script decides each answer: call a tool with arguments, or
// reply with text. Every request is recorded, so tests read what the model was offered (the tools'
// names, descriptions and JSON schemas) and what each tool returned to it.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool';
	content?: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

export interface OfferedTool {
	type: 'function';
	function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: OfferedTool[];
	stream?: boolean;
}

/** What the stand-in model does next: call one tool, or answer. */
export type ModelTurn = { tool: string; arguments: Record<string, unknown> } | { text: string };

export type ModelScript = (request: ChatRequest) => ModelTurn | Promise<ModelTurn>;

export interface ModelServer {
	/** e.g. http://127.0.0.1:41234/v1, for the OpenAI credential's Base URL. */
	baseUrl: string;
	requests: ChatRequest[];
	close(): Promise<void>;
}

export const STAND_IN_MODEL = 'gpt-4o-mini';

/** The text of a message, whichever form its content takes. */
export function textOf(message: ChatMessage | undefined): string {
	const content = message?.content;
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => part.text ?? '').join('');
	return '';
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

let callCounter = 0;

function completion(turn: ModelTurn) {
	const message =
		'text' in turn
			? { role: 'assistant', content: turn.text }
			: {
					role: 'assistant',
					content: null,
					tool_calls: [
						{
							id: `call_standin_${++callCounter}`,
							type: 'function',
							function: { name: turn.tool, arguments: JSON.stringify(turn.arguments) },
						},
					],
				};
	return {
		id: `chatcmpl-standin-${callCounter}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: STAND_IN_MODEL,
		choices: [
			{ index: 0, message, finish_reason: 'text' in turn ? 'stop' : 'tool_calls', logprobs: null },
		],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

/** The same completion as server-sent chunks, for a client that asked to stream. */
function streamCompletion(res: ServerResponse, body: ReturnType<typeof completion>): void {
	res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
	const { message, finish_reason } = body.choices[0];
	const chunk = (delta: Record<string, unknown>, finish: string | null) =>
		`data: ${JSON.stringify({
			id: body.id,
			object: 'chat.completion.chunk',
			created: body.created,
			model: body.model,
			choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
		})}\n\n`;
	const delta: Record<string, unknown> = { role: 'assistant', content: message.content ?? null };
	if ('tool_calls' in message && message.tool_calls)
		delta.tool_calls = message.tool_calls.map((call, index) => ({ index, ...call }));
	res.write(chunk(delta, null));
	res.write(chunk({}, finish_reason));
	res.write(
		`data: ${JSON.stringify({ id: body.id, object: 'chat.completion.chunk', created: body.created, model: body.model, choices: [], usage: body.usage })}\n\n`,
	);
	res.end('data: [DONE]\n\n');
}

export async function startModelServer(script: ModelScript): Promise<ModelServer> {
	const requests: ChatRequest[] = [];
	const server: Server = createServer((req, res) => {
		void (async () => {
			const path = (req.url ?? '').split('?')[0];
			if (req.method === 'GET' && path.endsWith('/models')) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(
					JSON.stringify({ object: 'list', data: [{ id: STAND_IN_MODEL, object: 'model' }] }),
				);
				return;
			}
			if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
				res.writeHead(404, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: `No stand-in for ${req.method} ${path}` } }));
				return;
			}
			const request = JSON.parse(await readBody(req)) as ChatRequest;
			requests.push(request);
			const body = completion(await script(request));
			if (request.stream) return streamCompletion(res, body);
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		})().catch((error: Error) => {
			res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: { message: error.message } }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

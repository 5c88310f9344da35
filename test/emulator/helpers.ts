/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @typescript-eslint/no-explicit-any -- test infrastructure runs in Node, not in n8n; JSON bodies are read loosely */
// Client-side helpers for the emulator's own tests (plain fetch and node:http, not nodes/).
import { request } from 'node:http';
import type { ClientRequest, IncomingHttpHeaders } from 'node:http';

import type { Emulator } from './index';

export const KEY = 'emulator-key';
/** A parsed JSON body, read loosely by the tests. */
export type JsonBody = any;
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface ApiResponse {
	status: number;
	headers: Headers;
	text: string;
	body: JsonBody;
}

export async function api(
	emu: Emulator,
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = { 'x-api-key': KEY },
): Promise<ApiResponse> {
	const init: RequestInit = { method, headers: { ...headers } };
	if (body !== undefined) {
		init.body = typeof body === 'string' ? body : JSON.stringify(body);
		(init.headers as Record<string, string>)['content-type'] = 'application/json';
	}
	const res = await fetch(`${emu.url}${path}`, init);
	const text = await res.text();
	let parsed: unknown = undefined;
	try {
		parsed = text ? JSON.parse(text) : undefined;
	} catch {
		parsed = undefined;
	}
	return { status: res.status, headers: res.headers, text, body: parsed };
}

export async function newGroup(emu: Emulator, prefix = '/v1', metadata?: Record<string, unknown>) {
	const res = await api(emu, 'POST', `${prefix}/tasks/groups`, metadata ? { metadata } : {});
	if (res.status !== 200) throw new Error(`create group failed: ${res.status} ${res.text}`);
	return res.body.taskgroup_id as string;
}

export async function addRuns(
	emu: Emulator,
	groupId: string,
	request: Record<string, unknown>,
	prefix = '/v1',
	query = '',
) {
	return api(emu, 'POST', `${prefix}/tasks/groups/${groupId}/runs${query}`, request);
}

export const liteInputs = (count: number, extra: Record<string, unknown> = {}) =>
	Array.from({ length: count }, (_, i) => ({
		input: { name: `item-${i}` },
		processor: 'lite',
		...extra,
	}));

export async function waitFor<T>(
	probe: () => Promise<T | undefined> | T | undefined,
	timeoutMs = 10_000,
	what = 'condition',
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined && value !== false) return value;
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await sleep(5);
	}
}

export async function waitForInactive(emu: Emulator, groupId: string, timeoutMs = 10_000) {
	return waitFor(
		async () => {
			const res = await api(emu, 'GET', `/v1/tasks/groups/${groupId}`);
			return res.body.status.is_active ? undefined : res.body;
		},
		timeoutMs,
		`group ${groupId} to finish`,
	);
}

export interface SseFrame {
	event: string;
	id?: string;
	data: string;
	json: JsonBody;
}

/** A strict SSE reader: every frame must be `event:`, optional `id:`, one `data:` line. */
export class SseClient {
	readonly frames: SseFrame[] = [];
	readonly comments: string[] = [];
	readonly malformed: string[] = [];
	status = 0;
	headers: IncomingHttpHeaders = {};
	body = '';
	/** 'eof' for a clean end of the response, 'reset' when the connection broke off. */
	readonly ended: Promise<'eof' | 'reset'>;
	private buffer = '';
	private changed: Array<() => void> = [];
	private req!: ClientRequest;
	private settle!: (how: 'eof' | 'reset') => void;

	constructor() {
		this.ended = new Promise((resolve) => (this.settle = resolve));
	}

	static open(url: string, headers: Record<string, string> = { 'x-api-key': KEY }) {
		const client = new SseClient();
		return new Promise<SseClient>((resolve, reject) => {
			client.req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
				client.status = res.statusCode ?? 0;
				client.headers = res.headers;
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => client.feed(chunk));
				res.on('close', () => client.finish(res.complete ? 'eof' : 'reset'));
				resolve(client);
			});
			client.req.on('error', (error) => {
				client.finish('reset');
				reject(error);
			});
			client.req.end();
		});
	}

	get events(): JsonBody[] {
		return this.frames.map((frame) => frame.json);
	}

	async waitForEvents(count: number, timeoutMs = 5000): Promise<JsonBody[]> {
		await this.until(() => this.frames.length >= count, timeoutMs, `${count} events`);
		return this.events;
	}

	async until(check: () => boolean, timeoutMs = 5000, what = 'stream condition'): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (!check()) {
			const left = deadline - Date.now();
			if (left <= 0)
				throw new Error(`Timed out waiting for ${what}; got ${this.frames.length} events`);
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, left);
				this.changed.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
	}

	close(): void {
		this.req.destroy();
	}

	private notify(): void {
		for (const wake of this.changed.splice(0)) wake();
	}

	private finish(how: 'eof' | 'reset'): void {
		this.settle(how);
		this.notify();
	}

	private feed(chunk: string): void {
		this.body += chunk;
		this.buffer += chunk;
		let end: number;
		while ((end = this.buffer.indexOf('\n\n')) >= 0) {
			const block = this.buffer.slice(0, end);
			this.buffer = this.buffer.slice(end + 2);
			this.parseBlock(block);
		}
		this.notify();
	}

	private parseBlock(block: string): void {
		const lines = block.split('\n');
		if (lines.every((line) => line.startsWith(':'))) {
			this.comments.push(...lines);
			return;
		}
		const event = /^event: (.+)$/.exec(lines[0] ?? '')?.[1];
		const id = lines.length === 3 ? /^id: (.+)$/.exec(lines[1])?.[1] : undefined;
		const data = /^data: (.+)$/.exec(lines[lines.length - 1])?.[1];
		if (!event || !data || (lines.length === 3 && !id) || lines.length > 3) {
			this.malformed.push(block);
			return;
		}
		const json = JSON.parse(data);
		if (json.type !== event) this.malformed.push(block);
		this.frames.push({ event, id, data, json });
	}
}

/** Reads a finite stream to its end. */
export async function readStream(url: string, headers?: Record<string, string>) {
	const client = await SseClient.open(url, headers);
	const how = await client.ended;
	return { client, how, events: client.events };
}

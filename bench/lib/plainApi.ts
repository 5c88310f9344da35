/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmarks run in Node, not in n8n */
// A plain HTTP client (Node's fetch) for the baselines and for setting up groups: no n8n, no node code.
import { API_KEY } from './emulatorProcess';

export type Json = Record<string, unknown>;

const headers = { 'x-api-key': API_KEY, 'content-type': 'application/json' };

export async function call(
	baseUrl: string,
	method: 'GET' | 'POST',
	path: string,
	body?: unknown,
): Promise<{ status: number; json: Json }> {
	const response = await fetch(`${baseUrl}/v1${path}`, {
		method,
		headers,
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const json = (await response.json()) as Json;
	if (response.status >= 300) {
		throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
	}
	return { status: response.status, json };
}

export async function createGroup(baseUrl: string): Promise<string> {
	return (await call(baseUrl, 'POST', '/tasks/groups', {})).json.taskgroup_id as string;
}

export interface GroupStatus {
	is_active: boolean;
	num_task_runs: number;
	modified_at: string;
}

export async function groupStatus(baseUrl: string, groupId: string): Promise<GroupStatus> {
	return (await call(baseUrl, 'GET', `/tasks/groups/${groupId}`)).json.status as GroupStatus;
}

export const TASK_SPEC = { output_schema: { type: 'text' } };

/** Inputs as the node sends them for `companies(count)`: the item as input, lite. */
export function runInputs(items: Json[], processor = 'lite'): Json[] {
	return items.map((input) => ({ input, processor }));
}

/** Adds runs in POSTs of at most `batchSize`, one after another (the seed's pattern). */
export async function addRunsSequentially(
	baseUrl: string,
	groupId: string,
	inputs: Json[],
	batchSize: number,
): Promise<string[]> {
	const runIds: string[] = [];
	for (let start = 0; start < inputs.length; start += batchSize) {
		const { json } = await call(baseUrl, 'POST', `/tasks/groups/${groupId}/runs`, {
			default_task_spec: TASK_SPEC,
			inputs: inputs.slice(start, start + batchSize),
		});
		runIds.push(...(json.run_ids as string[]));
	}
	return runIds;
}

/** Polls the group until it is inactive; returns its last status. */
export async function waitUntilInactive(
	baseUrl: string,
	groupId: string,
	everyMs = 100,
	timeoutMs = 300_000,
): Promise<GroupStatus> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const status = await groupStatus(baseUrl, groupId);
		if (!status.is_active) return status;
		if (Date.now() > deadline) throw new Error(`Group ${groupId} still active`);
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
}

/** The bytes of a group's `/runs` stream, read to its end. */
export async function runsStreamBytes(
	baseUrl: string,
	groupId: string,
	query = 'include_output=true',
): Promise<Buffer> {
	const response = await fetch(`${baseUrl}/v1/tasks/groups/${groupId}/runs?${query}`, {
		headers: { 'x-api-key': API_KEY, accept: 'text/event-stream' },
	});
	if (!response.ok) throw new Error(`/runs: ${response.status}`);
	return Buffer.from(await response.arrayBuffer());
}

/** Each `data:` line of an SSE text, parsed: run_id -> run. */
export function runsFromStream(text: string): Map<string, Json> {
	const runs = new Map<string, Json>();
	for (const line of text.split('\n')) {
		if (!line.startsWith('data: ')) continue;
		const event = JSON.parse(line.slice(6)) as Json;
		const run = event.run as Json | undefined;
		if (run) runs.set(run.run_id as string, run);
	}
	return runs;
}

/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- e2e harness runs in Node, not in n8n */
// The project's Parallel emulator as a separate process (as n8n sees the real API: over HTTP),
// with a random API key per run and its /__emulator control API for speed, counters and groups.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import type {
	CallbackCounters,
	CallbackFault,
	Counters,
	EmulatorOptions,
	FaultRule,
	GroupSnapshot,
} from '../../emulator';
import { registerSecret } from './log';
import { REPO_ROOT } from './paths';
import { createTaskGroup } from './parallelApi';
import type { ManagedProcess, ProcessRegistry } from './processes';

export interface EmulatorProcess {
	url: string;
	apiKey: string;
	process: ManagedProcess;
	setSpeed(speed: number): Promise<void>;
	counters(): Promise<Counters>;
	group(taskGroupId: string): Promise<GroupSnapshot>;
	/** Creates a task group through the public API, as a user (or the Create operation) would. */
	createGroup(metadata?: Record<string, string>): Promise<string>;
	/** Adds runs to a group through the public API (lite, one per input). */
	addRuns(taskGroupId: string, inputs: Array<Record<string, unknown>>): Promise<void>;
	addFault(rule: FaultRule): Promise<void>;
	configure(options: Partial<EmulatorOptions>): Promise<void>;
	/** Freezes (or resumes) every run's progress; callbacks already due still go out. */
	hold(on: boolean): Promise<void>;
	/** Per-run webhook callbacks: faults (cleared with `clearFaults`) and counters. */
	addCallbackFaults(faults: CallbackFault[]): Promise<void>;
	clearFaults(): Promise<void>;
	callbacks(): Promise<CallbackCounters>;
	/** Each run of a group with its input as submitted (`/runs?include_input=true`). */
	runInputs(
		taskGroupId: string,
	): Promise<Array<{ run: { run_id: string; status: string }; input: Record<string, unknown> }>>;
}

async function json<T>(response: Response, what: string): Promise<T> {
	if (!response.ok)
		throw new Error(`${what}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
	return (await response.json()) as T;
}

export async function startEmulatorProcess(
	registry: ProcessRegistry,
	logDir: string,
	speed: number,
	/** Names the process and its log file when several run (one per e2e lane). */
	label = 'emulator',
): Promise<EmulatorProcess> {
	const apiKey = `e2e-${randomBytes(12).toString('hex')}`;
	registerSecret(apiKey);
	const managed = registry.spawn(
		label,
		join(REPO_ROOT, 'node_modules/.bin/tsx'),
		['test/emulator/cli.ts', '--port', '0', '--speed', String(speed)],
		{
			cwd: REPO_ROOT,
			env: { ...process.env, PARALLEL_EMULATOR_API_KEY: apiKey },
			logFile: join(logDir, `${label}.log`),
		},
	);
	const [, url] = await registry.waitForOutput(
		managed,
		/Parallel emulator listening on (http:\/\/\S+)/,
		30_000,
	);
	const control = (path: string, init?: RequestInit) =>
		fetch(`${url}/__emulator${path}`, {
			...init,
			headers: { 'content-type': 'application/json' },
		});
	return {
		url,
		apiKey,
		process: managed,
		async setSpeed(value) {
			await json(
				await control('/config', { method: 'POST', body: JSON.stringify({ speed: value }) }),
				'emulator config',
			);
		},
		async counters() {
			return await json<Counters>(await control('/counters'), 'emulator counters');
		},
		async group(taskGroupId) {
			return await json<GroupSnapshot>(
				await control(`/groups/${encodeURIComponent(taskGroupId)}`),
				`emulator group ${taskGroupId}`,
			);
		},
		async createGroup(metadata) {
			return await createTaskGroup(url, apiKey, metadata);
		},
		async addRuns(taskGroupId, inputs) {
			await json(
				await fetch(`${url}/v1/tasks/groups/${encodeURIComponent(taskGroupId)}/runs`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
					body: JSON.stringify({
						inputs: inputs.map((input) => ({ input, processor: 'lite' })),
					}),
				}),
				`adding runs to ${taskGroupId}`,
			);
		},
		async addFault(rule) {
			await json(
				await control('/faults', { method: 'POST', body: JSON.stringify(rule) }),
				'emulator fault',
			);
		},
		async configure(options) {
			await json(
				await control('/config', { method: 'POST', body: JSON.stringify(options) }),
				'emulator config',
			);
		},
		async hold(on) {
			await json(
				await control('/hold', { method: 'POST', body: JSON.stringify({ on }) }),
				'emulator hold',
			);
		},
		async addCallbackFaults(faults) {
			await json(
				await control('/callback-faults', { method: 'POST', body: JSON.stringify(faults) }),
				'emulator callback faults',
			);
		},
		async clearFaults() {
			await json(await control('/faults', { method: 'DELETE' }), 'emulator clear faults');
		},
		async callbacks() {
			return await json<CallbackCounters>(await control('/callbacks'), 'emulator callbacks');
		},
		async runInputs(taskGroupId) {
			const response = await fetch(
				`${url}/v1/tasks/groups/${encodeURIComponent(taskGroupId)}/runs?include_input=true`,
				{ headers: { 'x-api-key': apiKey, accept: 'text/event-stream' } },
			);
			const text = await response.text();
			if (!response.ok) throw new Error(`runs of ${taskGroupId}: HTTP ${response.status}`);
			return text
				.split('\n')
				.filter((line) => line.startsWith('data:'))
				.map((line) => JSON.parse(line.slice(5)) as { type: string })
				.filter((event) => event.type === 'task_run.state') as never;
		},
	};
}

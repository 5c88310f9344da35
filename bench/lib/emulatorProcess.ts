/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- benchmarks run in Node, not in n8n */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import type { Counters, EmulatorOptions } from '../../test/emulator';

export const REPO_ROOT = resolve(__dirname, '../..');
export const API_KEY = 'emulator-key';

/** The project's emulator in its own process, driven through its HTTP control API. */
export interface EmulatorProcess {
	url: string;
	pid: number;
	/** CPU time the emulator process has used so far (user + system), from /proc. */
	cpuMs(): number;
	counters(): Promise<Counters>;
	configure(options: Partial<EmulatorOptions>): Promise<void>;
	reset(): Promise<void>;
	/** Freezes (true) or resumes (false) every run's progress. */
	hold(on: boolean): Promise<void>;
	close(): Promise<void>;
}

async function control(url: string, method: string, path: string, body?: unknown) {
	const response = await fetch(`${url}/__emulator${path}`, {
		method,
		headers: body === undefined ? {} : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const json: unknown = await response.json();
	if (!response.ok) throw new Error(`Emulator control ${method} ${path}: ${JSON.stringify(json)}`);
	return json;
}

/** utime + stime of a process in ms (/proc/<pid>/stat fields 14 and 15, in 1/100 s ticks). */
export function processCpuMs(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) * 10;
}

function waitForUrl(child: ChildProcess): Promise<string> {
	return new Promise((resolveUrl, reject) => {
		let output = '';
		child.stdout?.setEncoding('utf8');
		child.stdout?.on('data', (text: string) => {
			output += text;
			const match = /listening on (http:\/\/\S+)/.exec(output);
			if (match) resolveUrl(match[1]);
		});
		child.once('exit', (code) => reject(new Error(`Emulator exited (${code}): ${output}`)));
	});
}

/** Starts `test/emulator/cli.ts` in a child process with the given latency and speed. */
export async function startEmulatorProcess(
	options: { latencyMs: number; speed: number } & Partial<EmulatorOptions>,
): Promise<EmulatorProcess> {
	const { latencyMs, speed, ...rest } = options;
	// BENCH_EMULATOR_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the emulator.
	const nodeArgs = (process.env.BENCH_EMULATOR_NODE_ARGS ?? '').split(' ').filter(Boolean);
	const child = spawn(
		process.execPath,
		[
			...nodeArgs,
			'--import',
			'tsx',
			'test/emulator/cli.ts',
			'--latency',
			String(latencyMs),
			'--speed',
			String(speed),
		],
		{ cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const url = await waitForUrl(child);
	if (Object.keys(rest).length) await control(url, 'POST', '/config', rest);
	const exited = new Promise<void>((done) => child.once('exit', () => done()));
	return {
		url,
		pid: child.pid ?? 0,
		cpuMs: () => processCpuMs(child.pid ?? 0),
		counters: async () => (await control(url, 'GET', '/counters')) as Counters,
		configure: async (changes) => {
			await control(url, 'POST', '/config', changes);
		},
		reset: async () => {
			await control(url, 'POST', '/reset');
		},
		hold: async (on) => {
			await control(url, 'POST', '/hold', { on });
		},
		close: async () => {
			child.kill('SIGTERM');
			await exited;
		},
	};
}

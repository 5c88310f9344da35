/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test infrastructure runs in Node, not in n8n; this test starts the CLI as a child process */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '../..');

/** Starts `tsx test/emulator/cli.ts` and resolves with its first stdout line. */
function startCli(args: string[], env: Record<string, string> = {}) {
	const child = spawn(
		process.execPath,
		[require.resolve('tsx/cli'), 'test/emulator/cli.ts', ...args],
		{
			cwd: repoRoot,
			env: { ...process.env, ...env },
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	const firstLine = new Promise<string>((resolve, reject) => {
		let out = '';
		let err = '';
		child.stdout?.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			if (out.includes('\n')) resolve(out.split('\n')[0]);
		});
		child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
		child.on('exit', (code) => reject(new Error(`CLI exited with ${code}: ${err}`)));
	});
	return { child, firstLine, exited };
}

describe('cli.ts', () => {
	let running: ChildProcess | undefined;
	afterEach(() => {
		if (running && running.exitCode === null) running.kill('SIGKILL');
	});

	it('prints one ready line, serves the API, and exits cleanly on SIGTERM', async () => {
		const { child, firstLine, exited } = startCli(['--port', '0', '--api-key', 'cli-key'], {
			PARALLEL_EMULATOR_LATENCY_MS: '1',
		});
		running = child;
		const line = await firstLine;
		const match =
			/^Parallel emulator listening on (http:\/\/127\.0\.0\.1:\d+) \(API key: cli-key\)$/.exec(
				line,
			);
		expect(match).not.toBeNull();
		const url = match?.[1] ?? '';
		expect(
			(await fetch(`${url}/v1/monitors?limit=1`, { headers: { 'x-api-key': 'cli-key' } })).status,
		).toBe(200);
		expect(
			(await fetch(`${url}/v1/monitors?limit=1`, { headers: { 'x-api-key': 'emulator-key' } }))
				.status,
		).toBe(401);
		child.kill('SIGTERM');
		expect(await exited).toBe(0);
	});
});

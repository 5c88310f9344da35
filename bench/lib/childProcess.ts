/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- benchmarks run in Node, not in n8n */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

import { REPO_ROOT } from './emulatorProcess';

const ARGS_VARIABLE = 'BENCH_CHILD_ARGS';

/**
 * Runs a bench/children script in a fresh Node process (with --expose-gc) and returns the JSON
 * it prints on its last stdout line: one measurement, one process, so its peak RSS is its own.
 */
export async function runChild<T>(script: string, args: unknown): Promise<T> {
	// BENCH_CHILD_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the children.
	const nodeArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
	const child = spawn(
		process.execPath,
		[...nodeArgs, '--expose-gc', '--import', 'tsx', resolve(REPO_ROOT, 'bench/children', script)],
		{
			cwd: REPO_ROOT,
			stdio: ['ignore', 'pipe', 'inherit'],
			env: { ...process.env, [ARGS_VARIABLE]: JSON.stringify(args) },
		},
	);
	let output = '';
	child.stdout.setEncoding('utf8');
	child.stdout.on('data', (text: string) => (output += text));
	const code = await new Promise<number | null>((done) => child.once('exit', done));
	const lastLine = output.trim().split('\n').pop() ?? '';
	if (code !== 0) throw new Error(`${script} exited with ${code}: ${output}`);
	return JSON.parse(lastLine) as T;
}

/** Inside a child: the arguments its parent passed. */
export function childArgs<T>(): T {
	return JSON.parse(process.env[ARGS_VARIABLE] ?? '{}') as T;
}

/** Inside a child: hands the measurement back to the parent. */
export function report(result: unknown): void {
	process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Inside a child: a full garbage collection (the child runs with --expose-gc). */
export function collectGarbage(): void {
	(globalThis as { gc?: () => void }).gc?.();
}

/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- benchmarks run in Node, not in n8n */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

import { REPO_ROOT } from './emulatorProcess';

export interface Machine {
	date: string;
	cpu: string;
	cores: number;
	node: string;
	n8nCore: string;
	/** The commit measured, with `+changes` when nodes/ differs from it. */
	commit: string;
	loadAverage: string;
}

function git(...args: string[]): string {
	try {
		return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
	} catch {
		return '';
	}
}

export function describeMachine(): Machine {
	const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
	const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
	const n8nCore = (
		JSON.parse(readFileSync(`${REPO_ROOT}/node_modules/n8n-core/package.json`, 'utf8')) as {
			version: string;
		}
	).version;
	const changed = git('status', '--porcelain', '--', 'nodes') !== '';
	return {
		date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
		cpu: model,
		cores: cpus().length,
		node: process.version,
		n8nCore,
		commit: `${git('rev-parse', '--short', 'HEAD') || 'unknown'}${changed ? '+changes in nodes/' : ''}`,
		loadAverage: loadavg()
			.map((value) => value.toFixed(2))
			.join(' '),
	};
}

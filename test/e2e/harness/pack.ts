/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- e2e harness runs in Node, not in n8n */
// The package as users get it: built, `npm pack`ed, and unpacked into an n8n user folder's
// community packages folder (`.n8n/nodes/node_modules/<name>`) the way n8n's own installer does
// it: dev, peer and optional dependencies stripped from its package.json, runtime dependencies
// (if it ever has any) installed next to it, and `.n8n/nodes/package.json` listing it.
// n8n scans that folder at every start; no database row is needed (../shared/n8n-runtime.md).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ProcessRegistry } from './processes';
import { REPO_ROOT } from './paths';

export interface PackedPackage {
	name: string;
	version: string;
	tarball: string;
	files: number;
	sizeBytes: number;
}

interface PackJson {
	name: string;
	version: string;
	filename: string;
	size: number;
	files: unknown[];
}

function npmEnv(): NodeJS.ProcessEnv {
	return { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' };
}

/** `npm run build`, then `npm pack` into `outDir`. */
export async function buildAndPack(
	registry: ProcessRegistry,
	outDir: string,
	logDir: string,
): Promise<PackedPackage> {
	const build = await registry.run('npm run build', 'npm', ['run', 'build'], {
		cwd: REPO_ROOT,
		env: npmEnv(),
		logFile: join(logDir, 'build.log'),
		timeoutMs: 180_000,
	});
	if (build.code !== 0) throw new Error(`npm run build failed (see ${join(logDir, 'build.log')})`);
	const pack = await registry.run(
		'npm pack',
		'npm',
		['pack', '--json', '--pack-destination', outDir],
		{ cwd: REPO_ROOT, env: npmEnv(), logFile: join(logDir, 'pack.log'), timeoutMs: 60_000 },
	);
	if (pack.code !== 0) throw new Error(`npm pack failed (see ${join(logDir, 'pack.log')})`);
	const json = pack.stdout.slice(pack.stdout.indexOf('['));
	const [info] = JSON.parse(json) as PackJson[];
	return {
		name: info.name,
		version: info.version,
		tarball: join(outDir, info.filename),
		files: info.files.length,
		sizeBytes: info.size,
	};
}

/** Unpacks the tarball into `<userFolder>/.n8n/nodes/node_modules/<name>`, as n8n installs it. */
export async function installIntoN8n(
	registry: ProcessRegistry,
	pkg: PackedPackage,
	userFolder: string,
	logDir: string,
): Promise<string> {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const target = join(nodesDir, 'node_modules', pkg.name);
	mkdirSync(target, { recursive: true });
	const untar = await registry.run(
		'tar',
		'tar',
		['-xzf', pkg.tarball, '-C', target, '--strip-components=1'],
		{ env: process.env, logFile: join(logDir, 'untar.log'), timeoutMs: 60_000 },
	);
	if (untar.code !== 0) throw new Error(`Could not unpack ${pkg.tarball}`);

	const manifestPath = join(target, 'package.json');
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
	for (const key of ['devDependencies', 'peerDependencies', 'optionalDependencies'])
		delete manifest[key];
	writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
	const dependencies = (manifest.dependencies ?? {}) as Record<string, string>;
	if (Object.keys(dependencies).length) {
		const install = await registry.run(
			'npm install (package dependencies)',
			'npm',
			['install', '--omit=dev', '--ignore-scripts', '--install-strategy=shallow', '--no-audit'],
			{ cwd: target, env: npmEnv(), logFile: join(logDir, 'deps.log'), timeoutMs: 300_000 },
		);
		if (install.code !== 0) throw new Error(`Installing ${pkg.name}'s dependencies failed`);
	}
	writeFileSync(
		join(nodesDir, 'package.json'),
		`${JSON.stringify(
			{ name: 'installed-nodes', private: true, dependencies: { [pkg.name]: pkg.version } },
			null,
			2,
		)}\n`,
	);
	return target;
}

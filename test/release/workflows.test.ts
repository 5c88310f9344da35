/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- tests run in Node, not in n8n */
// The GitHub workflows cannot run here: actionlint checks them, and these tests pin the wiring
// the release depends on (the same CI script everywhere, provenance, the gate before publishing).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { lintWorkflow, lintWorkflowFiles } from '../../scripts/release/actionlint';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const ci = read('.github/workflows/ci.yml');
const release = read('.github/workflows/release.yml');

/** The lines of one job, from its `  name:` key to the next job. */
function job(workflow: string, id: string): string {
	const start = workflow.indexOf(`\n  ${id}:\n`);
	if (start < 0) throw new Error(`no job '${id}'`);
	const rest = workflow.slice(start + 1);
	const next = rest.slice(1).search(/\n {2}[a-z-]+:\n/);
	return next < 0 ? rest : rest.slice(0, next + 1);
}

describe('actionlint', () => {
	it('finds no problem in any workflow file', async () => {
		const { files, problems } = await lintWorkflowFiles(root);
		expect(files).toEqual(
			expect.arrayContaining(['.github/workflows/ci.yml', '.github/workflows/release.yml']),
		);
		expect(problems).toEqual([]);
	});

	it('does report a broken workflow (the check is live)', async () => {
		const broken = ci
			.replace('runs-on: ubuntu-24.04', 'runs_on: ubuntu-24.04')
			.replace(
				'uses: actions/checkout@v4',
				'uses: actions/checkout@v4\n        with: { fetch-dept: 1 }',
			);
		const problems = await lintWorkflow(broken, 'ci.yml');
		expect(problems.map((problem) => problem.message).join('\n')).toMatch(/runs_on/);
		expect(problems.map((problem) => problem.message).join('\n')).toMatch(/fetch-dept/);
	});
});

describe('CI', () => {
	it('runs on every push to a branch and on pull requests, and can be called by the release', () => {
		expect(ci).toMatch(
			/^on:\n {2}push:\n(?: {4}#.*\n)* {4}branches: \['\*\*'\]\n {2}pull_request:\n/m,
		);
		expect(ci).toMatch(/^ {2}workflow_call:$/m);
	});

	it('runs the one CI script on Node 20 and 24, as .ci/run does', () => {
		expect(ci).toMatch(/node: \['20', '24'\]/);
		expect(ci).toMatch(/image: node:\$\{\{ matrix.node \}\}-bookworm/);
		expect(ci).toMatch(/run: bash scripts\/ci\.sh$/m);
		expect(read('.ci/run')).toMatch(/^exec bash "\$\(dirname "\$0"\)\/\.\.\/scripts\/ci\.sh"$/m);
	});

	it("runs the README's test command, then the release dry run", () => {
		const script = read('scripts/ci.sh');
		expect(read('README.md')).toContain('npm ci && npm run test:all');
		const steps = script.split('\n').filter((line) => /^(npm|bash) /.test(line));
		expect(steps).toEqual([
			'npm ci',
			'npm run test:all',
			'bash scripts/release-dry-run.sh --skip-scan',
		]);
	});

	it('caches npm and the e2e n8n installs keyed by the installer', () => {
		expect(ci).toMatch(/path: ~\/\.npm\n\s+key: .*hashFiles\('package-lock\.json'\)/);
		expect(ci).toMatch(
			/path: ~\/\.cache\/n8n-nodes-parallel-task-group-e2e\n\s+key: .*hashFiles\('test\/e2e\/harness\/install-n8n\.sh'/,
		);
	});
});

describe('release', () => {
	it('starts from a version tag', () => {
		expect(release).toMatch(/^ {2}push:\n {4}tags: \['\*\.\*\.\*'\]$/m);
	});

	it('publishes with n8n-node release, with provenance, only after CI passed', () => {
		const publish = job(release, 'publish');
		expect(publish).toMatch(/needs: \[check, test\]/);
		expect(publish).toMatch(/id-token: write/);
		expect(publish).toMatch(/run: npm run release$/m);
		expect(publish).toMatch(/run: npm run lint:package$/m);
		expect(job(release, 'test')).toMatch(/uses: \.\/\.github\/workflows\/ci\.yml/);
		const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
		expect(pkg.scripts.release).toBe('n8n-node release');
	});

	it('gives no job more than it needs', () => {
		expect(release).toMatch(/^permissions: \{\}$/m);
		expect(job(release, 'check')).not.toMatch(/write/);
		expect(job(release, 'github-release')).toMatch(/contents: write/);
		expect(job(release, 'github-release')).not.toMatch(/id-token/);
	});

	it('creates the GitHub release from the notes checked against the tag', () => {
		expect(job(release, 'check')).toMatch(/release-notes\.ts --tag "\$GITHUB_REF_NAME"/);
		expect(job(release, 'github-release')).toMatch(/--notes-file release-notes\.md/);
	});
});

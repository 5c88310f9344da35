/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- a release script, runs in Node, not in n8n */
// `npm run lint:workflows`: actionlint on every file in .github/workflows (see release/actionlint.ts).
import { join } from 'node:path';

import { formatProblem, lintWorkflowFiles } from './release/actionlint';

void (async () => {
	const { files, problems } = await lintWorkflowFiles(join(__dirname, '..'));
	if (files.length === 0) {
		process.stderr.write('lint:workflows: no workflow files in .github/workflows\n');
		process.exit(1);
	}
	for (const problem of problems) process.stdout.write(`${formatProblem(problem)}\n`);
	process.stdout.write(
		`lint:workflows: actionlint on ${files.length} files (${files.join(', ')}): ${problems.length} problems\n`,
	);
	process.exit(problems.length ? 1 : 0);
})();

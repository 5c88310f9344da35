/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- a release script, runs in Node, not in n8n */
// Prints the GitHub release notes of the package's version (its CHANGELOG.md entry) after
// checking that the tag, package.json and CHANGELOG.md agree. Used by the release workflow and by
// scripts/release-dry-run.sh.
//   tsx scripts/release-notes.ts [--tag <git tag>] [--preview] [--out <file>]
//   --preview        an unreleased version takes the notes of [Unreleased] (dry runs)
//   --out <file>     write the notes there instead of stdout
// In GitHub Actions it also writes version, dist-tag and prerelease to $GITHUB_OUTPUT.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { releaseFacts } from './release/changelog';

const root = join(__dirname, '..');
const { values } = parseArgs({
	options: {
		tag: { type: 'string' },
		preview: { type: 'boolean', default: false },
		out: { type: 'string' },
	},
});

try {
	const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
		version: string;
	};
	const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
	const facts = releaseFacts(changelog, version, { tag: values.tag, preview: values.preview });
	if (values.out) writeFileSync(values.out, `${facts.notes}\n`);
	else process.stdout.write(`${facts.notes}\n`);
	if (process.env.GITHUB_OUTPUT) {
		appendFileSync(
			process.env.GITHUB_OUTPUT,
			`version=${facts.version}\ndist-tag=${facts.distTag}\nprerelease=${facts.prerelease}\n`,
		);
	}
	process.stderr.write(
		`release-notes: ${facts.version}, npm dist-tag ${facts.distTag}, ${facts.notes.split('\n').length} lines of notes\n`,
	);
} catch (error) {
	process.stderr.write(`release-notes: ${(error as Error).message}\n`);
	process.exit(1);
}

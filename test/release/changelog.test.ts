/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- tests run in Node, not in n8n */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	changelogProblems,
	compareVersions,
	parseChangelog,
	releaseFacts,
} from '../../scripts/release/changelog';

const root = join(__dirname, '..', '..');
const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
	version: string;
};

const URL = 'https://github.com/o/r';
const sample = (entries: string, links = '') => `# Changelog\n\nIntro.\n\n${entries}\n${links}`;
const released = sample(
	'## [Unreleased]\n\n### Fixed\n\n- Next fix.\n\n## [1.1.0] - 2027-02-01\n\n### Added\n\n- A new option.\n\n### Fixed\n\n- A fix.\n\n## [1.0.0] - 2027-01-10\n\n### Added\n\n- First.\n',
	`[Unreleased]: ${URL}/compare/1.1.0...HEAD\n[1.1.0]: ${URL}/compare/1.0.0...1.1.0\n[1.0.0]: ${URL}/releases/tag/1.0.0\n`,
);

describe('CHANGELOG.md of this repository', () => {
	it('is in the form the release workflow reads', () => {
		expect(changelogProblems(changelog)).toEqual([]);
	});

	it('has notes for the version in package.json (dated, or [Unreleased] before the release)', () => {
		const facts = releaseFacts(changelog, version, { preview: true });
		expect(facts.version).toBe(version);
		expect(facts.notes).toMatch(/^### Added$/m);
	});
});

describe('release notes', () => {
	it("are the version's entry, without its heading, the next entry or the links", () => {
		const facts = releaseFacts(released, '1.1.0', { tag: '1.1.0' });
		expect(facts.notes).toBe('### Added\n\n- A new option.\n\n### Fixed\n\n- A fix.');
		expect(facts).toMatchObject({ distTag: 'latest', prerelease: false });
	});

	it('accept a v-prefixed tag for the same version', () => {
		expect(releaseFacts(released, '1.1.0', { tag: 'v1.1.0' }).version).toBe('1.1.0');
	});

	it('refuse a tag that is not the package version', () => {
		expect(() => releaseFacts(released, '1.1.0', { tag: '1.2.0' })).toThrow(
			"tag '1.2.0' does not name the package version 1.1.0",
		);
	});

	it('refuse a version without a dated entry, unless previewing [Unreleased]', () => {
		expect(() => releaseFacts(released, '1.2.0')).toThrow(
			"CHANGELOG.md has no entry '## [1.2.0] - YYYY-MM-DD'",
		);
		expect(releaseFacts(released, '1.2.0', { preview: true }).notes).toBe(
			'### Fixed\n\n- Next fix.',
		);
	});

	it('refuse a preview for a version that is not above the last release', () => {
		expect(() => releaseFacts(released, '1.0.1', { preview: true })).toThrow(
			'package.json version 1.0.1 is not above the last released 1.1.0',
		);
	});

	it('refuse to publish an older entry again', () => {
		expect(() => releaseFacts(released, '1.0.0', { tag: '1.0.0' })).toThrow(
			'1.0.0 is not the newest entry of CHANGELOG.md ([1.1.0] is)',
		);
	});

	it('send a prerelease to the next dist-tag', () => {
		const text = sample(
			'## [2.0.0-rc.1] - 2027-03-01\n\n### Changed\n\n- Breaking.\n',
			`[2.0.0-rc.1]: ${URL}/releases/tag/2.0.0-rc.1\n`,
		);
		expect(releaseFacts(text, '2.0.0-rc.1', { tag: '2.0.0-rc.1' })).toMatchObject({
			distTag: 'next',
			prerelease: true,
		});
	});
});

describe('changelog form', () => {
	it.each([
		[
			'an undated release',
			'## [1.0.0]\n\n- x\n',
			'[1.0.0]: u\n',
			"a released version needs ' - YYYY-MM-DD'",
		],
		[
			'a date that does not exist',
			'## [1.0.0] - 2027-02-30\n\n- x\n',
			'[1.0.0]: u\n',
			'is not a date',
		],
		[
			'versions out of order',
			'## [1.0.0] - 2027-01-01\n\n- x\n\n## [1.1.0] - 2026-12-01\n\n- y\n',
			'[1.0.0]: u\n[1.1.0]: u\n',
			'versions must go from newest to oldest',
		],
		[
			'[Unreleased] below a release',
			'## [1.0.0] - 2027-01-01\n\n- x\n\n## [Unreleased]\n\n- y\n',
			'[1.0.0]: u\n[Unreleased]: u\n',
			'[Unreleased] must be the first entry',
		],
		['an empty release', '## [1.0.0] - 2027-01-01\n\n', '[1.0.0]: u\n', 'the entry is empty'],
		[
			'an unknown kind of change',
			'## [1.0.0] - 2027-01-01\n\n### Improved\n\n- x\n',
			'[1.0.0]: u\n',
			"'### Improved' is not one of",
		],
		[
			'a missing link',
			'## [1.0.0] - 2027-01-01\n\n- x\n',
			'',
			"no link reference '[1.0.0]: <url>'",
		],
		['a heading of another form', '## 1.0.0 (2027-01-01)\n\n- x\n', '', "is not '## [Unreleased]'"],
		[
			'not a semantic version',
			'## [1.0] - 2027-01-01\n\n- x\n',
			'[1.0]: u\n',
			'is not a semantic version',
		],
	])('reports %s', (_what, entries, links, message) => {
		expect(changelogProblems(sample(entries, links)).join('\n')).toContain(message);
	});

	it('parses entries with their dates and the link references', () => {
		const parsed = parseChangelog(released);
		expect(parsed.entries.map((entry) => [entry.version, entry.date])).toEqual([
			['Unreleased', undefined],
			['1.1.0', '2027-02-01'],
			['1.0.0', '2027-01-10'],
		]);
		expect([...parsed.links.keys()]).toEqual(['Unreleased', '1.1.0', '1.0.0']);
	});
});

describe('semantic version order', () => {
	it.each([
		['1.0.0', '0.9.9'],
		['1.10.0', '1.9.0'],
		['1.0.0', '1.0.0-rc.1'],
		['1.0.0-rc.10', '1.0.0-rc.2'],
		['1.0.0-rc.1', '1.0.0-beta.5'],
		['1.0.0-alpha.1', '1.0.0-alpha'],
	])('%s is above %s', (higher, lower) => {
		expect(compareVersions(higher, lower)).toBeGreaterThan(0);
		expect(compareVersions(lower, higher)).toBeLessThan(0);
	});

	it('throws on a version that is not semver', () => {
		expect(() => compareVersions('1.0', '1.0.0')).toThrow("'1.0' is not a semantic version");
	});
});

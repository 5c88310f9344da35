// CHANGELOG.md in Keep a Changelog 1.1 form: what the release workflow publishes as a GitHub
// release's notes, and the checks that keep the file, the package version and the tag in step.
// Pure functions: scripts/release-notes.ts and test/release read files and call these.

export interface ChangelogEntry {
	/** `Unreleased`, or a version. */
	version: string;
	/** YYYY-MM-DD; absent for Unreleased. */
	date?: string;
	/** The entry's text below its heading, trimmed. */
	body: string;
	/** 1-based line of the heading. */
	line: number;
}

export interface Changelog {
	entries: ChangelogEntry[];
	/** Link reference definitions at the end: `[0.1.0]: https://...`. */
	links: Map<string, string>;
}

export const UNRELEASED = 'Unreleased';
const KINDS = ['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security'];
const HEADING = /^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?\s*$/;
const LINK = /^\[([^\]]+)\]:\s+(\S+)\s*$/;
const SEMVER =
	/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export function isSemver(version: string): boolean {
	return SEMVER.test(version);
}

export function isPrerelease(version: string): boolean {
	return SEMVER.exec(version)?.[4] !== undefined;
}

/** Semver precedence: negative when a < b. Throws on a version that is not semver. */
export function compareVersions(a: string, b: string): number {
	const [pa, pb] = [a, b].map((version) => {
		const match = SEMVER.exec(version);
		if (!match) throw new Error(`'${version}' is not a semantic version (MAJOR.MINOR.PATCH)`);
		return match;
	});
	for (let i = 1; i <= 3; i++) {
		const diff = Number(pa[i]) - Number(pb[i]);
		if (diff !== 0) return diff;
	}
	const [preA, preB] = [pa[4], pb[4]];
	if (preA === undefined || preB === undefined) {
		return preA === preB ? 0 : preA === undefined ? 1 : -1;
	}
	const [idsA, idsB] = [preA.split('.'), preB.split('.')];
	for (let i = 0; i < Math.max(idsA.length, idsB.length); i++) {
		if (idsA[i] === undefined) return -1;
		if (idsB[i] === undefined) return 1;
		const [numA, numB] = [/^\d+$/.test(idsA[i]), /^\d+$/.test(idsB[i])];
		if (numA && numB && Number(idsA[i]) !== Number(idsB[i]))
			return Number(idsA[i]) - Number(idsB[i]);
		if (numA !== numB) return numA ? -1 : 1;
		if (idsA[i] !== idsB[i]) return idsA[i] < idsB[i] ? -1 : 1;
	}
	return 0;
}

export function parseChangelog(text: string): Changelog {
	const lines = text.replace(/\r\n/g, '\n').split('\n');
	const entries: ChangelogEntry[] = [];
	const links = new Map<string, string>();
	let current: { entry: ChangelogEntry; lines: string[] } | undefined;
	const close = () => {
		if (current) current.entry.body = current.lines.join('\n').trim();
	};
	lines.forEach((line, index) => {
		const heading = HEADING.exec(line);
		const link = LINK.exec(line);
		if (heading) {
			close();
			current = {
				entry: { version: heading[1], date: heading[2], body: '', line: index + 1 },
				lines: [],
			};
			entries.push(current.entry);
		} else if (link) {
			links.set(link[1], link[2]);
		} else if (current) {
			current.lines.push(line);
		}
	});
	close();
	return { entries, links };
}

function isRealDate(date: string): boolean {
	const parsed = new Date(`${date}T00:00:00Z`);
	return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}

/** Every way the file departs from the format the release workflow relies on. */
export function changelogProblems(text: string): string[] {
	const problems: string[] = [];
	if (!/^# Changelog\s*$/m.test(text.split('\n')[0] ?? '')) {
		problems.push("the first line must be '# Changelog'");
	}
	for (const [index, line] of text.split('\n').entries()) {
		if (/^## /.test(line) && !HEADING.test(line)) {
			problems.push(
				`line ${index + 1}: '${line}' is not '## [Unreleased]' or '## [x.y.z] - YYYY-MM-DD'`,
			);
		}
		const kind = /^### (.*)$/.exec(line)?.[1];
		if (kind !== undefined && !KINDS.includes(kind.trim())) {
			problems.push(`line ${index + 1}: '### ${kind}' is not one of ${KINDS.join(', ')}`);
		}
	}
	const { entries, links } = parseChangelog(text);
	let previous: ChangelogEntry | undefined;
	for (const [index, entry] of entries.entries()) {
		const where = `line ${entry.line} ([${entry.version}])`;
		if (entry.version === UNRELEASED) {
			if (index !== 0) problems.push(`${where}: [Unreleased] must be the first entry`);
			if (entry.date) problems.push(`${where}: [Unreleased] has no date`);
		} else {
			if (!isSemver(entry.version)) {
				problems.push(`${where}: '${entry.version}' is not a semantic version`);
			}
			if (!entry.date) problems.push(`${where}: a released version needs ' - YYYY-MM-DD'`);
			else if (!isRealDate(entry.date)) problems.push(`${where}: '${entry.date}' is not a date`);
			if (previous && previous.version !== UNRELEASED && isSemver(entry.version)) {
				if (isSemver(previous.version) && compareVersions(previous.version, entry.version) <= 0) {
					problems.push(`${where}: versions must go from newest to oldest`);
				}
				if (previous.date && entry.date && previous.date < entry.date) {
					problems.push(`${where}: dated after the newer [${previous.version}]`);
				}
			}
		}
		if (!entry.body && entry.version !== UNRELEASED) {
			problems.push(`${where}: the entry is empty`);
		}
		if (!links.has(entry.version)) {
			problems.push(`${where}: no link reference '[${entry.version}]: <url>' at the end`);
		}
		previous = entry;
	}
	const versions = new Set(entries.map((entry) => entry.version));
	for (const name of links.keys()) {
		if (!versions.has(name)) problems.push(`link reference [${name}] has no entry`);
	}
	return problems;
}

export interface ReleaseFacts {
	version: string;
	/** npm dist-tag: `latest`, or `next` for a prerelease (npm refuses a prerelease without one). */
	distTag: 'latest' | 'next';
	prerelease: boolean;
	notes: string;
}

/**
 * What the release workflow publishes for `version`, or why it must not: the tag must name the
 * package's version, and the changelog must hold a dated, non-empty entry for it, the newest one.
 * With `preview`, an unreleased version takes the notes of [Unreleased] (the dry run in CI).
 */
export function releaseFacts(
	changelogText: string,
	version: string,
	options: { tag?: string; preview?: boolean } = {},
): ReleaseFacts {
	if (!isSemver(version)) throw new Error(`package.json version '${version}' is not semver`);
	if (options.tag !== undefined && options.tag.replace(/^v/, '') !== version) {
		throw new Error(
			`tag '${options.tag}' does not name the package version ${version}: bump package.json or tag '${version}'`,
		);
	}
	const problems = changelogProblems(changelogText);
	if (problems.length) throw new Error(`CHANGELOG.md:\n- ${problems.join('\n- ')}`);
	const { entries } = parseChangelog(changelogText);
	const released = entries.filter((entry) => entry.version !== UNRELEASED);
	let entry = released.find((candidate) => candidate.version === version);
	if (entry && entry !== released[0]) {
		throw new Error(
			`${version} is not the newest entry of CHANGELOG.md ([${released[0].version}] is)`,
		);
	}
	if (!entry && options.preview) {
		if (released[0] && compareVersions(version, released[0].version) <= 0) {
			throw new Error(
				`package.json version ${version} is not above the last released ${released[0].version}`,
			);
		}
		entry = entries.find((candidate) => candidate.version === UNRELEASED);
	}
	if (!entry) {
		throw new Error(
			`CHANGELOG.md has no entry '## [${version}] - YYYY-MM-DD': rename [Unreleased] to it before tagging`,
		);
	}
	if (!entry.body) throw new Error(`the CHANGELOG.md entry for ${version} is empty`);
	const prerelease = isPrerelease(version);
	return { version, prerelease, distTag: prerelease ? 'next' : 'latest', notes: entry.body };
}

/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console -- benchmarks run in Node, not in n8n */
// Summarises V8 CPU profiles (`--cpu-prof`, e.g. of n8n via BENCH_N8N_NODE_OPTIONS): self time
// by package (node_modules/<name>, this package, Node's own) and the top functions.
//   npx tsx bench/profileSummary.ts /tmp/prof/*.cpuprofile [--top 25]
import { readFileSync } from 'node:fs';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}

interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
	startTime: number;
	endTime: number;
}

const PACKAGE = 'n8n-nodes-parallel-task-group';
/** The installed package's files (the e2e cache folder's name also holds the package name). */
const isPackageFile = (url: string) => url.includes(`node_modules/${PACKAGE}/`);

function packageOf(url: string): string {
	if (!url) return '(V8: GC, idle, native)';
	if (isPackageFile(url)) return `${PACKAGE} (this package)`;
	const parts = url.split('node_modules/');
	if (parts.length > 1) {
		const rest = parts[parts.length - 1].split('/');
		return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
	}
	return url.startsWith('node:') ? 'node (core)' : url;
}

const topOf = (map: Map<string, number>, count: number) =>
	[...map].sort((a, b) => b[1] - a[1]).slice(0, count);

/** Node ids with one of this package's frames at or above them. */
function underPackage(profile: Profile): Set<number> {
	const parent = new Map<number, number>();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parent.set(child, node.id);
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const inside = new Map<number, boolean>();
	const check = (id: number): boolean => {
		const known = inside.get(id);
		if (known !== undefined) return known;
		const node = byId.get(id)!;
		const up = parent.get(id);
		const result = isPackageFile(node.callFrame.url) || (up !== undefined ? check(up) : false);
		inside.set(id, result);
		return result;
	};
	return new Set(profile.nodes.filter((node) => check(node.id)).map((node) => node.id));
}

function summarise(file: string, top: number, onlyUnderPackage: boolean): void {
	const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const kept = onlyUnderPackage ? underPackage(profile) : undefined;
	const byPackage = new Map<string, number>();
	const byFunction = new Map<string, number>();
	let total = 0;
	profile.samples.forEach((id, index) => {
		const node = byId.get(id);
		if (!node || (kept && !kept.has(id))) return;
		const ms = (profile.timeDeltas[index] ?? 0) / 1000;
		const { functionName, url, lineNumber } = node.callFrame;
		if (functionName === '(idle)') return;
		total += ms;
		const pkg = packageOf(url);
		byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
		const name = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
		byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
	});
	const wall = (profile.endTime - profile.startTime) / 1000;
	const scope = onlyUnderPackage ? ' under this package' : '';
	console.log(
		`\n${file}: ${wall.toFixed(0)} ms profiled, ${total.toFixed(0)} ms busy${scope} (not idle)`,
	);
	console.log('\nSelf time by package:');
	for (const [pkg, ms] of topOf(byPackage, top))
		console.log(
			`  ${ms.toFixed(0).padStart(8)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${pkg}`,
		);
	console.log('\nSelf time by function:');
	for (const [name, ms] of topOf(byFunction, top))
		console.log(
			`  ${ms.toFixed(0).padStart(8)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${name}`,
		);
}

const args = process.argv.slice(2).filter((arg) => arg !== '--under-package');
const onlyUnderPackage = process.argv.includes('--under-package');
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
const files = args.filter((arg, index) => arg !== '--top' && index !== topAt + 1);
if (!files.length) {
	console.error('usage: npx tsx bench/profileSummary.ts <file.cpuprofile>... [--top 25]');
	process.exitCode = 2;
}
for (const file of files) summarise(file, top, onlyUnderPackage);

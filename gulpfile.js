// Build: compile TypeScript, bundle the third-party runtime libraries (eventsource-parser, and
// @noble/hashes + @scure/base for webhook signatures) into
// dist so the published package has no runtime dependencies, copy the icons, then prove that
// nothing in dist requires anything but n8n-workflow and its own files.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { series, src, dest } = require('gulp');
const esbuild = require('esbuild');

const DIST = path.join(__dirname, 'dist');
// Source files that only re-export a bundled library. esbuild replaces tsc's output for each.
const VENDOR_ENTRIES = [
	'nodes/shared/vendor/eventsourceParser.ts',
	'nodes/shared/vendor/webhookCrypto.ts',
];
const ALLOWED_REQUIRES = new Set(['n8n-workflow']);

function clean(done) {
	fs.rmSync(DIST, { recursive: true, force: true });
	done();
}

function compile(done) {
	execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
		stdio: 'inherit',
	});
	done();
}

async function bundleVendor() {
	await Promise.all(
		VENDOR_ENTRIES.map((entry) =>
			esbuild.build({
				entryPoints: [entry],
				outfile: path.join(DIST, entry.replace(/\.ts$/, '.js')),
				bundle: true,
				platform: 'node',
				format: 'cjs',
				target: 'node20',
				external: [...ALLOWED_REQUIRES],
				legalComments: 'inline',
				logLevel: 'warning',
			}),
		),
	);
}

function icons() {
	return src('icons/*.svg').pipe(dest(path.join(DIST, 'icons')));
}

function listJs(dir) {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return listJs(full);
		return entry.name.endsWith('.js') ? [full] : [];
	});
}

function verifyRequires(done) {
	const offenders = [];
	for (const file of listJs(DIST)) {
		const code = fs.readFileSync(file, 'utf8');
		for (const match of code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
			const target = match[1];
			if (ALLOWED_REQUIRES.has(target)) continue;
			if (target.startsWith('.') && fs.existsSync(path.resolve(path.dirname(file), target + '.js'))) continue;
			if (target.startsWith('.') && fs.existsSync(path.resolve(path.dirname(file), target))) continue;
			offenders.push(`${path.relative(__dirname, file)} requires "${target}"`);
		}
	}
	if (offenders.length) {
		done(new Error(`dist must only require n8n-workflow and its own files:\n${offenders.join('\n')}`));
		return;
	}
	done();
}

exports.clean = clean;
exports.build = series(clean, compile, bundleVendor, icons, verifyRequires);
exports.default = exports.build;

#!/usr/bin/env node
// Packs the package as npm would publish it and lints the tarball the way
// @n8n/scan-community-package does for n8n Cloud verification (its provenance step needs a
// publish; its lint step is reproduced here): every .js file and package.json, inline eslint
// comments ignored, with the community-nodes rules of both the scanner's plugin (0.29) and
// n8n-node's (0.32), no-console, and the three n8n-nodes-base rule sets. It also checks that the
// packed package.json has no runtime dependencies and that every declared node and credential
// loads with nothing but n8n-workflow.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import glob from 'fast-glob';
import n8nNodesPlugin from 'eslint-plugin-n8n-nodes-base';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];

function pack() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parallel-pack-'));
	const output = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const [{ filename, files }] = JSON.parse(output);
	const unpacked = path.join(dir, 'package');
	fs.mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', path.join(dir, filename), '-C', unpacked, '--strip-components=1']);
	return { dir, unpacked, files: files.map((file) => file.path) };
}

function scanConfig(communityPlugin) {
	return [
		communityPlugin.configs.recommended,
		{ rules: { 'no-console': 'error' } },
		{ plugins: { 'n8n-nodes-base': n8nNodesPlugin } },
		{ files: ['package.json'], rules: { ...n8nNodesPlugin.configs.community.rules } },
		{
			files: ['**/credentials/**/*.ts'],
			rules: {
				...n8nNodesPlugin.configs.credentials.rules,
				'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
				'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
			},
		},
		{
			files: ['**/nodes/**/*.ts'],
			rules: {
				...n8nNodesPlugin.configs.nodes.rules,
				'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
				'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
				'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
			},
		},
		{ files: ['**/*.json'], languageOptions: { parser: tsParser } },
		{ files: ['**/*.ts'], languageOptions: { parser: tsParser } },
	];
}

async function lintWith(label, communityPlugin, packageDir) {
	const eslint = new ESLint({
		cwd: packageDir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: scanConfig(communityPlugin),
	});
	const files = glob.sync(['**/*.js', 'package.json'], {
		cwd: packageDir,
		absolute: true,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	const results = await eslint.lintFiles(files);
	const errors = results.reduce((sum, result) => sum + result.errorCount, 0);
	const warnings = results.reduce((sum, result) => sum + result.warningCount, 0);
	console.log(`${label}: ${files.length} files, ${errors} errors, ${warnings} warnings`);
	if (errors || warnings) {
		const formatter = await eslint.loadFormatter('stylish');
		console.log(await formatter.format(results));
		problems.push(`${label} reported ${errors} errors and ${warnings} warnings`);
	}
}

function checkManifest(packageDir, files) {
	const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
	if (manifest.dependencies && Object.keys(manifest.dependencies).length) {
		problems.push(`packed package.json has dependencies: ${Object.keys(manifest.dependencies)}`);
	}
	const stray = files.filter((file) => !file.startsWith('dist/') && !/^(package\.json|README\.md|LICENSE)$/.test(file));
	if (stray.length) problems.push(`the tarball holds files outside dist/: ${stray.join(', ')}`);
	console.log(`tarball: ${files.length} files, dependencies: ${JSON.stringify(manifest.dependencies ?? {})}`);
	return manifest;
}

/** Loads every declared node and credential in a fresh folder where only n8n-workflow exists. */
function checkLoads(packageDir, manifest) {
	const consumer = fs.mkdtempSync(path.join(os.tmpdir(), 'parallel-consumer-'));
	const modules = path.join(consumer, 'node_modules');
	fs.mkdirSync(modules);
	fs.cpSync(packageDir, path.join(modules, manifest.name), { recursive: true });
	fs.symlinkSync(path.join(root, 'node_modules', 'n8n-workflow'), path.join(modules, 'n8n-workflow'));
	const requireFrom = createRequire(path.join(consumer, 'index.js'));
	for (const entry of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
		const file = `${manifest.name}/${entry}`;
		try {
			const exported = requireFrom(file);
			const Type = Object.values(exported)[0];
			const instance = new Type();
			const name = instance.description?.name ?? instance.name;
			console.log(`loads: ${entry} -> ${name}`);
		} catch (error) {
			problems.push(`${entry} does not load: ${error.message}`);
		}
	}
	fs.rmSync(consumer, { recursive: true, force: true });
}

const { dir, unpacked, files } = pack();
try {
	const manifest = checkManifest(unpacked, files);
	checkLoads(unpacked, manifest);
	const current = await import('@n8n/eslint-plugin-community-nodes');
	const scanner = await import('community-nodes-plugin-scanner');
	const versionOf = (name) =>
		JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
	await lintWith(
		`community-nodes ${versionOf('@n8n/eslint-plugin-community-nodes')} (n8n-node)`,
		current.n8nCommunityNodesPlugin,
		unpacked,
	);
	await lintWith(
		`community-nodes ${versionOf('community-nodes-plugin-scanner')} (scan-community-package)`,
		scanner.n8nCommunityNodesPlugin,
		unpacked,
	);
} finally {
	fs.rmSync(dir, { recursive: true, force: true });
}

if (problems.length) {
	console.error(`\nlint:package found problems:\n- ${problems.join('\n- ')}`);
	process.exit(1);
}
console.log('lint:package: the packed tarball passes');

/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @typescript-eslint/no-require-imports -- tests run in Node, not in n8n */
// n8n's verification and UX guidelines that neither n8n-node lint nor the packed-tarball scan
// checks (docs/verification.md lists every guideline and where it is met).
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { ICredentialType, INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { descriptionAt, packageNodes, REPO_ROOT } from '../versioning/packageNodes';

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
	name: string;
	license: string;
	n8n: { nodes: string[]; credentials: string[] };
};
const nodes = packageNodes();
const sourceOf = (distPath: string) =>
	join(REPO_ROOT, distPath.replace(/^dist\//, '').replace(/\.js$/, ''));
const credentials = manifest.n8n.credentials.map((distPath) => {
	const exported = require(sourceOf(distPath)) as Record<string, new () => ICredentialType>;
	return { distPath, type: new (Object.values(exported)[0])() };
});

// docs.n8n.io, "Node codex files": the categories of the nodes panel.
const CATEGORIES = [
	'Data & Storage',
	'Finance & Accounting',
	'Marketing & Content',
	'Productivity',
	'Miscellaneous',
	'Sales',
	'Development',
	'Analytics',
	'Communication',
	'Utility',
];

interface Codex {
	node: string;
	nodeVersion: string;
	codexVersion: string;
	categories: string[];
	resources: Record<string, Array<{ url: string }>>;
}

describe.each(manifest.n8n.nodes.map((distPath, index) => [distPath, nodes[index]]))(
	'%s',
	(distPath, node) => {
		const codexFile = `${sourceOf(distPath as string)}.json`;

		it('has a codex file naming the node, with nodes-panel categories and documentation links', () => {
			expect(existsSync(codexFile)).toBe(true);
			const codex = JSON.parse(readFileSync(codexFile, 'utf8')) as Codex;
			expect(codex.node).toBe(`${manifest.name}.${typeof node === 'string' ? '' : node.name}`);
			expect(codex.codexVersion).toBe('1.0');
			expect(codex.categories.length).toBeGreaterThan(0);
			expect(codex.categories.filter((category) => !CATEGORIES.includes(category))).toEqual([]);
			const urls = Object.values(codex.resources).flat();
			expect(urls.length).toBeGreaterThan(0);
			for (const { url } of urls) expect(url).toMatch(/^https:\/\/\S+$/);
			expect(codex.resources.primaryDocumentation?.length).toBeGreaterThan(0);
		});
	},
);

describe('icons', () => {
	const owners = [
		...nodes.map((node) => ({
			what: node.name,
			icon: descriptionAt(node, node.versions.at(-1)!).icon,
			dir: dirname(sourceOf(manifest.n8n.nodes[nodes.indexOf(node)])),
		})),
		...credentials.map(({ distPath, type }) => ({
			what: type.name,
			icon: type.icon,
			dir: dirname(sourceOf(distPath)),
		})),
	];

	it.each(owners.map((owner) => [owner.what, owner]))(
		'%s has a light and a dark square SVG icon',
		(_what, { icon, dir }) => {
			const { light, dark } = icon as { light: string; dark: string };
			expect(light).not.toBe(dark);
			for (const ref of [light, dark]) {
				expect(ref).toMatch(/^file:.+\.svg$/);
				const file = join(dir, ref.slice('file:'.length));
				expect(existsSync(file)).toBe(true);
				const viewBox = /viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/.exec(
					readFileSync(file, 'utf8'),
				);
				expect(viewBox?.[1]).toBe(viewBox?.[2]);
			}
		},
	);
});

describe('licence', () => {
	it('is MIT in package.json and LICENSE', () => {
		expect(manifest.license).toBe('MIT');
		expect(readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
	});
});

describe('loading the nodes and the credential', () => {
	it('makes no network call', () => {
		const calls: string[] = [];
		const spies = [
			jest.spyOn(http, 'request').mockImplementation(() => {
				calls.push('http.request');
				throw new Error('network at load');
			}),
			jest.spyOn(https, 'request').mockImplementation(() => {
				calls.push('https.request');
				throw new Error('network at load');
			}),
			jest.spyOn(net, 'connect').mockImplementation(() => {
				calls.push('net.connect');
				throw new Error('network at load');
			}),
			jest.spyOn(globalThis, 'fetch').mockImplementation(async () => {
				calls.push('fetch');
				throw new Error('network at load');
			}),
		];
		try {
			jest.isolateModules(() => {
				for (const distPath of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
					const exported = require(sourceOf(distPath)) as Record<string, new () => unknown>;
					const instance = new (Object.values(exported)[0])() as {
						description?: INodeTypeDescription;
						properties?: INodeProperties[];
					};
					expect(instance.description ?? instance.properties).toBeDefined();
				}
			});
		} finally {
			for (const spy of spies) spy.mockRestore();
		}
		expect(calls).toEqual([]);
	});
});

/** Every text a user reads in the editor: names, descriptions, actions, placeholders, hints. */
function userTexts(
	properties: INodeProperties[] | undefined,
	path: string,
): Array<[string, string]> {
	return (properties ?? []).flatMap((property) => {
		const here = `${path}.${property.name}`;
		const own: Array<[string, unknown]> = [
			[`${here}.displayName`, property.displayName],
			[`${here}.description`, property.description],
			[`${here}.placeholder`, property.placeholder],
			[`${here}.hint`, property.hint],
		];
		const options = (property.options ?? []) as unknown as Array<Record<string, unknown>>;
		for (const option of options) {
			own.push([`${here}[${String(option.name)}].name`, option.name]);
			own.push([`${here}[${String(option.name)}].description`, option.description]);
			own.push([`${here}[${String(option.name)}].action`, option.action]);
			own.push([`${here}[${String(option.name)}].displayName`, option.displayName]);
		}
		const nested = options.flatMap((option) =>
			'type' in option ? userTexts([option as unknown as INodeProperties], here) : [],
		);
		return [
			...own.filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
			...nested,
		];
	});
}

describe('English only', () => {
	const texts = [
		...nodes.flatMap((node) =>
			node.versions.flatMap((version) => {
				const description = descriptionAt(node, version);
				return [
					[`${node.name} v${version}.displayName`, description.displayName],
					[`${node.name} v${version}.description`, description.description],
					...userTexts(description.properties, `${node.name} v${version}`),
				] as Array<[string, string]>;
			}),
		),
		...credentials.flatMap(({ type }) => [
			[`${type.name}.displayName`, type.displayName] as [string, string],
			...userTexts(type.properties, type.name),
		]),
	];

	it('finds the texts of every node version and the credential', () => {
		expect(texts.length).toBeGreaterThan(100);
	});

	it('writes them in plain ASCII: no other script, no accented or typographic characters', () => {
		// A heuristic for English: it cannot tell English from another Latin-script language,
		// which review does (docs/verification.md), but it catches pasted and translated text.
		expect(texts.filter(([, text]) => /[^\x20-\x7E\n]/.test(text))).toEqual([]);
	});
});

/** Every parameter of every node version, options of collections included. */
function allProperties(properties: INodeProperties[] | undefined): INodeProperties[] {
	return (properties ?? []).flatMap((property) => [
		property,
		...allProperties(
			((property.options ?? []) as unknown as Array<Record<string, unknown>>).filter(
				(option) => 'type' in option,
			) as unknown as INodeProperties[],
		),
		...((property.options ?? []) as Array<{ values?: INodeProperties[] }>).flatMap((option) =>
			allProperties(option.values),
		),
	]);
}

describe('UX guidelines the linters do not check', () => {
	const properties = nodes.flatMap((node) =>
		node.versions.flatMap((version) =>
			allProperties(descriptionAt(node, version).properties).map(
				(property) => [`${node.name} v${version} ${property.name}`, property] as const,
			),
		),
	);

	it('starts every example placeholder with "e.g."', () => {
		const collections = ['collection', 'fixedCollection'];
		expect(
			properties
				.filter(([, property]) => property.placeholder && !collections.includes(property.type))
				.filter(([, property]) => !property.placeholder!.startsWith('e.g. '))
				.map(([where, property]) => `${where}: ${property.placeholder}`),
		).toEqual([]);
	});

	it("names every Simplify toggle 'Simplify' with n8n's description", () => {
		const simplify = properties.filter(([, property]) => property.name === 'simplify');
		expect(simplify.length).toBeGreaterThan(0);
		for (const [where, property] of simplify) {
			expect({ [where]: [property.displayName, property.type] }).toEqual({
				[where]: ['Simplify', 'boolean'],
			});
			expect(property.description).toMatch(
				/^Whether to return a simplified version of the response instead of the raw data/,
			);
		}
	});
});

describe('README', () => {
	const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

	it('has the sections a user needs: install, credential, usage, examples, troubleshooting, licence', () => {
		for (const heading of [
			'## Install in n8n',
			'## Credential',
			'## Examples',
			'## Troubleshooting',
			'## Licence',
		]) {
			expect(readme).toContain(`\n${heading}\n`);
		}
	});

	it('documents every node and every operation the newest version offers', () => {
		for (const node of nodes) {
			const description = descriptionAt(node, node.versions.at(-1)!);
			expect(readme).toContain(`## ${description.displayName}`);
			const operations = description.properties
				.filter((property) => property.name === 'operation')
				.flatMap((property) => (property.options ?? []) as Array<{ name: string }>);
			for (const { name } of operations) expect(readme).toContain(`**${name}**`);
		}
	});
});

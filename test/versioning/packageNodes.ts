/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @typescript-eslint/no-require-imports -- test infrastructure runs in Node, not in n8n; node files are found from package.json */
// The package's node types as n8n finds them (package.json `n8n.nodes`), every version each one
// declares, and the operations each version offers. Nothing here names a node, a version or an
// operation: a new version (1.1), node or operation is picked up as it is declared.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { NodeHelpers } from 'n8n-workflow';
import type { INodeType, INodeTypeDescription, IVersionedNodeType } from 'n8n-workflow';

export const REPO_ROOT = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
	name: string;
	n8n: { nodes: string[] };
};

export interface PackageNode {
	/** `n8n-nodes-parallel-task-group.<name>`, as saved in workflows. */
	type: string;
	/** `description.name`, e.g. `parallelTaskGroup`. */
	name: string;
	/** The exported class's instance, versioned or not. */
	nodeType: INodeType | IVersionedNodeType;
	/** Every version it declares, ascending. */
	versions: number[];
	isTrigger: boolean;
}

function declaredVersions(nodeType: INodeType | IVersionedNodeType): number[] {
	if ('nodeVersions' in nodeType) return Object.keys(nodeType.nodeVersions).map(Number);
	const { version } = nodeType.description;
	return Array.isArray(version) ? version : [version];
}

/** `dist/nodes/X/X.node.js` from package.json, loaded from its source `nodes/X/X.node.ts`. */
export function packageNodes(): PackageNode[] {
	return manifest.n8n.nodes.map((distPath) => {
		const source = `../../${distPath.replace(/^dist\//, '')}`;
		const exported = require(source) as Record<string, new () => INodeType | IVersionedNodeType>;
		const Type = Object.values(exported)[0];
		const nodeType = new Type();
		const description = NodeHelpers.getVersionedNodeType(nodeType).description;
		return {
			type: `${manifest.name}.${description.name}`,
			name: description.name,
			nodeType,
			versions: [...new Set(declaredVersions(nodeType))].sort((a, b) => a - b),
			isTrigger: description.group.includes('trigger'),
		};
	});
}

export function descriptionAt(node: PackageNode, version: number): INodeTypeDescription {
	return NodeHelpers.getVersionedNodeType(node.nodeType, version).description;
}

function optionValues(
	description: INodeTypeDescription,
	name: string,
	values: Record<string, string>,
	version: number,
): string[] {
	return description.properties
		.filter(
			(property) =>
				property.name === name &&
				NodeHelpers.displayParameter(values, property, { typeVersion: version }, description),
		)
		.flatMap((property) => property.options ?? [])
		.map((option) => String((option as { value: unknown }).value));
}

/**
 * What a saved workflow can ask of this node at this version: `resource.operation` keys, or
 * just `trigger` for a node without them (a trigger has one behaviour, set by its parameters).
 */
export function operationsAt(node: PackageNode, version: number): string[] {
	const description = descriptionAt(node, version);
	const resources = optionValues(description, 'resource', {}, version);
	if (resources.length === 0) {
		const operations = optionValues(description, 'operation', {}, version);
		return operations.length ? operations : ['trigger'];
	}
	return resources.flatMap((resource) =>
		optionValues(description, 'operation', { resource }, version).map(
			(operation) => `${resource}.${operation}`,
		),
	);
}

import { deepCopy, NodeConnectionTypes, NodeHelpers } from 'n8n-workflow';
import type { INode, INodeParameters, INodeProperties, INodeType } from 'n8n-workflow';

import { PACKAGE } from './workflow';

/**
 * The node as n8n registers its AI Agent tool: what n8n's loader (`createAiTools` and
 * `convertNodeToAiTool` in packages/cli, 2.41.1) does to a node declaring `usableAsTool`: the
 * replacements merged over a copy of the description, `Tool` appended to the name, no inputs, an
 * `ai_tool` output, and n8n's 'Tool Description' parameters when the node has none of its own.
 */
export function asToolType(nodeType: INodeType): INodeType {
	const base = deepCopy(nodeType.description);
	const usable = base.usableAsTool;
	const description = {
		...base,
		...(typeof usable === 'object' ? (usable.replacements ?? {}) : {}),
	} as INodeType['description'];
	description.name += 'Tool';
	description.displayName += ' Tool';
	description.inputs = [];
	description.outputs = [NodeConnectionTypes.AiTool];
	delete description.usableAsTool;
	if (!description.properties.some((property) => property.name === 'toolDescription')) {
		const added: INodeProperties[] = [
			{
				displayName: 'Tool Description',
				name: 'descriptionType',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Set Automatically', value: 'auto' },
					{ name: 'Set Manually', value: 'manual' },
				],
				default: 'auto',
			},
			{
				displayName: 'Description',
				name: 'toolDescription',
				type: 'string',
				default: description.description,
				displayOptions: { show: { descriptionType: ['manual'] } },
			},
		];
		description.properties = [...added, ...description.properties];
	}
	const tool = Object.create(Object.getPrototypeOf(nodeType) as object) as INodeType;
	Object.assign(tool, nodeType, { description });
	return tool;
}

/** The tool node as the editor saves it, with its parameters resolved (defaults included). */
export function toolNode(tool: INodeType, parameters: INodeParameters, typeVersion: number): INode {
	const node: INode = {
		id: 'a7d1c1f0-0000-4000-8000-00000000000f',
		name: 'Research',
		type: `${PACKAGE}.${tool.description.name}`,
		typeVersion,
		position: [0, 0],
		parameters,
	};
	node.parameters =
		NodeHelpers.getNodeParameters(
			tool.description.properties,
			parameters,
			true,
			false,
			node,
			tool.description,
		) ?? {};
	return node;
}

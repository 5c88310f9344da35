/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e harness runs in Node, not in n8n */
// What the editor must show, read from the nodes' own descriptions in the build that was packed
// (dist/): the entry in the nodes panel, the trigger's events and options, every action, the
// operations per resource with the parameters each one shows, the processors and the output
// schema types with their fields.
import { createRequire } from 'node:module';
import { join } from 'node:path';

import type { INodeProperties, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';

import { REPO_ROOT } from '../harness/paths';

export interface OptionInfo {
	name: string;
	value: string;
	/** Parameters that appear when this option is chosen (plain inputs only). */
	parameters: string[];
}

export interface ResourceInfo {
	name: string;
	value: string;
	operations: OptionInfo[];
}

export interface DescribedNodes {
	panelName: string;
	triggerEvents: string[];
	/** The panel entry that adds the trigger for completed runs. */
	runCompletedEvent: string;
	triggerOptions: string[];
	actions: string[];
	enrichAction: string;
	enrichOperation: string;
	resources: ResourceInfo[];
	processors: OptionInfo[];
	schemaTypes: OptionInfo[];
}

/** Collections render as "Add option" lists, not as one input with a test ID. */
const PLAIN_INPUT = (property: INodeProperties) =>
	!['collection', 'fixedCollection', 'notice', 'hidden'].includes(property.type);

function options(property: INodeProperties | undefined): INodePropertyOptions[] {
	return (property?.options ?? []) as INodePropertyOptions[];
}

/** The version the editor gives a new node: the highest the action node declares. */
let newestVersion = 1;

/** Whether a `@version` condition holds for the newest version (a list, or `{ _cnd: { gte } }`). */
function versionMatches(conditions: unknown[]): boolean {
	return conditions.some((condition) => {
		if (typeof condition === 'number') return condition === newestVersion;
		const gte = (condition as { _cnd?: { gte?: number } })._cnd?.gte;
		return gte !== undefined && newestVersion >= gte;
	});
}

/**
 * Whether `property` shows exactly when these parameters have these values, on a new node outside
 * tool mode (`@tool` false, the newest `@version`).
 */
function shownFor(property: INodeProperties, values: Record<string, string>): boolean {
	const show = property.displayOptions?.show;
	if (!show || property.displayOptions?.hide) return false;
	const keys = Object.keys(show).filter((key) => key !== '@tool' && key !== '@version');
	if (show['@tool'] && !show['@tool'].includes(false)) return false;
	if (show['@version'] && !versionMatches(show['@version'])) return false;
	if (!keys.every((key) => key in values)) return false;
	return keys.every((key) => (show[key] as unknown[]).includes(values[key]));
}

function builtDescription(file: string, className: string): INodeTypeDescription {
	const load = createRequire(join(REPO_ROOT, 'package.json'));
	const exported = load(join(REPO_ROOT, 'dist', file)) as Record<
		string,
		new () => { description: INodeTypeDescription }
	>;
	return new exported[className]().description;
}

export function nodeDescriptions(): DescribedNodes {
	const action = builtDescription(
		'nodes/ParallelTaskGroup/ParallelTaskGroup.node.js',
		'ParallelTaskGroup',
	);
	const trigger = builtDescription(
		'nodes/ParallelTaskGroupTrigger/ParallelTaskGroupTrigger.node.js',
		'ParallelTaskGroupTrigger',
	);
	newestVersion = Math.max(...[action.version].flat());
	const props = action.properties;
	const resourceProperty = props.find((p) => p.name === 'resource');
	const operationProperties = props.filter((p) => p.name === 'operation');

	const resources: ResourceInfo[] = options(resourceProperty).map((resource) => {
		const operationProperty = operationProperties.find((p) =>
			shownFor(p, { resource: String(resource.value) }),
		);
		return {
			name: resource.name,
			value: String(resource.value),
			operations: options(operationProperty).map((operation) => ({
				name: operation.name,
				value: String(operation.value),
				parameters: props
					.filter(PLAIN_INPUT)
					.filter((p) =>
						shownFor(p, { resource: String(resource.value), operation: String(operation.value) }),
					)
					.map((p) => p.name),
			})),
		};
	});

	const enrich = resources[0].operations.find((op) => op.value === 'enrich');
	if (!enrich) throw new Error('The action node has no enrich operation');
	const enrichValues = { resource: 'taskGroup', operation: 'enrich' };
	const schemaProperty = props.find((p) => p.name === 'outputSchemaType');
	const schemaTypes = options(schemaProperty).map((option) => ({
		name: option.name,
		value: String(option.value),
		parameters: props
			.filter(PLAIN_INPUT)
			.filter((p) => shownFor(p, { ...enrichValues, outputSchemaType: String(option.value) }))
			.map((p) => p.name),
	}));
	const processors = options(props.find((p) => p.name === 'processor')).map((option) => ({
		name: option.name,
		value: String(option.value),
		parameters: [],
	}));

	const eventsProperty = trigger.properties.find((p) => p.name === 'events');
	// n8n lists a trigger's events in the nodes panel as "On <event name>".
	const panelEvent = (event: INodePropertyOptions) => `On ${event.name.toLowerCase()}`;
	const runCompleted = options(eventsProperty).find((event) => event.value === 'runCompleted');
	if (!runCompleted) throw new Error("The trigger has no 'runCompleted' event");
	const triggerOptionsProperty = trigger.properties.find((p) => p.name === 'options');
	const actions = operationProperties.flatMap((p) =>
		options(p).map((option) => String(option.action ?? option.name)),
	);
	const enrichAction = options(operationProperties[0]).find((o) => o.value === 'enrich')?.action;
	return {
		panelName: action.displayName,
		triggerEvents: options(eventsProperty).map(panelEvent),
		runCompletedEvent: panelEvent(runCompleted),
		triggerOptions: ((triggerOptionsProperty?.options ?? []) as INodeProperties[]).map(
			(option) => option.displayName,
		),
		actions,
		enrichAction: String(enrichAction),
		enrichOperation: enrich.name,
		resources,
		processors,
		schemaTypes,
	};
}

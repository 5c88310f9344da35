import type { DisplayCondition, INodeProperties } from 'n8n-workflow';

/**
 * The node as an AI Agent tool. n8n derives `parallelTaskGroupTool` from this node (usableAsTool)
 * and shows a parameter for it only where `displayOptions.show['@tool']` is `[true]`. From node
 * version 1.1 on, the tool gets defaults shaped for a model; version 1 keeps the old ones.
 */
export const TOOL_VERSION = 1.1;

const FROM_TOOL_VERSION: DisplayCondition = { _cnd: { gte: TOOL_VERSION } };

/** Shown in the nodes panel for the tool (usableAsTool replacements). */
export const TOOL_PANEL_DESCRIPTION =
	'Research a question on the web with Parallel and return a sourced answer. Takes 15 s to 2 min; longer research comes back with a run_id to fetch later.';

export const QUESTION_FROM_AI =
	"={{ $fromAI('question', 'The question to research on the web. One precise question, with every name, place and date it needs', 'string') }}";

export const OUTPUT_FIELDS_FROM_AI =
	"={{ $fromAI('output_fields', 'Optional: comma-separated names of the fields the answer must have, e.g. ceo_name, founded_year. Empty for a written answer', 'string', '') }}";

export const RUN_ID_FROM_AI =
	"={{ $fromAI('run_id', 'The run_id that an earlier research call returned while it was still running', 'string') }}";

function withShow(
	property: INodeProperties,
	extra: Record<string, Array<boolean | number | DisplayCondition>>,
): INodeProperties['displayOptions'] {
	const displayOptions = property.displayOptions ?? {};
	return { ...displayOptions, show: { ...(displayOptions.show ?? {}), ...extra } };
}

/**
 * One parameter, defined three times: outside tool mode and in tool mode at version 1 as before,
 * and in tool mode from 1.1 on with `toolChanges` (another default). Without `toolChanges` the
 * parameter is not shown in tool mode from 1.1 on.
 */
export function withToolDefault(
	property: INodeProperties,
	toolChanges?: Partial<INodeProperties>,
): INodeProperties[] {
	const definitions: INodeProperties[] = [
		{ ...property, displayOptions: withShow(property, { '@tool': [false] }) },
		{ ...property, displayOptions: withShow(property, { '@tool': [true], '@version': [1] }) },
	];
	if (toolChanges) {
		definitions.push({
			...property,
			...toolChanges,
			displayOptions: withShow(property, { '@tool': [true], '@version': [FROM_TOOL_VERSION] }),
		});
	}
	return definitions;
}

/** Shown only in tool mode from 1.1 on. */
export function toolOnly(property: INodeProperties): INodeProperties {
	return {
		...property,
		displayOptions: withShow(property, { '@tool': [true], '@version': [FROM_TOOL_VERSION] }),
	};
}

const RESEARCH_TOOL_DESCRIPTION =
	"Research a question on the web with Parallel and return a sourced answer: the answer and a few source URLs. Ask one precise question per call, with the names, places and dates it needs; optionally name the fields you want in 'output_fields'. Usually takes 15 s to 2 min. If the research is still running when the tool stops waiting, it returns status 'running' and a run_id: fetch the answer later with the tool that gets a research result by run_id. Do not ask the same question again; that pays for the research twice.";

const RESULT_TOOL_DESCRIPTION =
	'Get the answer of a Parallel web research that was still running, by the run_id an earlier research call returned. Waits up to a minute; if the research is still running, it says so: try again later with the same run_id.';

const OTHER_TOOL_DESCRIPTION =
	'Work with Parallel task groups: batches of web research runs, their status and their results.';

/**
 * The description the model reads. Defining `toolDescription` here keeps n8n from adding its own
 * ('Set Automatically' would give the model "Enrich items with a task group in Parallel Task
 * Group"). Version 1 keeps n8n's pair of parameters as n8n added them.
 */
export const toolDescriptionProperties: INodeProperties[] = [
	{
		displayName: 'Tool Description',
		name: 'descriptionType',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Set Automatically',
				value: 'auto',
				description: 'Automatically set based on resource and operation',
			},
			{ name: 'Set Manually', value: 'manual', description: 'Manually set the description' },
		],
		default: 'auto',
		displayOptions: { show: { '@tool': [true], '@version': [1] } },
	},
	{
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		default:
			'Research many items at once with Parallel task groups: enrich rows, add runs, collect results',
		required: true,
		typeOptions: { rows: 2 },
		description:
			'Explain to the LLM what this tool does, a good, specific description would allow LLMs to produce expected results much more often',
		displayOptions: {
			show: { '@tool': [true], '@version': [1], descriptionType: ['manual'] },
		},
	},
	...(
		[
			[RESEARCH_TOOL_DESCRIPTION, { resource: ['taskGroup'], operation: ['enrich'] }],
			[RESULT_TOOL_DESCRIPTION, { resource: ['taskRun'], operation: ['getResult'] }],
			[
				OTHER_TOOL_DESCRIPTION,
				{
					resource: ['taskGroup'],
					operation: ['addRuns', 'create', 'get', 'getResults', 'waitForCompletion'],
				},
			],
			[OTHER_TOOL_DESCRIPTION, { resource: ['taskRun'], operation: ['get'] }],
		] as const
	).map(
		([text, show]): INodeProperties =>
			toolOnly({
				displayName: 'Description',
				name: 'toolDescription',
				type: 'string',
				default: text,
				required: true,
				typeOptions: { rows: 4 },
				description:
					'What the AI Agent reads about this tool: what it does, what to pass, how long it takes',
				displayOptions: { show: { resource: [...show.resource], operation: [...show.operation] } },
			}),
	),
];

export const includeFullBasisProperty = (
	displayOptions: INodeProperties['displayOptions'],
): INodeProperties =>
	toolOnly({
		displayName: 'Include Full Basis',
		name: 'includeFullBasis',
		type: 'boolean',
		default: false,
		description:
			"Whether to return each field's full basis (reasoning, confidence, every citation with excerpts) instead of up to three source URLs per field. The full basis costs the model many more tokens.",
		displayOptions,
	});

// The project's own contract for Parallel's Task and Task Group API: JSON Schemas (2020-12) for
// every request body, response body, stream event and error body the package sends or reads and
// the emulator serves. Written from the facts in the shared contract notes (parallel-api-notes.md
// §3-§8: field names, types, enums, required flags); Parallel's OpenAPI document itself is not
// kept in the repo. officialDocument.test.ts checks that the two agree when the document is at hand.
//
// `x-tolerates` marks a branch the project accepts although the official document does not list it
// (an open question of the notes, §13): the agreement check leaves those branches out.

export const CONTRACT_ID = 'https://contract.test/parallel-task-group.json';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/$defs/${name}` });
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const string: Schema = { type: 'string' };
const object = (
	properties: Record<string, Schema>,
	required: string[] = [],
	extra: Schema = {},
): Schema => ({ type: 'object', properties, required, ...extra });

export const RUN_STATUSES = [
	'queued',
	'action_required',
	'running',
	'completed',
	'failed',
	'cancelling',
	'cancelled',
];

const defs: Record<string, Schema> = {
	RunStatus: { type: 'string', enum: RUN_STATUSES },
	// Notes §6.3: string, integer, number or boolean values.
	Metadata: {
		type: 'object',
		additionalProperties: {
			anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'number' }, { type: 'boolean' }],
		},
	},

	// Errors (notes §8).
	Error: object({ ref_id: string, message: string, detail: nullable({ type: 'object' }) }, [
		'ref_id',
		'message',
	]),
	ErrorResponse: object({ type: { type: 'string', const: 'error' }, error: ref('Error') }, [
		'type',
		'error',
	]),
	ValidationError: object(
		{
			loc: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
			msg: string,
			type: string,
		},
		['loc', 'msg', 'type'],
	),
	HTTPValidationError: object({ detail: { type: 'array', items: ref('ValidationError') } }),
	// Notes §8 and §13.5: the group routes' 422 is typed as FastAPI's form, but the real body is
	// probably the ErrorResponse form; both are accepted.
	GroupValidationErrorBody: {
		anyOf: [
			ref('HTTPValidationError'),
			{ ...ref('ErrorResponse'), 'x-tolerates': 'notes §13.5: the 422 body on group routes' },
		],
	},

	// Groups (notes §6.1, §6.2).
	CreateTaskGroupRequest: object({ metadata: nullable(ref('Metadata')) }),
	TaskGroupStatus: object(
		{
			num_task_runs: { type: 'integer' },
			// Statuses with no runs may be left out (notes §13.8).
			task_run_status_counts: {
				type: 'object',
				propertyNames: ref('RunStatus'),
				additionalProperties: { type: 'integer' },
			},
			is_active: { type: 'boolean' },
			status_message: nullable(string),
			modified_at: nullable(string),
		},
		['num_task_runs', 'task_run_status_counts', 'is_active', 'status_message', 'modified_at'],
	),
	TaskGroupResponse: object(
		{
			taskgroup_id: string,
			status: ref('TaskGroupStatus'),
			created_at: nullable(string),
			metadata: nullable(ref('Metadata')),
		},
		['taskgroup_id', 'status', 'created_at'],
	),

	// Task specs and run inputs (notes §6.3, §6.4, §6.8).
	JsonSchema: object({ type: { type: 'string', const: 'json' }, json_schema: { type: 'object' } }, [
		'json_schema',
	]),
	TextSchema: object({
		type: { type: 'string', const: 'text' },
		description: nullable(string),
	}),
	AutoSchema: object({ type: { type: 'string', const: 'auto' } }),
	TaskSpec: object(
		{
			output_schema: {
				anyOf: [ref('JsonSchema'), ref('TextSchema'), ref('AutoSchema'), string],
			},
			input_schema: nullable({ anyOf: [string, ref('JsonSchema'), ref('TextSchema')] }),
		},
		['output_schema'],
	),
	SourcePolicy: object({
		include_domains: { type: 'array', items: string },
		exclude_domains: { type: 'array', items: string },
		after_date: nullable(string),
	}),
	Webhook: object(
		{
			url: string,
			event_types: { type: 'array', items: { type: 'string', enum: ['task_run.status'] } },
		},
		['url'],
	),
	McpServer: object(
		{
			type: { type: 'string', enum: ['url'] },
			url: string,
			name: string,
			headers: nullable({ type: 'object', additionalProperties: string }),
			allowed_tools: nullable({ type: 'array', items: string }),
		},
		['url', 'name'],
	),
	TaskAdvancedSettings: object({ location: nullable(string) }),
	TaskRunInput: object(
		{
			input: { anyOf: [string, { type: 'object' }] },
			processor: string,
			metadata: nullable(ref('Metadata')),
			source_policy: nullable(ref('SourcePolicy')),
			task_spec: nullable(ref('TaskSpec')),
			advanced_settings: nullable(ref('TaskAdvancedSettings')),
			previous_interaction_id: nullable(string),
			enable_events: nullable({ type: 'boolean' }),
			mcp_servers: nullable({ type: 'array', items: ref('McpServer') }),
			webhook: nullable(ref('Webhook')),
		},
		['input', 'processor'],
	),
	// Up to 1,000 inputs per request (notes §3 G3).
	TaskGroupRunRequest: object(
		{
			inputs: { type: 'array', items: ref('TaskRunInput'), maxItems: 1000 },
			default_task_spec: nullable(ref('TaskSpec')),
		},
		['inputs'],
	),
	TaskGroupRunResponse: object(
		{
			status: ref('TaskGroupStatus'),
			run_ids: { type: 'array', items: string },
			run_cursor: nullable(string),
			event_cursor: nullable(string),
		},
		['status', 'run_ids', 'run_cursor', 'event_cursor'],
	),

	// Runs and their results (notes §6.5-§6.7).
	Warning: object(
		{
			type: {
				type: 'string',
				enum: ['spec_validation_warning', 'input_validation_warning', 'warning'],
			},
			message: string,
			detail: nullable({ type: 'object' }),
		},
		['type', 'message'],
	),
	TaskRun: object(
		{
			run_id: string,
			interaction_id: string,
			status: ref('RunStatus'),
			is_active: { type: 'boolean' },
			warnings: nullable({ type: 'array', items: ref('Warning') }),
			error: nullable(ref('Error')),
			processor: string,
			metadata: nullable(ref('Metadata')),
			taskgroup_id: nullable(string),
			created_at: nullable(string),
			modified_at: nullable(string),
		},
		['run_id', 'interaction_id', 'status', 'is_active', 'processor', 'created_at', 'modified_at'],
	),
	Citation: object(
		{ url: string, title: nullable(string), excerpts: nullable({ type: 'array', items: string }) },
		['url'],
	),
	FieldBasis: object(
		{
			field: string,
			citations: { type: 'array', items: ref('Citation') },
			reasoning: string,
			confidence: nullable(string),
		},
		['field', 'reasoning'],
	),
	TaskRunJsonOutput: object(
		{
			type: { type: 'string', const: 'json' },
			content: { type: 'object' },
			basis: { type: 'array', items: ref('FieldBasis') },
			mcp_tool_calls: nullable({ type: 'array' }),
			beta_fields: nullable({ type: 'object' }),
			output_schema: nullable({ type: 'object' }),
		},
		['type', 'content', 'basis'],
	),
	TaskRunTextOutput: object(
		{
			type: { type: 'string', const: 'text' },
			content: string,
			basis: { type: 'array', items: ref('FieldBasis') },
			mcp_tool_calls: nullable({ type: 'array' }),
			beta_fields: nullable({ type: 'object' }),
		},
		['type', 'content', 'basis'],
	),
	TaskRunOutput: { oneOf: [ref('TaskRunTextOutput'), ref('TaskRunJsonOutput')] },
	TaskRunResult: object({ run: ref('TaskRun'), output: ref('TaskRunOutput') }, ['run', 'output']),

	// Stream events (notes §5.2).
	TaskRunEvent: object(
		{
			type: { type: 'string', const: 'task_run.state' },
			event_id: nullable(string),
			run: ref('TaskRun'),
			input: nullable(ref('TaskRunInput')),
			output: nullable(ref('TaskRunOutput')),
		},
		['type', 'event_id', 'run'],
	),
	TaskGroupStatusEvent: object(
		{
			type: { type: 'string', const: 'task_group_status' },
			event_id: string,
			status: ref('TaskGroupStatus'),
		},
		['type', 'event_id', 'status'],
	),
	ErrorEvent: object({ type: { type: 'string', const: 'error' }, error: ref('Error') }, [
		'type',
		'error',
	]),

	// Not in Parallel's task document.
	// A run's callback (notes §6.8): POSTed to the run's webhook URL when it ends.
	WebhookPayload: object(
		{ timestamp: string, type: { type: 'string', const: 'task_run.status' }, data: ref('TaskRun') },
		['timestamp', 'type', 'data'],
	),
	// The credential test's `GET /v1/monitors?limit=1`: the package reads only the status code.
	MonitorList: { type: 'array' },
};

export const CONTRACT_DOCUMENT = { $id: CONTRACT_ID, $defs: defs };

/** Names of the schemas in the project's contract. */
export const SCHEMA_NAMES = Object.keys(defs);

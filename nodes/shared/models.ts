// The Parallel Task and Task Group API objects, as ../shared/contract/parallel-openapi-tasks.json
// defines them. Optional fields the server may omit or send as null are typed `?: T | null`.

export type RunStatus =
	| 'queued'
	| 'action_required'
	| 'running'
	| 'completed'
	| 'failed'
	| 'cancelling'
	| 'cancelled';

export const RUN_STATUSES: readonly RunStatus[] = [
	'queued',
	'action_required',
	'running',
	'completed',
	'failed',
	'cancelling',
	'cancelled',
];

export type MetadataValue = string | number | boolean;

/** The metadata key Add Runs and Enrich set on every run, tying it to its item (see submission). */
export const ITEM_KEY_METADATA = 'n8n_key';
export type Metadata = Record<string, MetadataValue>;

export interface TaskGroupStatus {
	num_task_runs: number;
	/** Statuses with no runs may be left out (contract open question 13.8). */
	task_run_status_counts: Partial<Record<RunStatus, number>>;
	is_active: boolean;
	status_message: string | null;
	modified_at: string | null;
}

export interface TaskGroup {
	taskgroup_id: string;
	status: TaskGroupStatus;
	created_at: string | null;
	metadata?: Metadata | null;
}

export interface ApiError {
	ref_id: string;
	message: string;
	detail?: Record<string, unknown> | null;
}

export interface RunWarning {
	type: string;
	message: string;
	detail?: Record<string, unknown> | null;
}

export interface TaskRun {
	run_id: string;
	interaction_id: string;
	status: RunStatus;
	is_active: boolean;
	processor: string;
	created_at: string | null;
	modified_at: string | null;
	warnings?: RunWarning[] | null;
	error?: ApiError | null;
	metadata?: Metadata | null;
	taskgroup_id?: string | null;
}

export interface JsonSchemaSpec {
	type?: 'json';
	json_schema: Record<string, unknown>;
}

export interface TextSchemaSpec {
	type?: 'text';
	description?: string | null;
}

export interface AutoSchemaSpec {
	type?: 'auto';
}

export type OutputSchema = JsonSchemaSpec | TextSchemaSpec | AutoSchemaSpec | string;
export type InputSchema = JsonSchemaSpec | TextSchemaSpec | string;

export interface TaskSpec {
	output_schema: OutputSchema;
	input_schema?: InputSchema | null;
}

export interface SourcePolicy {
	include_domains?: string[];
	exclude_domains?: string[];
	after_date?: string | null;
}

/** A run's callback: Parallel POSTs `{timestamp, type, data: TaskRun}` to `url` (notes 6.8). */
export interface RunWebhook {
	url: string;
	event_types?: Array<'task_run.status'>;
}

/** A remote MCP server a run's research may call (notes 6.8). */
export interface McpServer {
	type?: 'url';
	url: string;
	name: string;
	headers?: Record<string, string> | null;
	allowed_tools?: string[] | null;
}

export interface TaskRunInput {
	input: string | Record<string, unknown>;
	processor: string;
	metadata?: Metadata | null;
	source_policy?: SourcePolicy | null;
	advanced_settings?: { location?: string | null } | null;
	task_spec?: TaskSpec | null;
	previous_interaction_id?: string | null;
	mcp_servers?: McpServer[] | null;
	enable_events?: boolean | null;
	webhook?: RunWebhook | null;
}

export interface TaskGroupRunRequest {
	inputs: TaskRunInput[];
	default_task_spec?: TaskSpec | null;
}

export interface TaskGroupRunResponse {
	status: TaskGroupStatus;
	run_ids: string[];
	run_cursor: string | null;
	event_cursor: string | null;
}

export interface Citation {
	url: string;
	title?: string | null;
	excerpts?: string[] | null;
}

export interface FieldBasis {
	field: string;
	reasoning: string;
	citations?: Citation[];
	confidence?: string | null;
}

interface OutputCommon {
	basis: FieldBasis[];
	mcp_tool_calls?: unknown[] | null;
	beta_fields?: Record<string, unknown> | null;
}

export interface TaskRunJsonOutput extends OutputCommon {
	type: 'json';
	/** An object per the contract; some docs show it JSON-encoded as a string (notes 6.6). */
	content: Record<string, unknown> | string;
	output_schema?: Record<string, unknown> | null;
}

export interface TaskRunTextOutput extends OutputCommon {
	type: 'text';
	content: string;
}

export type TaskRunOutput = TaskRunJsonOutput | TaskRunTextOutput;

export interface TaskRunResult {
	run: TaskRun;
	output: TaskRunOutput;
}

export interface TaskGroupStatusEvent {
	type: 'task_group_status';
	event_id: string;
	status: TaskGroupStatus;
}

export interface TaskRunEvent {
	type: 'task_run.state';
	event_id: string | null;
	run: TaskRun;
	input?: TaskRunInput | null;
	output?: TaskRunOutput | null;
}

/** A run's own events stream (`/tasks/runs/{id}/events`): progress messages. */
export interface TaskRunProgressMessageEvent {
	type:
		| 'task_run.progress_msg.plan'
		| 'task_run.progress_msg.search'
		| 'task_run.progress_msg.result'
		| 'task_run.progress_msg.tool_call'
		| 'task_run.progress_msg.exec_status';
	message: string;
	timestamp: string | null;
}

export interface TaskRunSourceStats {
	num_sources_considered: number | null;
	num_sources_read: number | null;
	sources_read_sample: string[] | null;
}

export interface TaskRunProgressStatsEvent {
	type: 'task_run.progress_stats';
	source_stats: TaskRunSourceStats;
	progress_meter: number;
}

export interface ErrorEvent {
	type: 'error';
	error: ApiError;
}

/** What the group's `/events` and `/runs` streams carry. */
export type GroupStreamEvent = TaskGroupStatusEvent | TaskRunEvent | ErrorEvent;

/** What a run's own `/events` stream carries besides run states and errors. */
export type RunProgressEvent = TaskRunProgressMessageEvent | TaskRunProgressStatsEvent;

/** Any event a stream of the API can carry. */
export type StreamEvent = GroupStreamEvent | RunProgressEvent;

export const ACTIVE_RUN_STATUSES: ReadonlySet<RunStatus> = new Set([
	'queued',
	'running',
	'cancelling',
]);

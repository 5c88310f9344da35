// Every endpoint the package calls and the emulator serves, with the schema (schemas.ts) of its
// request body, query parameters and each response status (notes §2-§5, §8). An answer is JSON
// (`json`: a schema name) or an SSE stream (`events`: the event types it carries).

export type Answer = { json: string } | { events: string[] };

export interface Endpoint {
	method: 'GET' | 'POST';
	/** The path below the version prefix, with the official document's parameter names. */
	path: string;
	prefixes: string[];
	request?: string;
	query?: Record<string, Record<string, unknown>>;
	responses: Record<number, Answer>;
	/** False for endpoints outside Parallel's task document (the credential test's monitors list). */
	official: boolean;
}

const ERROR: Answer = { json: 'ErrorResponse' };
const GROUP_422: Answer = { json: 'GroupValidationErrorBody' };
const GROUP_PREFIXES = ['/v1', '/v1beta'];
const nullableString = { anyOf: [{ type: 'string' }, { type: 'null' }] };

export const ENDPOINTS: Endpoint[] = [
	{
		method: 'POST',
		path: '/tasks/groups',
		prefixes: GROUP_PREFIXES,
		request: 'CreateTaskGroupRequest',
		responses: { 200: { json: 'TaskGroupResponse' }, 401: ERROR, 422: GROUP_422, 429: ERROR },
		official: true,
	},
	{
		method: 'GET',
		path: '/tasks/groups/{taskgroup_id}',
		prefixes: GROUP_PREFIXES,
		responses: {
			200: { json: 'TaskGroupResponse' },
			401: ERROR,
			404: ERROR,
			422: GROUP_422,
			429: ERROR,
		},
		official: true,
	},
	{
		method: 'POST',
		path: '/tasks/groups/{taskgroup_id}/runs',
		prefixes: GROUP_PREFIXES,
		request: 'TaskGroupRunRequest',
		query: { refresh_status: { type: 'boolean' } },
		responses: {
			200: { json: 'TaskGroupRunResponse' },
			401: ERROR,
			403: ERROR,
			404: ERROR,
			422: GROUP_422,
			429: ERROR,
		},
		official: true,
	},
	{
		method: 'GET',
		path: '/tasks/groups/{taskgroup_id}/runs',
		prefixes: GROUP_PREFIXES,
		query: {
			last_event_id: nullableString,
			status: { anyOf: [{ $ref: '#/$defs/RunStatus' }, { type: 'null' }] },
			include_input: { type: 'boolean' },
			include_output: { type: 'boolean' },
		},
		responses: {
			200: { events: ['task_run.state', 'error'] },
			401: ERROR,
			404: ERROR,
			422: GROUP_422,
			429: ERROR,
		},
		official: true,
	},
	{
		method: 'GET',
		path: '/tasks/groups/{taskgroup_id}/events',
		prefixes: GROUP_PREFIXES,
		query: {
			last_event_id: nullableString,
			timeout: { anyOf: [{ type: 'number' }, { type: 'null' }] },
		},
		responses: {
			200: { events: ['task_group_status', 'task_run.state', 'error'] },
			401: ERROR,
			404: ERROR,
			422: GROUP_422,
			429: ERROR,
		},
		official: true,
	},
	{
		method: 'GET',
		path: '/tasks/groups/{taskgroup_id}/runs/{run_id}',
		prefixes: GROUP_PREFIXES,
		responses: { 200: { json: 'TaskRun' }, 401: ERROR, 404: ERROR, 422: ERROR, 429: ERROR },
		official: true,
	},
	{
		method: 'POST',
		path: '/tasks/runs',
		prefixes: ['/v1'],
		request: 'TaskRunInput',
		responses: {
			202: { json: 'TaskRun' },
			401: ERROR,
			402: ERROR,
			403: ERROR,
			422: ERROR,
			429: ERROR,
		},
		official: true,
	},
	{
		method: 'GET',
		path: '/tasks/runs/{run_id}',
		prefixes: ['/v1'],
		responses: { 200: { json: 'TaskRun' }, 401: ERROR, 404: ERROR, 422: ERROR, 429: ERROR },
		official: true,
	},
	{
		method: 'GET',
		path: '/tasks/runs/{run_id}/input',
		prefixes: ['/v1'],
		responses: { 200: { json: 'TaskRunInput' }, 401: ERROR, 404: ERROR, 422: ERROR, 429: ERROR },
		official: true,
	},
	{
		method: 'GET',
		path: '/tasks/runs/{run_id}/result',
		prefixes: ['/v1'],
		query: { timeout: { type: 'integer' } },
		responses: {
			200: { json: 'TaskRunResult' },
			401: ERROR,
			404: ERROR,
			408: ERROR,
			422: ERROR,
			429: ERROR,
		},
		official: true,
	},
	{
		method: 'GET',
		path: '/monitors',
		prefixes: ['/v1'],
		query: { limit: { type: 'integer' } },
		responses: { 200: { json: 'MonitorList' }, 401: ERROR },
		official: false,
	},
];

/** The event schema of each SSE event type. */
export const EVENT_SCHEMAS: Record<string, string> = {
	'task_run.state': 'TaskRunEvent',
	task_group_status: 'TaskGroupStatusEvent',
	error: 'ErrorEvent',
};

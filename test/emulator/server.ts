/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test infrastructure runs in Node, not in n8n */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { EmulatorContext, Outcome } from './context';
import { errorOutcome } from './context';
import type { FaultPlan } from './faults';
import * as handlers from './handlers';
import type { ApiRequest } from './handlers';
import { SseStream } from './sse';
import { runEventsStream } from './runEvents';
import { eventsStream, runsStream } from './streams';
import type { RouteName } from './types';
import { errorBody, validationBody } from './validation';

interface Route {
	method: 'GET' | 'POST';
	pattern: RegExp;
	name: RouteName;
	/** Version-free template used in counters, e.g. 'POST /tasks/groups/:id/runs'. */
	template: string;
	stream: boolean;
	/** 422 shape the spec declares: HTTPValidationError on most group endpoints, else ErrorResponse. */
	fastApi422: boolean;
	handle(ctx: EmulatorContext, req: ApiRequest): Outcome | Promise<Outcome>;
}

const GROUPS = '^/v1(?:beta)?/tasks/groups';
const SEGMENT = '([^/]+)';

function route(
	method: Route['method'],
	pattern: string,
	name: RouteName,
	template: string,
	handle: Route['handle'],
	stream = false,
): Route {
	const fastApi422 = pattern.startsWith(GROUPS) && name !== 'getRun';
	return { method, pattern: new RegExp(`${pattern}$`), name, template, stream, fastApi422, handle };
}

/** Routes about one run, whose last path parameter is its ID (fault rules with `runId`). */
const RUN_ROUTES = new Set<RouteName>(['result', 'input', 'getRun']);

const ROUTES: Route[] = [
	route('POST', GROUPS, 'createGroup', 'POST /tasks/groups', handlers.createGroup),
	route('GET', `${GROUPS}/${SEGMENT}`, 'getGroup', 'GET /tasks/groups/:id', handlers.getGroup),
	route(
		'POST',
		`${GROUPS}/${SEGMENT}/runs`,
		'addRuns',
		'POST /tasks/groups/:id/runs',
		handlers.addRuns,
	),
	route(
		'GET',
		`${GROUPS}/${SEGMENT}/runs`,
		'runs',
		'GET /tasks/groups/:id/runs',
		(ctx, req) => runsStream(ctx, req.params[0], req.query, req.resultLagMs),
		true,
	),
	route(
		'GET',
		`${GROUPS}/${SEGMENT}/events`,
		'events',
		'GET /tasks/groups/:id/events',
		(ctx, req) => eventsStream(ctx, req.params[0], req.query),
		true,
	),
	route(
		'GET',
		`${GROUPS}/${SEGMENT}/runs/${SEGMENT}`,
		'getRun',
		'GET /tasks/groups/:id/runs/:run_id',
		handlers.getGroupRun,
	),
	route('POST', '^/v1/tasks/runs', 'createRun', 'POST /tasks/runs', handlers.createRun),
	route('GET', `^/v1/tasks/runs/${SEGMENT}`, 'getRun', 'GET /tasks/runs/:id', handlers.getRun),
	route(
		'GET',
		`^/v1/tasks/runs/${SEGMENT}/input`,
		'input',
		'GET /tasks/runs/:id/input',
		handlers.getRunInput,
	),
	route(
		'GET',
		`^/v1/tasks/runs/${SEGMENT}/result`,
		'result',
		'GET /tasks/runs/:id/result',
		handlers.getRunResult,
	),
	route(
		'GET',
		`^/v1(?:beta)?/tasks/runs/${SEGMENT}/events`,
		'runEvents',
		'GET /tasks/runs/:id/events',
		(ctx, req) => runEventsStream(ctx, req.params[0]),
		true,
	),
	route('GET', '^/v1/monitors', 'monitors', 'GET /monitors', handlers.listMonitors),
];

const FAULT_MESSAGES: Record<number, string> = {
	400: 'Bad request',
	401: 'Unauthorized: invalid or missing credentials',
	402: 'Payment required: insufficient credit in account',
	403: 'Forbidden: invalid processor in request',
	404: 'Not found',
	408: 'Request timed out; run still active',
	409: 'Conflict',
	422: 'Unprocessable content: request validation error',
	429: 'Too many requests: quota temporarily exceeded',
	500: 'Internal server error',
	502: 'Bad gateway',
	503: 'Service unavailable',
	504: 'Gateway timeout',
};

function faultOutcome(
	routeInfo: Route,
	action: { status: number; retryAfter?: string; retryAfterMs?: number },
): Outcome {
	const message = FAULT_MESSAGES[action.status] ?? `Emulated error ${action.status}`;
	const body =
		action.status === 422 && routeInfo.fastApi422
			? validationBody([{ loc: ['body'], msg: message, type: 'value_error' }])
			: errorBody(message, { emulated_fault: true });
	const headers: Record<string, string> = {};
	if (action.retryAfter !== undefined) headers['retry-after'] = action.retryAfter;
	if (action.retryAfterMs !== undefined) headers['retry-after-ms'] = String(action.retryAfterMs);
	return { kind: 'json', status: action.status, body, headers };
}

/** A 3xx whose Location keeps the request's path and query on another origin. */
function redirectOutcome(
	ctx: EmulatorContext,
	action: { status?: number; to?: string },
	url: URL,
): Outcome {
	const to = (action.to ?? ctx.redirectTargetUrl).replace(/\/+$/, '');
	return {
		kind: 'json',
		status: action.status ?? 307,
		body: { detail: 'Moved' },
		headers: { location: `${to}${url.pathname}${url.search}` },
	};
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/**
 * The response's latency: ends early when the client has gone, so a closed emulator or an
 * abandoned request leaves no timer running (a test's 120-s latency kept jest alive after it).
 */
function latency(ms: number, res: ServerResponse): Promise<void> {
	if (ms <= 0 || res.destroyed) return Promise.resolve();
	return new Promise<void>((resolve) => {
		const done = () => {
			clearTimeout(timer);
			res.off('close', done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		res.on('close', done);
	});
}

export function matchRoute(method: string, pathname: string) {
	let pathMatched = false;
	for (const candidate of ROUTES) {
		const match = candidate.pattern.exec(pathname);
		if (!match) continue;
		pathMatched = true;
		if (candidate.method !== method) continue;
		try {
			return { route: candidate, params: match.slice(1).map(decodeURIComponent) };
		} catch {
			return { route: undefined, pathMatched: false };
		}
	}
	return { route: undefined, pathMatched };
}

/** Serves one API request: auth, faults, the handler, latency, then the response. */
export async function serveApi(
	ctx: EmulatorContext,
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
): Promise<void> {
	const method = req.method ?? 'GET';
	const match = matchRoute(method, url.pathname);
	const body = await readBody(req);
	if (!match.route) {
		ctx.counters.request(`${method} (unknown route)`);
		await latency(ctx.options.latencyMs, res);
		const status = match.pathMatched ? 405 : 404;
		writeJson(res, status, { detail: match.pathMatched ? 'Method Not Allowed' : 'Not Found' });
		return;
	}
	const { route: routeInfo, params } = match;
	ctx.counters.request(routeInfo.template);
	const beta = req.headers['parallel-beta'];
	ctx.counters.beta(routeInfo.template, Array.isArray(beta) ? beta.join(',') : (beta ?? ''));
	const clientGone: Array<() => void> = [];
	res.on('close', () => clientGone.splice(0).forEach((handler) => handler()));
	const request: ApiRequest = {
		params,
		query: url.searchParams,
		body,
		onClientGone: (handler) => (res.destroyed ? handler() : clientGone.push(handler)),
		resultLagMs: 0,
	};
	const runId = RUN_ROUTES.has(routeInfo.name) ? params[params.length - 1] : undefined;
	const key = String(req.headers['x-api-key'] ?? '');
	let plan: FaultPlan | undefined;
	let outcome: Outcome;
	if (!ctx.options.apiKeys.includes(key)) {
		outcome = errorOutcome(401, 'Unauthorized: invalid or missing credentials');
	} else {
		plan = ctx.faults.plan(routeInfo.name, routeInfo.stream, () => ctx.counters.injected(), runId);
		request.resultLagMs = plan.resultLagMs;
		if (plan.before) outcome = faultOutcome(routeInfo, plan.before);
		else if (plan.redirect) outcome = redirectOutcome(ctx, plan.redirect, url);
		else if (plan.late) {
			const { late } = plan;
			const timer = setTimeout(() => {
				ctx.lateWork.delete(timer);
				void Promise.resolve(routeInfo.handle(ctx, request))
					.catch(() => undefined)
					.finally(() => ctx.counters.lateDone());
			}, late.afterMs);
			ctx.lateWork.add(timer);
			if (late.status === undefined) {
				ctx.counters.dropped();
				req.socket.destroy();
				return;
			}
			outcome = faultOutcome(routeInfo, { status: late.status });
		} else {
			outcome = await routeInfo.handle(ctx, request);
			if (plan.after?.type === 'statusAfterApply') outcome = faultOutcome(routeInfo, plan.after);
		}
	}
	await latency(ctx.options.latencyMs + (plan?.latencyMs ?? 0), res);
	if (res.destroyed) return;
	if (plan?.after?.type === 'dropResponse') {
		ctx.counters.dropped();
		req.socket.destroy();
		return;
	}
	ctx.counters.response(routeInfo.template, outcome.kind === 'json' ? outcome.status : 200);
	if (outcome.kind === 'json') {
		writeJson(res, outcome.status, outcome.body, outcome.headers);
		return;
	}
	const stream = new SseStream(res, {
		sseIdLines: ctx.options.sseIdLines,
		keepAliveMs: ctx.options.keepAliveMs,
		faults: plan?.stream ?? { duplicate: false, errorEvents: [] },
		onInjected: () => ctx.counters.injected(),
		onClosed: () => ctx.openStreams.delete(stream),
	});
	ctx.openStreams.add(stream);
	ctx.counters.streamOpened();
	if (stream.isOpen) outcome.open(stream);
}

export function writeJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	if (res.destroyed || res.headersSent) return;
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

import { NodeApiError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

export interface ParsedApiError {
	message: string;
	refId?: string;
	/** Field-level problems from a 422, as "field: problem". */
	fieldErrors: string[];
}

/** What a request was about, so a 404 or 422 can say which group, run or item it concerns. */
export interface ErrorSubject {
	taskGroupId?: string;
	runId?: string;
	itemIndex?: number;
}

const MAX_TEXT = 500;

function asRecord(value: unknown): Record<string, unknown> | undefined {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

function formatLocation(loc: unknown): string {
	if (!Array.isArray(loc)) return '';
	// FastAPI prefixes locations with "body" or "query"; users care about the field path.
	const parts = loc.filter(
		(part, index) => !(index === 0 && (part === 'body' || part === 'query')),
	);
	return parts.join('.');
}

function fieldErrorsFrom(detail: unknown): string[] {
	if (!Array.isArray(detail)) return [];
	return detail.flatMap((entry) => {
		const record = asRecord(entry);
		if (!record) return [];
		const where = formatLocation(record.loc);
		const what = typeof record.msg === 'string' ? record.msg : JSON.stringify(record);
		return [where ? `${where}: ${what}` : what];
	});
}

/**
 * Reads both error bodies the contract allows (notes section 8): Parallel's
 * `{type?, error: {ref_id?, message, detail}}` and FastAPI's `{detail: [{loc, msg}]}`, plus the
 * plain-text or HTML body a proxy may send.
 */
export function parseErrorBody(body: unknown): ParsedApiError {
	let value = body;
	if (typeof body === 'string') {
		try {
			value = JSON.parse(body);
		} catch {
			const text = body.trim().replace(/\s+/g, ' ');
			return { message: text.slice(0, MAX_TEXT), fieldErrors: [] };
		}
	}
	const record = asRecord(value);
	if (!record) return { message: '', fieldErrors: [] };

	const error = asRecord(record.error);
	if (error) {
		const detail = asRecord(error.detail);
		const fieldErrors = fieldErrorsFrom(detail?.errors ?? error.detail ?? error.details);
		return {
			message: typeof error.message === 'string' ? error.message : '',
			refId: typeof error.ref_id === 'string' ? error.ref_id : undefined,
			fieldErrors,
		};
	}
	if (typeof record.error === 'string') return { message: record.error, fieldErrors: [] };

	const fieldErrors = fieldErrorsFrom(record.detail);
	if (fieldErrors.length) {
		return { message: 'Request validation error', fieldErrors };
	}
	if (typeof record.detail === 'string') return { message: record.detail, fieldErrors: [] };
	if (typeof record.message === 'string') return { message: record.message, fieldErrors: [] };
	return { message: '', fieldErrors: [] };
}

const TITLES: Record<number, string> = {
	400: 'Parallel rejected the request',
	401: 'Parallel did not accept the API key',
	402: 'The Parallel account has insufficient credit',
	403: 'Parallel refused the request',
	404: 'Parallel could not find the requested resource',
	408: 'Parallel timed out waiting for the run',
	409: 'Parallel reported a conflict',
	422: 'Parallel rejected the request fields',
	429: 'Parallel is rate limiting requests',
};

function whatWasNotFound(subject: ErrorSubject): string {
	if (subject.runId) return `run '${subject.runId}'`;
	if (subject.taskGroupId) return `task group '${subject.taskGroupId}'`;
	return 'task group or run';
}

function howToFix(status: number, parsed: ParsedApiError, subject: ErrorSubject): string {
	switch (status) {
		case 401:
			return 'Check the API Key in the Parallel Task Group API credential (platform.parallel.ai > Settings > API keys) and that its Base URL is https://api.parallel.ai.';
		case 402:
			return 'Add credit to the Parallel account at platform.parallel.ai. Task groups reserve credit for every run when it is added, so sending fewer items at a time can also help.';
		case 403:
			return "Check the 'Processor' parameter: use one of lite, base, core, core2x, pro, ultra, ultra2x, ultra4x, ultra8x, optionally with -fast (e.g. 'core-fast').";
		case 404:
			return `Check that the ${whatWasNotFound(subject)} exists and belongs to the account of this API key. IDs look like tgrp_... for groups and trun_... for runs.`;
		case 408:
			return 'The run is still active. Try again later, or use Get Results or the trigger to collect it.';
		case 422:
			return parsed.fieldErrors.length
				? `Fix these fields: ${parsed.fieldErrors.join('; ')}.`
				: 'Check the input, processor and output schema parameters.';
		case 429:
			return 'Parallel allows about 2,000 task requests per minute. Wait a minute and retry, or lower the batch concurrency in Options.';
		default:
			return status >= 500
				? 'Parallel had a temporary problem. Retry in a few minutes; runs already added are not lost.'
				: 'Check the node parameters.';
	}
}

function redact(text: string, secret?: string | string[]): string {
	const secrets = Array.isArray(secret) ? secret : [secret];
	let redacted = text;
	for (const value of secrets) {
		if (value && value.length >= 4) redacted = redacted.split(value).join('***');
	}
	return redacted;
}

export interface ApiErrorOptions {
	status: number;
	body: unknown;
	subject?: ErrorSubject;
	/** The API key (and any other secret the request carried), removed from every text the error carries. */
	secret?: string | string[];
}

/** A NodeApiError for a non-2xx answer, with Parallel's message, ref_id and a way to fix it. */
export function apiErrorFromResponse(node: INode, options: ApiErrorOptions): NodeApiError {
	const { status, body, secret } = options;
	const subject = options.subject ?? {};
	const parsed = parseErrorBody(body);
	const title =
		TITLES[status] ??
		(status >= 500 ? 'Parallel is temporarily unavailable' : `Parallel answered ${status}`);
	const reason = redact(parsed.message, secret);
	const message = redact(reason ? `${title}: ${reason}` : title, secret);
	const refNote = parsed.refId ? ` (Parallel ref_id ${parsed.refId})` : '';
	const description = redact(howToFix(status, parsed, subject), secret) + refNote;
	const errorBody: JsonObject = {
		httpCode: String(status),
		message: reason,
		...(parsed.refId ? { ref_id: parsed.refId } : {}),
		...(parsed.fieldErrors.length
			? { fields: parsed.fieldErrors.map((f) => redact(f, secret)) }
			: {}),
	};
	return new NodeApiError(node, errorBody, {
		message,
		description,
		httpCode: String(status),
		itemIndex: subject.itemIndex,
	});
}

/** A NodeApiError for a request that got no HTTP answer at all. */
export function networkError(
	node: INode,
	code: string | undefined,
	baseUrl: string,
	subject: ErrorSubject = {},
): NodeApiError {
	const reason = code ? `The connection failed with ${code}. ` : '';
	return new NodeApiError(
		node,
		{ message: `No answer from ${baseUrl}`, networkCode: code ?? null },
		{
			// The code stays out of the message: n8n replaces messages that mention one.
			message: `Could not reach Parallel at ${baseUrl}`,
			description: `${reason}Check the Base URL in the Parallel Task Group API credential and that this n8n can reach it. Requests that read data were retried before giving up.`,
			itemIndex: subject.itemIndex,
		},
	);
}

export interface RedirectErrorOptions {
	status: number;
	location: unknown;
	/** The URL that answered with the redirect. */
	from: string;
	baseUrl: string;
	subject?: ErrorSubject;
}

/**
 * A 3xx answer. Redirects are never followed: n8n's helpers would carry the API key to whatever
 * host the redirect names. The message says where it pointed, so the user can decide.
 */
export function redirectError(node: INode, options: RedirectErrorOptions): NodeApiError {
	const { status, from, baseUrl } = options;
	let target: URL | undefined;
	try {
		target = typeof options.location === 'string' ? new URL(options.location, from) : undefined;
	} catch {
		target = undefined;
	}
	const where = target ? `${target.protocol}//${target.host}` : 'an address it did not give';
	return new NodeApiError(
		node,
		{ message: `Redirect (${status}) to ${where}`, httpCode: String(status) },
		{
			message: `Parallel's address answered with a redirect to ${where}`,
			description: `The API key was not sent there: the node never follows redirects. Check the Base URL in the Parallel Task Group API credential (${baseUrl}); if ${where} is the right address, put it in Base URL.`,
			httpCode: String(status),
			itemIndex: options.subject?.itemIndex,
		},
	);
}

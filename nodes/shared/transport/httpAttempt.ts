import type {
	IExecuteFunctions,
	IHttpRequestOptions,
	ITriggerFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { anySignal, pause } from './pause';
import { isCancellation, networkErrorCode } from './retry';
import type { ByteStream } from './sse';
import { destroyStream } from './sse';

export const CREDENTIAL_TYPE = 'parallelTaskGroupApi';

export type RequestContext = IExecuteFunctions | ITriggerFunctions | IWebhookFunctions;

export interface HttpResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** What one HTTP attempt came to: an answer (any status), no answer, or a cancellation. */
export type Attempt =
	| { kind: 'response'; response: HttpResponse }
	| { kind: 'network'; code?: string }
	| { kind: 'cancelled' };

export interface AttemptOptions {
	method: 'GET' | 'POST';
	url: string;
	/** For the log line: the path without host and version. */
	path: string;
	qs?: IHttpRequestOptions['qs'];
	body?: unknown;
	/** Sent as one comma-joined `parallel-beta` header, as Parallel's SDK does. */
	betas?: string[];
	/** The attempt's cut-off; for a stream, how long its headers may take. */
	timeoutMs: number;
	signal?: AbortSignal;
	/** Set for an event stream: aborting it closes the stream's socket where n8n keeps the signal. */
	streamCloser?: AbortController;
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * One request through the credential (n8n's httpRequestWithAuthentication), never throwing:
 * statuses are left to the caller's retry policy.
 */
export async function sendAttempt(
	context: RequestContext,
	options: AttemptOptions,
): Promise<Attempt> {
	const { signal, streamCloser, method, path } = options;
	if (signal?.aborted) return { kind: 'cancelled' };
	const hasBody = options.body !== undefined;
	const request: IHttpRequestOptions = {
		method,
		url: options.url,
		qs: options.qs,
		headers: {
			accept: streamCloser ? 'text/event-stream' : 'application/json',
			...(hasBody ? { 'content-type': 'application/json' } : {}),
			...(options.betas?.length ? { 'parallel-beta': options.betas.join(',') } : {}),
		},
		body: hasBody ? requestBody(options.body) : undefined,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// A redirect comes back as an answer: followed, it would carry the API key to another host.
		disableFollowRedirect: true,
		...(streamCloser ? { encoding: 'stream' as const } : { timeout: options.timeoutMs }),
		abortSignal: streamCloser ? anySignal([signal, streamCloser.signal]) : signal,
	};
	const started = Date.now();
	try {
		const pending = context.helpers.httpRequestWithAuthentication.call(
			context,
			CREDENTIAL_TYPE,
			request,
		) as Promise<HttpResponse>;
		const response = streamCloser
			? await withHeadersTimeout(pending, options.timeoutMs, signal)
			: await pending;
		if (!response) {
			return signal?.aborted ? { kind: 'cancelled' } : { kind: 'network', code: 'ETIMEDOUT' };
		}
		if (streamCloser && (response.statusCode < 200 || response.statusCode >= 300)) {
			response.body = await readText(response.body as ByteStream);
		}
		context.logger.debug('Parallel API request', {
			method,
			path,
			statusCode: response.statusCode,
			ms: Date.now() - started,
		});
		return { kind: 'response', response };
	} catch (error) {
		if (isCancellation(error, signal)) return { kind: 'cancelled' };
		const code = networkErrorCode(error);
		context.logger.debug('Parallel API request got no answer', {
			method,
			path,
			code: code ?? 'unknown',
			ms: Date.now() - started,
		});
		return { kind: 'network', code };
	}
}

/**
 * A non-empty object goes to n8n as is: axios serializes it once. A JSON string would be parsed
 * again by axios (its check that a string body is JSON), about 30 ms per 10,000 runs. An empty
 * object goes as the string `{}`, which n8n would otherwise drop.
 */
function requestBody(body: unknown): IHttpRequestOptions['body'] {
	const isObject = typeof body === 'object' && body !== null;
	if (isObject && Object.keys(body).length > 0) return body as IHttpRequestOptions['body'];
	return JSON.stringify(body);
}

/**
 * The response, or undefined when its headers take too long or the signal aborts. Inside an
 * execution n8n swaps the request's abort signal for its own, so a stream that answers late is
 * closed here instead.
 */
async function withHeadersTimeout(
	pending: Promise<HttpResponse>,
	timeoutMs: number,
	signal?: AbortSignal,
): Promise<HttpResponse | undefined> {
	const settled = new AbortController();
	const timeout = pause(timeoutMs, anySignal([signal, settled.signal]));
	try {
		const winner = await Promise.race([pending, timeout.then(() => undefined)]);
		if (winner === undefined) {
			pending.then((late) => destroyStream(late.body as ByteStream)).catch(() => undefined);
		}
		return winner;
	} finally {
		settled.abort();
	}
}

/** The start of an error body sent on a stream request, for the error message. */
async function readText(body: ByteStream): Promise<string> {
	const decoder = new TextDecoder('utf-8');
	let text = '';
	try {
		for await (const chunk of body) {
			text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
			if (text.length > MAX_ERROR_BODY_BYTES) break;
		}
	} catch {
		// Whatever arrived is enough for the message.
	} finally {
		destroyStream(body);
	}
	return text;
}

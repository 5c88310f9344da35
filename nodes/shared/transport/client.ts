import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	ITriggerFunctions,
	NodeApiError,
} from 'n8n-workflow';

import { apiErrorFromResponse, networkError } from './errors';
import type { ErrorSubject } from './errors';
import { anySignal, pause } from './pause';
import {
	DEFAULT_RETRY_POLICY,
	isCancellation,
	isNeverSent,
	isRetryableStatus,
	networkErrorCode,
	retryDelayMs,
} from './retry';
import type { RetryPolicy } from './retry';
import { EventStream } from './eventStream';
import type { ByteStream } from './sse';
import { destroyStream } from './sse';

export const CREDENTIAL_TYPE = 'parallelTaskGroupApi';
export const DEFAULT_BASE_URL = 'https://api.parallel.ai';

/** Both prefixes serve the same group contract (notes section 0); `v1` is the GA one. */
export type ApiVersion = 'v1' | 'v1beta';

export type RequestContext = IExecuteFunctions | ITriggerFunctions;

export interface ClientOptions {
	apiVersion?: ApiVersion;
	/** Cancels waits and streams: the execution's cancel signal, or a trigger's own controller. */
	signal?: AbortSignal;
	retryPolicy?: RetryPolicy;
	/** Per-attempt timeout of ordinary requests. */
	requestTimeoutMs?: number;
	/** How long a stream may take to answer with its headers. */
	streamHeadersTimeoutMs?: number;
}

export interface ApiRequest {
	method?: 'GET' | 'POST';
	/** Path below the version prefix, e.g. `/tasks/groups/tgrp_123`. */
	path: string;
	qs?: IDataObject;
	body?: unknown;
	subject?: ErrorSubject;
	/** Whether a 408 may be retried here; the result long-poll answers 408 by design. */
	retry408?: boolean;
	timeoutMs?: number;
	/** Give up retrying once a retry would start after this time (epoch ms). */
	deadline?: number;
	/** Stops this request's retries in addition to the client's own signal. */
	signal?: AbortSignal;
}

export type SubmitOutcome<T> =
	| { status: 'accepted'; body: T; attempts: number }
	/** The request may or may not have taken effect: read the server's state before resending. */
	| { status: 'ambiguous'; error: NodeApiError; attempts: number };

interface HttpResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

type Attempt =
	| { kind: 'response'; response: HttpResponse }
	| { kind: 'network'; code?: string }
	| { kind: 'cancelled' };

const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * The one way to Parallel: authentication through the credential, URLs, retries, error mapping
 * and streams. Operations and the trigger describe what they want; they never build a URL, a
 * header or a retry loop themselves.
 */
export class ParallelClient {
	readonly node: INode;

	private constructor(
		private readonly context: RequestContext,
		readonly baseUrl: string,
		private readonly apiKey: string,
		private readonly options: Required<Omit<ClientOptions, 'signal'>> & { signal?: AbortSignal },
	) {
		this.node = context.getNode();
	}

	static async connect(
		context: RequestContext,
		options: ClientOptions = {},
	): Promise<ParallelClient> {
		const credentials = await context.getCredentials<{ apiKey?: string; baseUrl?: string }>(
			CREDENTIAL_TYPE,
		);
		const baseUrl = (credentials.baseUrl || DEFAULT_BASE_URL).trim().replace(/\/+$/, '');
		return new ParallelClient(context, baseUrl, String(credentials.apiKey ?? ''), {
			apiVersion: options.apiVersion ?? 'v1',
			retryPolicy: options.retryPolicy ?? DEFAULT_RETRY_POLICY,
			requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
			streamHeadersTimeoutMs: options.streamHeadersTimeoutMs ?? 30_000,
			signal: options.signal,
		});
	}

	get signal(): AbortSignal | undefined {
		return this.options.signal;
	}

	get logger(): RequestContext['logger'] {
		return this.context.logger;
	}

	get apiVersion(): ApiVersion {
		return this.options.apiVersion;
	}

	/** A request that changes nothing, or nothing that costs: retried on network errors, 408, 429 and 5xx. */
	async request<T>(request: ApiRequest): Promise<T> {
		return (await this.requestAllowing<T>(request, [])).body as T;
	}

	/** Like `request`, but answers with one of `statuses` are returned instead of thrown. */
	async requestAllowing<T>(
		request: ApiRequest,
		statuses: number[],
	): Promise<{ statusCode: number; body: T | unknown }> {
		const policy = this.options.retryPolicy;
		for (let attempt = 0; ; attempt++) {
			const result = await this.attempt(request);
			if (result.kind === 'cancelled') throw this.cancelled();
			if (result.kind === 'response') {
				const { statusCode, body } = result.response;
				if (isSuccess(statusCode)) return { statusCode, body: this.parseBody(body) as T };
				if (statuses.includes(statusCode)) return { statusCode, body };
			}
			const retryable =
				result.kind === 'network' ||
				isRetryableStatus(result.response.statusCode, request.retry408 ?? true);
			const failure = this.toError(result, request.subject);
			if (!retryable || attempt + 1 >= policy.maxAttempts) throw failure;
			const headers = result.kind === 'response' ? result.response.headers : undefined;
			await this.backOff(attempt, headers, request, failure);
		}
	}

	/**
	 * A POST that creates paid runs. It is resent only when the server certainly did not act on it:
	 * a 429, or a connection that was never made. Any other failure comes back as `ambiguous`, so
	 * the caller can read the group and send only what is missing.
	 */
	async submitOnce<T>(request: ApiRequest): Promise<SubmitOutcome<T>> {
		const policy = this.options.retryPolicy;
		for (let attempt = 0; ; attempt++) {
			const result = await this.attempt({ ...request, method: 'POST' });
			if (result.kind === 'cancelled') throw this.cancelled();
			const attempts = attempt + 1;
			if (result.kind === 'response' && isSuccess(result.response.statusCode)) {
				return { status: 'accepted', body: this.parseBody(result.response.body) as T, attempts };
			}
			const failure = this.toError(result, request.subject);
			const certainlyNotApplied =
				result.kind === 'network' ? isNeverSent(result.code) : result.response.statusCode === 429;
			if (certainlyNotApplied) {
				if (attempts >= policy.maxAttempts) throw failure;
				const headers = result.kind === 'response' ? result.response.headers : undefined;
				await this.backOff(attempt, headers, request, failure);
				continue;
			}
			const status = result.kind === 'response' ? result.response.statusCode : undefined;
			if (status !== undefined && status < 500 && status !== 408) throw failure;
			return { status: 'ambiguous', error: failure, attempts };
		}
	}

	/** Opens a server-sent events stream; a non-2xx answer becomes a NodeApiError with its body. */
	async openStream(request: ApiRequest): Promise<EventStream> {
		const policy = this.options.retryPolicy;
		for (let attempt = 0; ; attempt++) {
			// Aborting this closes the stream's socket wherever n8n keeps the request's own signal.
			const closer = new AbortController();
			const result = await this.attempt(request, closer);
			if (result.kind === 'cancelled') throw this.cancelled();
			if (result.kind === 'response' && isSuccess(result.response.statusCode)) {
				return new EventStream(result.response.body as ByteStream, closer, {
					signal: this.options.signal,
					onSkip: (skipped) =>
						this.context.logger.debug('Parallel stream message skipped', { ...skipped }),
				});
			}
			if (result.kind === 'response') {
				result.response.body = await readText(result.response.body as ByteStream);
			}
			const retryable =
				result.kind === 'network' || isRetryableStatus(result.response.statusCode, true);
			const failure = this.toError(result, request.subject);
			if (!retryable || attempt + 1 >= policy.maxAttempts) throw failure;
			const headers = result.kind === 'response' ? result.response.headers : undefined;
			await this.backOff(attempt, headers, request, failure);
		}
	}

	private url(path: string): string {
		return `${this.baseUrl}/${this.options.apiVersion}${path}`;
	}

	private async attempt(request: ApiRequest, streamCloser?: AbortController): Promise<Attempt> {
		const stream = streamCloser !== undefined;
		const signal = request.signal ?? this.options.signal;
		if (signal?.aborted) return { kind: 'cancelled' };
		const method = request.method ?? 'GET';
		const hasBody = request.body !== undefined;
		const options: IHttpRequestOptions = {
			method,
			url: this.url(request.path),
			qs: request.qs,
			headers: {
				accept: stream ? 'text/event-stream' : 'application/json',
				...(hasBody ? { 'content-type': 'application/json' } : {}),
			},
			// A string, so that n8n sends `{}` as is instead of dropping an empty object.
			body: hasBody ? JSON.stringify(request.body) : undefined,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			...(stream
				? { encoding: 'stream' as const }
				: { timeout: request.timeoutMs ?? this.options.requestTimeoutMs }),
			abortSignal: streamCloser ? anySignal([signal, streamCloser.signal]) : signal,
		};
		const started = Date.now();
		try {
			const pending = this.context.helpers.httpRequestWithAuthentication.call(
				this.context,
				CREDENTIAL_TYPE,
				options,
			) as Promise<HttpResponse>;
			const response = stream ? await this.withHeadersTimeout(pending, signal) : await pending;
			if (!response)
				return signal?.aborted ? { kind: 'cancelled' } : { kind: 'network', code: 'ETIMEDOUT' };
			this.context.logger.debug('Parallel API request', {
				method,
				path: request.path,
				statusCode: response.statusCode,
				ms: Date.now() - started,
			});
			return { kind: 'response', response };
		} catch (error) {
			if (isCancellation(error, signal)) return { kind: 'cancelled' };
			const code = networkErrorCode(error);
			this.context.logger.debug('Parallel API request got no answer', {
				method,
				path: request.path,
				code: code ?? 'unknown',
				ms: Date.now() - started,
			});
			return { kind: 'network', code };
		}
	}

	/**
	 * Resolves with the response, or with undefined when the headers take too long or the signal
	 * aborts. In an execution n8n swaps the request's abort signal for its own, so a stream that
	 * answers late is closed here instead.
	 */
	private async withHeadersTimeout(
		pending: Promise<HttpResponse>,
		signal?: AbortSignal,
	): Promise<HttpResponse | undefined> {
		const settled = new AbortController();
		const timeout = pause(this.options.streamHeadersTimeoutMs, anySignal([signal, settled.signal]));
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

	private toError(result: Exclude<Attempt, { kind: 'cancelled' }>, subject?: ErrorSubject) {
		if (result.kind === 'network')
			return networkError(this.node, result.code, this.baseUrl, subject);
		return apiErrorFromResponse(this.node, {
			status: result.response.statusCode,
			body: result.response.body,
			subject,
			secret: this.apiKey,
		});
	}

	private async backOff(
		retry: number,
		headers: Record<string, unknown> | undefined,
		request: ApiRequest,
		failure: Error,
	): Promise<void> {
		const delay = retryDelayMs(retry, headers, this.options.retryPolicy);
		if (request.deadline !== undefined && Date.now() + delay > request.deadline) throw failure;
		this.context.logger.debug('Parallel API request will be retried', {
			path: request.path,
			retry: retry + 1,
			delayMs: delay,
			reason: failure.message,
		});
		const signal = request.signal ?? this.options.signal;
		await pause(delay, signal);
		if (signal?.aborted) throw this.cancelled();
	}

	private parseBody(body: unknown): unknown {
		if (typeof body !== 'string') return body;
		if (body.trim() === '') return {};
		try {
			return JSON.parse(body);
		} catch {
			throw new NodeOperationError(this.node, 'Parallel sent an answer that is not JSON', {
				description: `Check the Base URL in the credential (${this.baseUrl}): it should point at the Parallel API.`,
			});
		}
	}

	cancelled(): NodeOperationError {
		return new NodeOperationError(this.node, 'The request to Parallel was cancelled', {
			description: 'The execution was stopped or the trigger was deactivated.',
		});
	}
}

function isSuccess(status: number): boolean {
	return status >= 200 && status < 300;
}

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

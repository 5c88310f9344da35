import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INode, NodeApiError } from 'n8n-workflow';

import { apiErrorFromResponse, networkError } from './errors';
import type { ErrorSubject } from './errors';
import { EventStream } from './eventStream';
import { CREDENTIAL_TYPE, sendAttempt } from './httpAttempt';
import type { Attempt, RequestContext } from './httpAttempt';
import { pause } from './pause';
import { DEFAULT_RETRY_POLICY, isNeverSent, isRetryableStatus, retryDelayMs } from './retry';
import type { RetryPolicy } from './retry';
import type { ByteStream } from './sse';

export { CREDENTIAL_TYPE };
export type { RequestContext };
export const DEFAULT_BASE_URL = 'https://api.parallel.ai';

/** Both prefixes serve the same group contract (notes section 0); `v1` is the GA one. */
export type ApiVersion = 'v1' | 'v1beta';

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
	/** `parallel-beta` feature names the request uses, e.g. `webhook-2025-08-12`. */
	betas?: string[];
}

export type SubmitOutcome<T> =
	| { status: 'accepted'; body: T; attempts: number }
	/** The request may or may not have taken effect: read the server's state before resending. */
	| { status: 'ambiguous'; error: NodeApiError; attempts: number };

type Answered = Exclude<Attempt, { kind: 'cancelled' }>;

/** What to do with an attempt's outcome: return a value, retry after a backoff, or fail. */
type Verdict<T> = { done: T } | { retry: NodeApiError } | { fail: NodeApiError };

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

	/** A request that changes nothing, or nothing that costs: retried on network errors, 408, 429 and 5xx. */
	async request<T>(request: ApiRequest): Promise<T> {
		return (await this.requestAllowing<T>(request, [])).body as T;
	}

	/** Like `request`, but answers with one of `statuses` are returned instead of thrown. */
	async requestAllowing<T>(
		request: ApiRequest,
		statuses: number[],
	): Promise<{ statusCode: number; body: T | unknown }> {
		return await this.withRetries<{ statusCode: number; body: unknown }>(
			request,
			undefined,
			(result) => {
				if (result.kind === 'response') {
					const { statusCode, body } = result.response;
					if (isSuccess(statusCode)) return { done: { statusCode, body: this.parseBody(body) } };
					if (statuses.includes(statusCode)) return { done: { statusCode, body } };
				}
				const retryable =
					result.kind === 'network' ||
					isRetryableStatus(result.response.statusCode, request.retry408 ?? true);
				const failure = this.toError(result, request.subject);
				return retryable ? { retry: failure } : { fail: failure };
			},
		);
	}

	/**
	 * A POST that creates paid runs. It is resent only when the server certainly did not act on it:
	 * a 429, or a connection that was never made. Any other failure comes back as `ambiguous`, so
	 * the caller can read the group and send only what is missing.
	 */
	async submitOnce<T>(request: ApiRequest): Promise<SubmitOutcome<T>> {
		let attempts = 0;
		return await this.withRetries<SubmitOutcome<T>>(
			{ ...request, method: 'POST' },
			undefined,
			(result) => {
				attempts++;
				if (result.kind === 'response' && isSuccess(result.response.statusCode)) {
					return {
						done: { status: 'accepted', body: this.parseBody(result.response.body) as T, attempts },
					};
				}
				const failure = this.toError(result, request.subject);
				const status = result.kind === 'response' ? result.response.statusCode : undefined;
				if (result.kind === 'network' ? isNeverSent(result.code) : status === 429) {
					return { retry: failure };
				}
				if (status !== undefined && status < 500 && status !== 408) return { fail: failure };
				return { done: { status: 'ambiguous', error: failure, attempts } };
			},
		);
	}

	/** Opens a server-sent events stream; a non-2xx answer becomes a NodeApiError with its body. */
	async openStream(request: ApiRequest): Promise<EventStream> {
		return await this.withRetries<EventStream>(
			request,
			() => new AbortController(),
			(result, closer) => {
				if (result.kind === 'response' && isSuccess(result.response.statusCode)) {
					const stream = new EventStream(result.response.body as ByteStream, closer!, {
						signal: this.options.signal,
						onSkip: (skipped) =>
							this.context.logger.debug('Parallel stream message skipped', { ...skipped }),
					});
					return { done: stream };
				}
				const retryable =
					result.kind === 'network' || isRetryableStatus(result.response.statusCode, true);
				const failure = this.toError(result, request.subject);
				return retryable ? { retry: failure } : { fail: failure };
			},
		);
	}

	/** Sends `request` until `judge` returns or fails it, backing off between attempts. */
	private async withRetries<T>(
		request: ApiRequest,
		newStreamCloser: (() => AbortController) | undefined,
		judge: (result: Answered, streamCloser?: AbortController) => Verdict<T>,
	): Promise<T> {
		const { retryPolicy } = this.options;
		for (let attempt = 0; ; attempt++) {
			const streamCloser = newStreamCloser?.();
			const result = await sendAttempt(this.context, {
				method: request.method ?? 'GET',
				url: `${this.baseUrl}/${this.options.apiVersion}${request.path}`,
				path: request.path,
				qs: request.qs,
				body: request.body,
				betas: request.betas,
				timeoutMs: request.timeoutMs ?? this.options.requestTimeoutMs,
				signal: this.options.signal,
				streamCloser,
				streamHeadersTimeoutMs: this.options.streamHeadersTimeoutMs,
			});
			if (result.kind === 'cancelled') throw this.cancelled();
			const verdict = judge(result, streamCloser);
			if ('done' in verdict) return verdict.done as T;
			if ('fail' in verdict || attempt + 1 >= retryPolicy.maxAttempts) {
				throw 'fail' in verdict ? verdict.fail : verdict.retry;
			}
			const headers = result.kind === 'response' ? result.response.headers : undefined;
			const delay = retryDelayMs(attempt, headers, retryPolicy);
			if (request.deadline !== undefined && Date.now() + delay > request.deadline) {
				throw verdict.retry;
			}
			this.context.logger.debug('Parallel API request will be retried', {
				path: request.path,
				retry: attempt + 1,
				delayMs: delay,
				reason: verdict.retry.message,
			});
			await pause(delay, this.options.signal);
			if (this.options.signal?.aborted) throw this.cancelled();
		}
	}

	private toError(result: Answered, subject?: ErrorSubject): NodeApiError {
		if (result.kind === 'network') {
			return networkError(this.node, result.code, this.baseUrl, subject);
		}
		return apiErrorFromResponse(this.node, {
			status: result.response.statusCode,
			body: result.response.body,
			subject,
			secret: this.apiKey,
		});
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

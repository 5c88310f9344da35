import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INode, NodeApiError } from 'n8n-workflow';

import { endpointOf } from './endpoint';
import { apiErrorFromResponse, networkError, redirectError } from './errors';
import type { ErrorSubject } from './errors';
import { EventStream } from './eventStream';
import { CREDENTIAL_TYPE, sendAttempt } from './httpAttempt';
import type { Attempt, RequestContext } from './httpAttempt';
import { pause } from './pause';
import { attemptTimeoutMs, POLICY } from './policy';
import type { RetrySchedule } from './policy';
import { isNeverSent, isRetryableStatus, retryDelayMs } from './retry';
import type { RetryPolicy } from './retry';
import type { ByteStream } from './sse';

export { CREDENTIAL_TYPE };
export { DEFAULT_BASE_URL } from './endpoint';
export type { RequestContext };

/** Both prefixes serve the same group contract (notes section 0); `v1` is the GA one. */
export type ApiVersion = 'v1' | 'v1beta';

export interface ClientOptions {
	apiVersion?: ApiVersion;
	/** Cancels waits and streams: the execution's cancel signal, or a trigger's own controller. */
	signal?: AbortSignal;
	/** Replaces the read schedule of policy.ts (tests). */
	retryPolicy?: RetryPolicy;
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
	/** One attempt's own cut-off; the policy's for the kind of request when absent. */
	timeoutMs?: number;
	/**
	 * The whole call, retries included, ends by this time (epoch ms): no retry starts after it and
	 * an attempt's cut-off is shortened to it. The policy's budget from now when absent.
	 */
	deadline?: number;
	/** `parallel-beta` feature names the request uses, e.g. `webhook-2025-08-12`. */
	betas?: string[];
	/** Values the body carries that no error may repeat (MCP server headers). */
	secrets?: string[];
}

export interface StreamOptions {
	/** Close the stream when nothing arrives, not even a keep-alive, for this long. */
	silenceMs?: number;
}

export type SubmitOutcome<T> =
	| { status: 'accepted'; body: T; attempts: number }
	/** The request may or may not have taken effect: read the server's state before resending. */
	| { status: 'ambiguous'; error: NodeApiError; attempts: number };

type Answered = Exclude<Attempt, { kind: 'cancelled' }>;

/** What to do with an attempt's outcome: return a value, retry after a backoff, or fail. */
type Verdict<T> = { done: T } | { retry: NodeApiError } | { fail: NodeApiError };

interface Schedule {
	retries: RetrySchedule;
	attemptTimeoutMs: number;
	budgetMs: number;
}

/**
 * The one way to Parallel: authentication through the credential, URLs, retries, time limits,
 * error mapping and streams. Operations and the trigger describe what they want; they never build
 * a URL, a header or a retry loop themselves.
 */
export class ParallelClient {
	readonly node: INode;

	private constructor(
		private readonly context: RequestContext,
		readonly baseUrl: string,
		private readonly apiKey: string,
		private readonly options: ClientOptions & { apiVersion: ApiVersion },
	) {
		this.node = context.getNode();
	}

	/** Reads the credential; a Base URL the key may not be sent to stops here, before any request. */
	static async connect(
		context: RequestContext,
		options: ClientOptions = {},
	): Promise<ParallelClient> {
		const credentials = await context.getCredentials<{
			apiKey?: string;
			baseUrl?: string;
			allowHttp?: boolean;
		}>(CREDENTIAL_TYPE);
		const endpoint = endpointOf(credentials.baseUrl, credentials.allowHttp);
		if (!endpoint.ok) {
			throw new NodeOperationError(context.getNode(), endpoint.message, {
				description: endpoint.description,
			});
		}
		return new ParallelClient(context, endpoint.baseUrl, String(credentials.apiKey ?? ''), {
			...options,
			apiVersion: options.apiVersion ?? 'v1',
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
			this.readSchedule(),
			undefined,
			(result) => {
				if (result.kind === 'response') {
					const { statusCode, body } = result.response;
					if (isSuccess(statusCode)) return { done: { statusCode, body: this.parseBody(body) } };
					if (statuses.includes(statusCode)) return { done: { statusCode, body } };
				}
				return this.retryOrFail(result, request, request.retry408 ?? true);
			},
		);
	}

	/**
	 * A POST that creates paid runs. It is resent only when the server certainly did not act on it:
	 * a 429, or a connection that was never made. A redirect or another 4xx fails (nothing was
	 * created); any other failure comes back as `ambiguous`, so the caller can read the group and
	 * send only what is missing.
	 */
	async submitOnce<T>(request: ApiRequest): Promise<SubmitOutcome<T>> {
		let attempts = 0;
		const { submit } = POLICY;
		return await this.withRetries<SubmitOutcome<T>>(
			{ ...request, method: 'POST' },
			{ retries: submit, attemptTimeoutMs: submit.attemptTimeoutMs, budgetMs: submit.budgetMs },
			undefined,
			(result) => {
				attempts++;
				if (result.kind === 'response' && isSuccess(result.response.statusCode)) {
					return {
						done: { status: 'accepted', body: this.parseBody(result.response.body) as T, attempts },
					};
				}
				const failure = this.toError(result, request);
				const status = result.kind === 'response' ? result.response.statusCode : undefined;
				if (result.kind === 'network' ? isNeverSent(result.code) : status === 429) {
					return { retry: failure };
				}
				if (status !== undefined && status < 500 && status !== 408) return { fail: failure };
				return { done: { status: 'ambiguous', error: failure, attempts } };
			},
		);
	}

	/**
	 * Opens a server-sent events stream; a non-2xx answer becomes a NodeApiError with its body. The
	 * stream closes itself after `silenceMs` without a byte (policy.ts), so no read waits forever.
	 */
	async openStream(request: ApiRequest, streamOptions: StreamOptions = {}): Promise<EventStream> {
		const { stream } = POLICY;
		return await this.withRetries<EventStream>(
			request,
			{ ...this.readSchedule(), attemptTimeoutMs: stream.headersTimeoutMs },
			() => new AbortController(),
			(result, closer) => {
				if (result.kind === 'response' && isSuccess(result.response.statusCode)) {
					const opened = new EventStream(result.response.body as ByteStream, closer!, {
						signal: this.options.signal,
						silenceMs: streamOptions.silenceMs ?? stream.silenceMs,
						onSkip: (skipped) =>
							this.context.logger.debug('Parallel stream message skipped', { ...skipped }),
					});
					return { done: opened };
				}
				return this.retryOrFail(result, request, true);
			},
		);
	}

	private readSchedule(): Schedule {
		const { read } = POLICY;
		return {
			retries: this.options.retryPolicy ?? read,
			attemptTimeoutMs: read.attemptTimeoutMs,
			budgetMs: read.budgetMs,
		};
	}

	private retryOrFail<T>(result: Answered, request: ApiRequest, retry408: boolean): Verdict<T> {
		const retryable =
			result.kind === 'network' || isRetryableStatus(result.response.statusCode, retry408);
		const failure = this.toError(result, request);
		return retryable ? { retry: failure } : { fail: failure };
	}

	/** Sends `request` until `judge` returns or fails it, backing off between attempts. */
	private async withRetries<T>(
		request: ApiRequest,
		schedule: Schedule,
		newStreamCloser: (() => AbortController) | undefined,
		judge: (result: Answered, streamCloser?: AbortController) => Verdict<T>,
	): Promise<T> {
		const { retries } = schedule;
		const deadline = request.deadline ?? Date.now() + schedule.budgetMs;
		for (let attempt = 0; ; attempt++) {
			const streamCloser = newStreamCloser?.();
			const result = await sendAttempt(this.context, {
				method: request.method ?? 'GET',
				url: this.urlOf(request.path),
				path: request.path,
				qs: request.qs,
				body: request.body,
				betas: request.betas,
				timeoutMs: attemptTimeoutMs(request.timeoutMs ?? schedule.attemptTimeoutMs, deadline),
				signal: this.options.signal,
				streamCloser,
			});
			if (result.kind === 'cancelled') throw this.cancelled();
			const verdict = judge(result, streamCloser);
			if ('done' in verdict) return verdict.done as T;
			if ('fail' in verdict || attempt + 1 >= retries.maxAttempts) {
				throw 'fail' in verdict ? verdict.fail : verdict.retry;
			}
			const headers = result.kind === 'response' ? result.response.headers : undefined;
			const delay = retryDelayMs(attempt, headers, retries);
			if (Date.now() + delay >= deadline) throw verdict.retry;
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

	private urlOf(path: string): string {
		return `${this.baseUrl}/${this.options.apiVersion}${path}`;
	}

	private toError(result: Answered, request: ApiRequest): NodeApiError {
		if (result.kind === 'network') {
			return networkError(this.node, result.code, this.baseUrl, request.subject);
		}
		const { statusCode, headers, body } = result.response;
		if (statusCode >= 300 && statusCode < 400) {
			return redirectError(this.node, {
				status: statusCode,
				location: headers?.location,
				from: this.urlOf(request.path),
				baseUrl: this.baseUrl,
				subject: request.subject,
			});
		}
		return apiErrorFromResponse(this.node, {
			status: statusCode,
			body,
			subject: request.subject,
			secret: [this.apiKey, ...(request.secrets ?? [])],
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

import { backoffDelayMs, READ_RETRIES } from './policy';
import type { RetrySchedule } from './policy';

// Which failures are worth another attempt, and how long the server asks to wait. The numbers
// (attempts, delays, time limits) are in policy.ts.

export { backoffDelayMs };
export type RetryPolicy = RetrySchedule;
export const DEFAULT_RETRY_POLICY: RetryPolicy = READ_RETRIES;

type HeaderBag = Record<string, unknown> | undefined;

function header(headers: HeaderBag, name: string): string | undefined {
	if (!headers) return undefined;
	const value = headers[name] ?? headers[name.toLowerCase()];
	if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
	return value === undefined || value === null ? undefined : String(value);
}

/** The delay the server asked for, in ms: `retry-after-ms`, else `Retry-After` (seconds or HTTP date). */
export function serverRequestedDelayMs(headers: HeaderBag, now = Date.now()): number | undefined {
	const ms = Number.parseFloat(header(headers, 'retry-after-ms') ?? '');
	if (Number.isFinite(ms) && ms >= 0) return ms;
	const retryAfter = header(headers, 'retry-after');
	if (retryAfter === undefined) return undefined;
	const seconds = Number(retryAfter.trim());
	if (retryAfter.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
	const date = Date.parse(retryAfter);
	if (Number.isFinite(date)) return Math.max(0, date - now);
	return undefined;
}

/** How long to wait before retry number `retry` (0-based), honouring the server's wish up to a cap. */
export function retryDelayMs(
	retry: number,
	headers: HeaderBag,
	policy: RetryPolicy,
	random = Math.random,
): number {
	const requested = serverRequestedDelayMs(headers);
	if (requested !== undefined) return Math.min(requested, policy.maxServerDelayMs);
	return backoffDelayMs(retry, policy, random);
}

export function isRetryableStatus(status: number, retry408 = true): boolean {
	return status === 429 || status >= 500 || (retry408 && status === 408);
}

/** Failures where the request certainly never reached the server, so even a POST can be resent. */
const NEVER_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EADDRNOTAVAIL',
	'ERR_INVALID_URL',
]);

const CANCEL_CODES = new Set(['ERR_CANCELED', 'ABORT_ERR']);

/** Node or axios error code found anywhere on an error or its causes (n8n wraps them). */
export function networkErrorCode(error: unknown): string | undefined {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const record = current as Record<string, unknown>;
		for (const key of ['code', 'httpCode', 'errno']) {
			const value = record[key];
			if (typeof value === 'string' && /^(E[A-Z_]+|ERR_[A-Z_]+|ABORT_ERR)$/.test(value))
				return value;
		}
		const message = typeof record.message === 'string' ? record.message : '';
		const inMessage = /\b(E[A-Z]{4,}|ERR_[A-Z_]+)\b/.exec(message);
		if (inMessage) return inMessage[1];
		current = record.cause ?? record.reason ?? record.error;
	}
	return undefined;
}

export function isNeverSent(code: string | undefined): boolean {
	return code !== undefined && NEVER_SENT_CODES.has(code);
}

export function isCancellation(error: unknown, signal?: AbortSignal): boolean {
	if (signal?.aborted) return true;
	const code = networkErrorCode(error);
	if (code && CANCEL_CODES.has(code)) return true;
	const name = (error as { name?: unknown } | undefined)?.name;
	return name === 'AbortError' || name === 'CanceledError';
}

import {
	backoffDelayMs,
	DEFAULT_RETRY_POLICY,
	isCancellation,
	isNeverSent,
	isRetryableStatus,
	networkErrorCode,
	retryDelayMs,
	serverRequestedDelayMs,
} from '../../nodes/shared/transport/retry';

describe('retry policy', () => {
	it('honours retry-after-ms before Retry-After', () => {
		expect(serverRequestedDelayMs({ 'retry-after-ms': '250.5', 'retry-after': '9' })).toBe(250.5);
		expect(serverRequestedDelayMs({ 'retry-after': '3' })).toBe(3000);
		expect(serverRequestedDelayMs({ 'retry-after': ['2'] })).toBe(2000);
	});

	it('reads Retry-After as an HTTP date', () => {
		const now = Date.parse('2026-11-29T10:00:00Z');
		expect(serverRequestedDelayMs({ 'retry-after': 'Sun, 29 Nov 2026 10:00:07 GMT' }, now)).toBe(
			7000,
		);
		expect(serverRequestedDelayMs({ 'retry-after': 'Sun, 29 Nov 2026 09:00:00 GMT' }, now)).toBe(0);
	});

	it('ignores a Retry-After it cannot read', () => {
		expect(serverRequestedDelayMs({ 'retry-after': 'soon' })).toBeUndefined();
		expect(serverRequestedDelayMs({})).toBeUndefined();
		expect(serverRequestedDelayMs(undefined)).toBeUndefined();
	});

	it('caps the delay the server asks for', () => {
		expect(retryDelayMs(0, { 'retry-after': '3600' }, DEFAULT_RETRY_POLICY)).toBe(60_000);
		expect(retryDelayMs(0, { 'retry-after-ms': '120' }, DEFAULT_RETRY_POLICY)).toBe(120);
	});

	it('backs off exponentially with jitter inside [step/2, step], up to the cap', () => {
		const policy = { baseDelayMs: 500, maxDelayMs: 8_000 };
		expect(backoffDelayMs(0, policy, () => 0)).toBe(250);
		expect(backoffDelayMs(0, policy, () => 1)).toBe(500);
		expect(backoffDelayMs(3, policy, () => 0.5)).toBe(3000);
		expect(backoffDelayMs(10, policy, () => 1)).toBe(8_000);
		const samples = new Set(Array.from({ length: 50 }, () => backoffDelayMs(2, policy)));
		expect(samples.size).toBeGreaterThan(10);
		for (const delay of samples) {
			expect(delay).toBeGreaterThanOrEqual(1000);
			expect(delay).toBeLessThanOrEqual(2000);
		}
	});

	it('retries 408, 429 and 5xx only', () => {
		expect([400, 401, 402, 403, 404, 422].some((s) => isRetryableStatus(s))).toBe(false);
		expect([408, 429, 500, 502, 503, 504].every((s) => isRetryableStatus(s))).toBe(true);
		expect(isRetryableStatus(408, false)).toBe(false);
	});

	it('finds the network code through n8n error wrapping', () => {
		const axiosError = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
			code: 'ECONNREFUSED',
		});
		const wrapped = Object.assign(new Error('The service refused the connection'), {
			cause: axiosError,
		});
		expect(networkErrorCode(wrapped)).toBe('ECONNREFUSED');
		expect(networkErrorCode({ httpCode: 'ECONNRESET' })).toBe('ECONNRESET');
		expect(networkErrorCode(new Error('socket hang up'))).toBeUndefined();
	});

	it('resends a POST only when the connection was never made', () => {
		expect(isNeverSent('ECONNREFUSED')).toBe(true);
		expect(isNeverSent('ENOTFOUND')).toBe(true);
		expect(isNeverSent('ECONNRESET')).toBe(false);
		expect(isNeverSent('ETIMEDOUT')).toBe(false);
		expect(isNeverSent(undefined)).toBe(false);
	});

	it('recognises cancellation', () => {
		const controller = new AbortController();
		expect(isCancellation(new Error('x'), controller.signal)).toBe(false);
		controller.abort();
		expect(isCancellation(new Error('x'), controller.signal)).toBe(true);
		expect(isCancellation(Object.assign(new Error('canceled'), { code: 'ERR_CANCELED' }))).toBe(
			true,
		);
	});
});

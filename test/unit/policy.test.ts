import { runOptions } from '../../nodes/ParallelTaskGroup/descriptions/runOptions';
import { endpointOf, isLoopbackHost } from '../../nodes/shared/transport/endpoint';
import {
	attemptTimeoutMs,
	backoffDelayMs,
	POLICY,
	settleCheckTimes,
} from '../../nodes/shared/transport/policy';

describe('the settle schedule', () => {
	it('reads 1, 2, 4, 8, 16 s apart, then every 16 s, and last exactly at the window end', () => {
		expect(settleCheckTimes(60_000)).toEqual([1_000, 3_000, 7_000, 15_000, 31_000, 47_000, 60_000]);
		expect(settleCheckTimes(5_000)).toEqual([1_000, 3_000, 5_000]);
		expect(settleCheckTimes(3_000)).toEqual([1_000, 3_000]);
	});

	it('reads once at once with no window, and never after the window', () => {
		expect(settleCheckTimes(0)).toEqual([0]);
		expect(settleCheckTimes(500)).toEqual([500]);
		for (const window of [1, 999, 1_000, 1_001, 31_000, 600_000]) {
			const times = settleCheckTimes(window);
			expect(times.at(-1)).toBe(window);
			expect([...times].sort((a, b) => a - b)).toEqual(times);
			expect(new Set(times).size).toBe(times.length);
		}
	});

	it("matches the node option's default and maximum", () => {
		const option = runOptions.find((entry) => entry.name === 'settleWindowSeconds');
		expect(option?.default).toBe(POLICY.settle.defaultWindowSeconds);
		expect(option?.typeOptions?.maxValue).toBe(POLICY.settle.maxWindowSeconds);
	});
});

describe('time limits', () => {
	it('cuts an attempt to the time left before the deadline, never below a second', () => {
		const now = 1_000_000;
		expect(attemptTimeoutMs(60_000, undefined, now)).toBe(60_000);
		expect(attemptTimeoutMs(60_000, now + 10_000, now)).toBe(10_000);
		expect(attemptTimeoutMs(60_000, now + 120_000, now)).toBe(60_000);
		expect(attemptTimeoutMs(60_000, now - 5_000, now)).toBe(1_000);
	});

	it('gives add-runs POSTs longer than reads and than gateways (120 s)', () => {
		expect(POLICY.submit.attemptTimeoutMs).toBeGreaterThan(120_000);
		expect(POLICY.submit.attemptTimeoutMs).toBeGreaterThan(POLICY.read.attemptTimeoutMs);
	});

	it('notices a silent stream within about a minute or two', () => {
		expect(POLICY.stream.silenceMs).toBeGreaterThanOrEqual(30_000);
		expect(POLICY.stream.silenceMs).toBeLessThanOrEqual(120_000);
	});

	it('backs off within [step/2, step] of the schedule it is given', () => {
		expect(backoffDelayMs(0, POLICY.result.unfinished, () => 0)).toBe(500);
		expect(backoffDelayMs(10, POLICY.result.unfinished, () => 1)).toBe(15_000);
	});
});

describe('where the key may go', () => {
	it('takes https anywhere and plain http only to this machine', () => {
		expect(endpointOf('https://api.parallel.ai/', false)).toEqual({
			ok: true,
			baseUrl: 'https://api.parallel.ai',
			origin: 'https://api.parallel.ai',
		});
		expect(endpointOf('', false)).toMatchObject({ ok: true, baseUrl: 'https://api.parallel.ai' });
		expect(endpointOf('http://127.0.0.1:5678/x/', false)).toMatchObject({
			ok: true,
			baseUrl: 'http://127.0.0.1:5678/x',
			origin: 'http://127.0.0.1:5678',
		});
		expect(endpointOf('http://proxy.internal', false)).toMatchObject({ ok: false });
		expect(endpointOf('http://proxy.internal', true)).toMatchObject({ ok: true });
		expect(endpointOf('ftp://proxy.internal', true)).toMatchObject({ ok: false });
		expect(endpointOf('not a url', true)).toMatchObject({ ok: false });
	});

	it.each([
		['localhost', true],
		['api.localhost', true],
		['127.0.0.1', true],
		['127.12.0.9', true],
		['[::1]', true],
		['::1', true],
		['10.0.0.5', false],
		['localhost.example.com', false],
		['127.0.0.1.nip.io', false],
		['0.0.0.0', false],
	])('%s is loopback: %s', (host, expected) => {
		expect(isLoopbackHost(host)).toBe(expected);
	});
});

/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e harness runs in Node, not in n8n */
// Waiting on observable conditions: every wait in the harness polls a probe until it answers or a
// deadline passes, and the timeout error says what was awaited and what was last seen.
import { setTimeout as delay } from 'node:timers/promises';

export interface PollOptions {
	timeoutMs: number;
	intervalMs?: number;
	/** Checked between probes: a reason to stop early (e.g. the process being awaited exited). */
	abortIf?: () => string | undefined;
}

export class PollTimeoutError extends Error {}

/**
 * Calls `probe` until it returns something other than `undefined`/`false`, and returns that.
 * `describe` is called on timeout with the last probe error, if any, to explain what was missing.
 */
export async function waitFor<T>(
	what: string,
	probe: () => Promise<T | undefined | false> | T | undefined | false,
	options: PollOptions,
	describe?: () => string,
): Promise<T> {
	const deadline = Date.now() + options.timeoutMs;
	const interval = options.intervalMs ?? 250;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value !== undefined && value !== false) return value;
			lastError = undefined;
		} catch (error) {
			lastError = error;
		}
		const abortReason = options.abortIf?.();
		if (abortReason) throw new Error(`Stopped waiting for ${what}: ${abortReason}`);
		if (Date.now() >= deadline) {
			const details = [
				describe?.(),
				lastError ? `last error: ${(lastError as Error).message}` : undefined,
			]
				.filter(Boolean)
				.join('; ');
			throw new PollTimeoutError(
				`Timed out after ${options.timeoutMs / 1000} s waiting for ${what}${details ? ` (${details})` : ''}`,
			);
		}
		await delay(Math.min(interval, Math.max(1, deadline - Date.now())));
	}
}

/** A fixed wait, only for proving an absence (nothing more arrives within a window). */
export async function observeQuietPeriod(ms: number): Promise<void> {
	await delay(ms);
}

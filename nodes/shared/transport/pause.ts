import * as workflow from 'n8n-workflow';

type LegacySleepWithAbort = (ms: number, signal: AbortSignal) => Promise<void>;

/**
 * Waits `ms` milliseconds, or less if `signal` aborts first. Never rejects: callers check
 * `signal.aborted` afterwards. Node code may not use timers (n8n Cloud rules), so this is built on
 * n8n-workflow's `sleep`, which takes an abort signal from 2.35 on; n8n 1.x up to 2.30 offered
 * `sleepWithAbort` instead. On a host with neither, the abort still ends the wait at once and the
 * host's timer is left to expire on its own.
 */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
	if (ms <= 0 || signal?.aborted) return;
	if (!signal) {
		await workflow.sleep(ms);
		return;
	}
	const legacy = (workflow as unknown as { sleepWithAbort?: LegacySleepWithAbort }).sleepWithAbort;
	const slept = typeof legacy === 'function' ? legacy(ms, signal) : workflow.sleep(ms, signal);
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<void>((resolve) => {
		onAbort = resolve;
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([slept.catch(() => undefined), aborted]);
	} finally {
		if (onAbort) signal.removeEventListener('abort', onAbort);
	}
}

/** An abort signal that fires when any of `signals` does. */
export function anySignal(signals: Array<AbortSignal | undefined>): AbortSignal {
	return AbortSignal.any(signals.filter((signal): signal is AbortSignal => signal !== undefined));
}

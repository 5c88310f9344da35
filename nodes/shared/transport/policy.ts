/**
 * Every retry count and time limit of the package, with the reason for each number. Callers say
 * what they do (a read, an add-runs POST, a stream, a wait, a reconcile) and take their limits
 * from here. A call that makes other calls hands them its deadline, so nesting never multiplies
 * a bound: whatever the server does, a call ends by its deadline plus one attempt's cut-off.
 *
 * Tests shorten some of these numbers on this object (they run inside the same process); node code
 * only reads them.
 */

export interface Backoff {
	/** The first retry waits between half of this and all of it; each next one twice as long. */
	baseDelayMs: number;
	maxDelayMs: number;
}

export interface RetrySchedule extends Backoff {
	/** Attempts in all, the first included. */
	maxAttempts: number;
	/** Upper bound on a delay the server asks for with Retry-After or retry-after-ms. */
	maxServerDelayMs: number;
}

export const POLICY = {
	/** GETs of JSON and requests that cost nothing when repeated (create group, credential test). */
	read: {
		// Parallel's SDK gives an attempt 60 s; a read normally answers in well under a second.
		attemptTimeoutMs: 60_000,
		// The SDK makes 3 attempts; 5 ride out a blip of 10-20 s (0.5 + 1 + 2 + 4 s of backoff,
		// plus what Retry-After asks).
		maxAttempts: 5,
		baseDelayMs: 500,
		maxDelayMs: 8_000,
		// Parallel's rate limit is per minute: a longer Retry-After is not worth honouring in full.
		maxServerDelayMs: 60_000,
		// The whole read, retries included, ends within this unless the caller gives a deadline.
		budgetMs: 3 * 60_000,
	},

	/** One add-runs POST (up to 1,000 runs). Resent only when it certainly did nothing (429, no connection). */
	submit: {
		// Longer than gateways' own cut-offs (typically 30-120 s), so a gateway's 504, which the node
		// can reconcile, arrives before this side gives up; and 2.5 times the SDK's 60 s, because a
		// 1,000-run POST can take long under load.
		attemptTimeoutMs: 150_000,
		maxAttempts: 5,
		baseDelayMs: 500,
		maxDelayMs: 8_000,
		maxServerDelayMs: 60_000,
		budgetMs: 10 * 60_000,
	},

	/** Server-sent event streams (`/events`, `/runs`). */
	stream: {
		// Headers come at once on a healthy stream; the SDK gives them 60 s, half is plenty.
		headersTimeoutMs: 30_000,
		// Keep-alives come every few seconds (the stand-in API sends one every 15 s), so a minute
		// without a single byte means the connection is dead even if the socket says otherwise.
		silenceMs: 60_000,
	},

	/** Reading a group's `/runs` snapshot (results, reconcile reads, the trigger's catch-up). */
	runs: {
		// A stream that stalls or drops is resumed from its last event_id this many times in a
		// row without a new run before the read gives up; a connection that brings new runs resets it.
		maxResumesWithoutProgress: 5,
		resume: { baseDelayMs: 250, maxDelayMs: 4_000 } as Backoff,
		// One read of a group's runs ends within this: 100,000 runs with outputs take about a
		// minute on a fast link; the rest is room for a slow one.
		budgetMs: 15 * 60_000,
	},

	/** Waiting for a group or for runs (Wait for Completion, Enrich). */
	wait: {
		// Reopening the events stream after it ended or dropped; quick at first, then at most every 5 s.
		reconnect: { baseDelayMs: 250, maxDelayMs: 5_000 } as Backoff,
		// An operation with Max Wait ends within Max Wait plus this: the one request that may be
		// under way when the time runs out is cut off here.
		marginMs: 15_000,
	},

	/** A run's result (Task Run > Get Result). */
	result: {
		// Each long-poll holds at most this long: well under the idle cut-off of proxies (60 s).
		longPollSeconds: 30,
		// After a poll that came back early without a result (e.g. a run in action_required),
		// wait before asking again: 1 s, 2 s, 4 s... up to 15 s.
		unfinished: { baseDelayMs: 1_000, maxDelayMs: 15_000 } as Backoff,
	},

	/**
	 * Settling after an add-runs POST whose outcome is unknown (lost answer, timeout, 408, 5xx):
	 * the group is read at growing intervals until the batch's runs appear or the window has passed.
	 */
	settle: {
		// Parallel documents no idempotency key; its SDK gives an attempt 60 s; gateways cut at
		// 30-120 s and the backend may go on after that. A minute after the failed answer covers
		// a backend that finishes within the SDK's own limit; the user waits it only after a failure.
		defaultWindowSeconds: 60,
		maxWindowSeconds: 600,
		// Reads 1, 2, 4, 8, 16 s apart, then every 16 s; the last one exactly at the window's end.
		firstCheckMs: 1_000,
		maxCheckIntervalMs: 16_000,
		// Rounds of sending what is still missing after a window (each needs a new failure).
		maxRounds: 3,
	},

	/** The trigger's numbers. */
	trigger: {
		// Reopening the events stream after a failure: 1 s at first, then at most every 30 s (a
		// trigger waits for ever, so it must not hammer a server that is down).
		reconnect: { baseDelayMs: 1_000, maxDelayMs: 30_000 } as Backoff,
		// After a connection that delivered runs: go straight back, just not in a busy loop.
		quickReconnectMs: 100,
		// Default of the trigger's "Reconnect After Silence" option.
		silenceMs: 90_000,
		// Run IDs the trigger remembers having emitted (static data, saved by n8n at every emit, so
		// kept small): what drops repeats where n8n has no deduplication keys. It covers the replay.
		recentRuns: 200,
		/**
		 * n8n creates an execution in the background after an emit returns, so an emit just before a
		 * stop or a failure may never become one. After an activation and after a reconnect the
		 * trigger emits again the runs it emitted last (n8n 2.20+ drops those it already executed,
		 * by their deduplication key): at most the last `maxEmits` emits, only those made within
		 * `spanMs` before the latest one, and none when the latest is older than `maxAgeMs` (by then
		 * n8n may have pruned the executions, and with them their keys).
		 */
		// A completed run whose result is not ready yet (it can lag the run's end): asked again 1, 2,
		// 4, 8 s... apart; after `maxWaitMs` it is emitted with `output_missing: true` and a warning.
		// Runs ending together wait together, and the events behind them wait as long at most.
		output: {
			retry: { baseDelayMs: 1_000, maxDelayMs: 15_000 } as Backoff,
			maxWaitMs: 60_000,
		},
		// An emit n8n could not turn into an execution (it rejects the emit's done promise): made
		// again 1, 2, 4, 8 s apart (with jitter), 5 tries in all, the last one a plain emit. About
		// 15 s at most, time for a database that timed out under a burst to catch up.
		reEmit: { attempts: 5, backoff: { baseDelayMs: 1_000, maxDelayMs: 8_000 } as Backoff },
		// Executions under way at once from one trigger (n8n 2.20+, keys on): n8n with SQLite runs
		// 15-20 a second on 2 cores, so 100 is a queue of about 5 s, far from SQLite's 60-s limit
		// on waiting for its write lock. A place is freed when the execution ends, or after holdMs
		// (a long workflow, or an n8n that never says), so a burst waits `holdMs` per 100 runs at most.
		emits: { maxInFlight: 100, holdMs: 60_000 },
		replay: {
			maxEmits: 100,
			// n8n turns an emit into an execution within seconds; a minute covers a slow database.
			spanMs: 60_000,
			maxAgeMs: 60 * 60_000,
			// A replay that has not reached the saved cursor by then is given up (the server did not
			// serve the events again as before) and the stream reopens at the cursor.
			timeoutMs: 2 * 60_000,
		},
	},
};

/** The retry schedule of reads, as the client's default. */
export const READ_RETRIES: RetrySchedule = POLICY.read;

/** A request given less than this would fail for want of time, not of an answer. */
const MIN_ATTEMPT_MS = 1_000;

/** The cut-off of one attempt: its own limit, shortened to what is left before `deadline`. */
export function attemptTimeoutMs(limitMs: number, deadline?: number, now = Date.now()): number {
	if (deadline === undefined) return limitMs;
	return Math.max(MIN_ATTEMPT_MS, Math.min(limitMs, deadline - now));
}

/** Exponential backoff with equal jitter: half the step is fixed, half random. */
export function backoffDelayMs(retry: number, backoff: Backoff, random = Math.random): number {
	const step = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** retry);
	return Math.round(step / 2 + (random() * step) / 2);
}

/**
 * When to read a group while settling, in ms after the failed answer: 1, 3, 7, 15, 31, 47... and
 * the last read at exactly `windowMs`, so a batch the server applies within the window is seen.
 */
export function settleCheckTimes(windowMs: number): number[] {
	const { firstCheckMs, maxCheckIntervalMs } = POLICY.settle;
	const times: number[] = [];
	let at = 0;
	for (let interval = firstCheckMs; at + interval < windowMs; ) {
		at += interval;
		times.push(at);
		interval = Math.min(maxCheckIntervalMs, interval * 2);
	}
	times.push(windowMs);
	return times;
}

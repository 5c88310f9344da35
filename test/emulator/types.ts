// Public types of the emulator; index.ts re-exports them.
import { DEFAULT_CALLBACK_SECRET } from './webhooks';
import type { CallbackCounters, CallbackFault } from './webhooks';

export interface EmulatorOptions {
	/** 0 (default) = a random free port. The host is always 127.0.0.1. */
	port?: number;
	/** Accepted x-api-key values, default ['emulator-key']. */
	apiKeys?: string[];
	/** Multiplies every simulated duration; 1 = realistic, default 0.001. */
	speed?: number;
	/** Added before every API response (not control endpoints), default 0. */
	latencyMs?: number;
	/** Keep-alive comment interval on streams, default 15000. */
	keepAliveMs?: number;
	/** Server cap on one /events connection, default 3_600_000; then EOF without a final status. */
	eventsMaxMs?: number;
	/** Cap on how long /result really holds; absent or null (default) = no cap. */
	maxHoldMs?: number | null;
	/** Extra bytes added to each output (in the basis), default 0. */
	outputPadBytes?: number;
	/** Also write an SSE `id:` line with the event_id (open question 13.1), default false. */
	sseIdLines?: boolean;
	/** What /events replays after its first status when no last_event_id is given, default 'all'. */
	replayWithoutCursor?: 'all' | 'none';
	/** Minimum interval in real ms between progress task_group_status events, default 1000. */
	statusEveryMs?: number;
	/** Signs per-run webhook callbacks (Standard Webhooks), default a fixed `whsec_` secret. */
	webhookSecret?: string;
	/** First retry delay of a callback in real ms, doubled per attempt, default 5000 (Parallel's). */
	webhookRetryBaseMs?: number;
	/** Attempts per callback before giving up, default 10. */
	webhookMaxAttempts?: number;
	/** Per-attempt timeout of a callback in real ms, default 10000. */
	webhookTimeoutMs?: number;
}

export type ResolvedOptions = Required<EmulatorOptions>;

export const DEFAULT_API_KEY = 'emulator-key';
export { DEFAULT_CALLBACK_SECRET };

export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
	return {
		port: options.port ?? 0,
		apiKeys: options.apiKeys ?? [DEFAULT_API_KEY],
		speed: options.speed ?? 0.001,
		latencyMs: options.latencyMs ?? 0,
		keepAliveMs: options.keepAliveMs ?? 15_000,
		eventsMaxMs: options.eventsMaxMs ?? 3_600_000,
		maxHoldMs: options.maxHoldMs ?? null,
		outputPadBytes: options.outputPadBytes ?? 0,
		sseIdLines: options.sseIdLines ?? false,
		replayWithoutCursor: options.replayWithoutCursor ?? 'all',
		statusEveryMs: options.statusEveryMs ?? 1000,
		webhookSecret: options.webhookSecret ?? DEFAULT_CALLBACK_SECRET,
		webhookRetryBaseMs: options.webhookRetryBaseMs ?? 5000,
		webhookMaxAttempts: options.webhookMaxAttempts ?? 10,
		webhookTimeoutMs: options.webhookTimeoutMs ?? 10_000,
	};
}

/** Route names used by fault rules. `createRun` (POST /v1/tasks/runs) is an emulator extension. */
export type RouteName =
	| 'createGroup'
	| 'getGroup'
	| 'addRuns'
	| 'runs'
	| 'events'
	| 'getRun'
	| 'result'
	| 'input'
	| 'monitors'
	| 'createRun'
	/** GET /tasks/runs/{id}/events, the run's own stream. */
	| 'runEvents';

export type FaultAction =
	| { type: 'status'; status: number; retryAfter?: string; retryAfterMs?: number }
	| { type: 'statusAfterApply'; status: number }
	| { type: 'dropResponse' }
	| { type: 'latency'; ms: number }
	| { type: 'dropStream'; afterEvents: number }
	| { type: 'endStream'; afterEvents: number }
	/** Silent after N events; with `keepAlive`, keep-alive comments go on (stuck, not dead). */
	| { type: 'stallStream'; afterEvents: number; keepAlive?: boolean }
	| { type: 'duplicateEvents' }
	| { type: 'errorEvent'; afterEvents: number; message?: string }
	/**
	 * Answers at once, before any work: with `status` when given (e.g. a gateway's 504), else by
	 * dropping the connection; the work itself (runs created) is done `afterMs` later.
	 */
	| { type: 'applyLate'; afterMs: number; status?: number }
	/** Answers with a redirect (default 307) to `to` (default: the redirect target server), same path. */
	| { type: 'redirect'; status?: number; to?: string }
	/**
	 * A completed run's result is not ready until `ms` (real) after it completed: `/result`
	 * answers 404 and `/runs` gives `output: null` meanwhile. Not ending: the request goes on.
	 */
	| { type: 'lagResults'; ms: number };

export interface FaultRule {
	route: RouteName | '*';
	/** Let this many matching requests through first (default 0). */
	skip?: number;
	/** How many matching requests it affects (default 1; -1 = every one). */
	times?: number;
	/** Only requests about this run (`result`, `input` and `getRun` routes); others pass it by. */
	runId?: string;
	action: FaultAction;
}

export interface Counters {
	/** Keyed by method and version-free route template, e.g. 'POST /tasks/groups/:id/runs'. */
	requests: Record<string, number>;
	/** Keyed by '<method> <route> <status>'. */
	responses: Record<string, number>;
	runsCreated: Record<string, number>;
	runsCreatedTotal: number;
	duplicateInputs: Record<string, number>;
	duplicateInputsTotal: number;
	openStreams: number;
	maxOpenStreams: number;
	streamsOpened: number;
	droppedResponses: number;
	injectedFaults: number;
	/** `applyLate` faults whose work has been done. */
	lateWorkDone: number;
	/** `parallel-beta` header values per route template and how often each came ('' = none). */
	betaHeaders: Record<string, Record<string, number>>;
	/** The redirect target server: every request it got, and those carrying an `x-api-key`. */
	redirectTarget: { requests: number; withApiKey: number };
}

export interface GroupSnapshot {
	runs: Array<{
		run_id: string;
		status: string;
		input: unknown;
		metadata: unknown;
		interaction_id: string;
		/** The interaction this run followed up on, as submitted; null for a fresh run. */
		previous_interaction_id: string | null;
		/** As submitted, headers included (the stand-in is Parallel: it sees them). */
		mcp_servers: unknown;
		webhook: unknown;
		enable_events: boolean | null;
	}>;
}

export interface Emulator {
	/** e.g. http://127.0.0.1:43125 (no trailing slash, no /v1). */
	url: string;
	/** A second local server, another origin, that `redirect` faults point to by default. */
	redirectTargetUrl: string;
	close(): Promise<void>;
	reset(): void;
	addFault(rule: FaultRule): void;
	clearFaults(): void;
	counters(): Counters;
	hold(on: boolean): void;
	configure(options: Partial<EmulatorOptions>): void;
	group(id: string): GroupSnapshot | undefined;
	/** Per-run webhook callbacks: faults (see webhooks.ts) and counters. */
	addCallbackFault(fault: CallbackFault): void;
	callbacks(): CallbackCounters;
}

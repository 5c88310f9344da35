import type { CounterBook } from './counters';
import type { FaultBook } from './faults';
import type { RunScheduler } from './lifecycle';
import type { SseStream } from './sse';
import type { Store } from './store';
import type { ResolvedOptions } from './types';
import { errorBody, validationBody } from './validation';
import type { FieldError } from './validation';

/** Everything a request handler can reach. */
export interface EmulatorContext {
	options: ResolvedOptions;
	store: Store;
	scheduler: RunScheduler;
	faults: FaultBook;
	counters: CounterBook;
	openStreams: Set<SseStream>;
	/** Ends pending /result holds (on reset and close). */
	releaseHolds: Set<() => void>;
	/** Work that `applyLate` faults do later (cancelled on reset and close). */
	lateWork: Set<NodeJS.Timeout>;
	/** Where `redirect` faults point by default. */
	redirectTargetUrl: string;
}

/** What a handler decided; the server applies faults and latency, then writes it. */
export type Outcome =
	| { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
	| { kind: 'stream'; open(stream: SseStream): void };

export function jsonOutcome(status: number, body: unknown): Outcome {
	return { kind: 'json', status, body };
}

export function errorOutcome(
	status: number,
	message: string,
	detail?: Record<string, unknown>,
): Outcome {
	return jsonOutcome(status, errorBody(message, detail ?? {}));
}

/** 422 in the HTTPValidationError shape the spec declares for the group endpoints. */
export function validationOutcome(errors: FieldError[]): Outcome {
	return jsonOutcome(422, validationBody(errors));
}

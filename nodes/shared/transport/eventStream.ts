import type { GroupStreamEvent } from '../models';
import { anySignal, pause } from './pause';
import { readGroupEvents } from './sse';
import type { ByteStream, SkippedMessage } from './sse';

/** `ended`: the server closed it; `dropped`: it broke off; the rest: this side closed it. */
export type StreamEndReason = 'ended' | 'dropped' | 'closed' | 'stalled' | 'cancelled';

/** An open server-sent events stream of a task group, read once. */
export class EventStream {
	/** Epoch ms of the last bytes received, keep-alives included. */
	lastActivityAt = Date.now();

	private closeReason: StreamEndReason | undefined;

	constructor(
		private readonly body: ByteStream,
		private readonly closer: AbortController,
		private readonly options: { signal?: AbortSignal; onSkip?: (skipped: SkippedMessage) => void },
	) {}

	/** Why reading stopped. */
	get endReason(): StreamEndReason {
		if (this.closeReason) return this.closeReason;
		return this.options.signal?.aborted ? 'cancelled' : 'ended';
	}

	/** Aborts when this side closes the stream or reading ends. */
	get closedSignal(): AbortSignal {
		return this.closer.signal;
	}

	/** Closes the stream at `deadline` (epoch ms) unless it ends first. */
	async closeAt(deadline: number): Promise<void> {
		const signal = anySignal([this.closer.signal, this.options.signal]);
		await pause(deadline - Date.now(), signal);
		if (!signal.aborted) this.close('closed');
	}

	close(reason: StreamEndReason = 'closed'): void {
		if (!this.closeReason) this.closeReason = reason;
		this.closer.abort();
	}

	async *events(): AsyncGenerator<GroupStreamEvent> {
		const signal = anySignal([this.closer.signal, this.options.signal]);
		try {
			yield* readGroupEvents(this.body, {
				signal,
				onActivity: () => {
					this.lastActivityAt = Date.now();
				},
				onSkip: this.options.onSkip,
				onInterrupted: () => {
					if (!this.closeReason) this.closeReason = 'dropped';
				},
			});
		} finally {
			this.closer.abort();
		}
	}

	/**
	 * Closes the stream with reason `stalled` when no byte arrives for `stallMs`, not even a
	 * keep-alive. Runs until the stream is closed; built on `pause`, as node code may not use timers.
	 */
	async watchForStall(stallMs: number): Promise<void> {
		const signal = anySignal([this.closer.signal, this.options.signal]);
		const checkEvery = Math.max(10, Math.floor(stallMs / 4));
		while (!signal.aborted) {
			await pause(checkEvery, signal);
			if (!signal.aborted && Date.now() - this.lastActivityAt > stallMs) this.close('stalled');
		}
	}
}

import type { GroupStreamEvent, StreamEvent } from '../models';
import { anySignal, pause } from './pause';
import { isProgressEvent, readStreamEvents } from './sse';
import type { ByteStream, SkippedMessage } from './sse';

/** `ended`: the server closed it; `dropped`: it broke off; the rest: this side closed it. */
export type StreamEndReason = 'ended' | 'dropped' | 'closed' | 'stalled' | 'cancelled';

/** An open server-sent events stream (a task group's or a run's), read once. */
export class EventStream {
	/** Epoch ms of the last bytes received, keep-alives included. */
	lastActivityAt = Date.now();

	private closeReason: StreamEndReason | undefined;

	/** Close with reason `stalled` after this long without a byte, keep-alives included. */
	private silenceMs: number;

	private watchdog: Promise<void> | undefined;

	constructor(
		private readonly body: ByteStream,
		private readonly closer: AbortController,
		private readonly options: {
			signal?: AbortSignal;
			silenceMs: number;
			onSkip?: (skipped: SkippedMessage) => void;
		},
	) {
		this.silenceMs = options.silenceMs;
	}

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

	/** A group's events. */
	async *events(): AsyncGenerator<GroupStreamEvent> {
		for await (const event of this.allEvents()) if (!isProgressEvent(event)) yield event;
	}

	/** Every event, a run's progress events included. */
	async *allEvents(): AsyncGenerator<StreamEvent> {
		const signal = anySignal([this.closer.signal, this.options.signal]);
		void this.watchForStall(this.silenceMs);
		try {
			yield* readStreamEvents(this.body, {
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
	 * keep-alive. Every stream watches for silence from its first read on (with the policy's bound
	 * unless the caller gives its own); calling this again changes the bound. Runs until the
	 * stream is closed; built on `pause`, as node code may not use timers.
	 */
	async watchForStall(stallMs: number): Promise<void> {
		this.silenceMs = stallMs;
		this.watchdog ??= this.watch();
		await this.watchdog;
	}

	private async watch(): Promise<void> {
		const signal = anySignal([this.closer.signal, this.options.signal]);
		while (!signal.aborted) {
			const silentFor = Date.now() - this.lastActivityAt;
			if (silentFor > this.silenceMs) {
				this.close('stalled');
				return;
			}
			// Wake a little after the silence would pass, and at least every quarter of it, so a
			// shorter bound set later takes effect soon.
			const wait = Math.min(this.silenceMs - silentFor + 1, Math.max(10, this.silenceMs / 4));
			await pause(Math.max(10, wait), signal);
		}
	}
}

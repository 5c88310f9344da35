import { createParser } from '../vendor/eventsourceParser';
import type { EventSourceMessage, ParseError } from '../vendor/eventsourceParser';
import type { GroupStreamEvent, RunProgressEvent, StreamEvent } from '../models';

/** A response body as n8n hands it over with `encoding: 'stream'` (a Node IncomingMessage). */
export interface ByteStream extends AsyncIterable<Uint8Array | string> {
	destroy?: (error?: Error) => void;
}

export interface ReadSseOptions {
	/** Ends the read and closes the socket. */
	signal?: AbortSignal;
	/** Called for every chunk received, keep-alive comments included (stall detection). */
	onActivity?: () => void;
	/** Largest event the parser may buffer, in characters. */
	maxBufferSize?: number;
	/** Called when the stream breaks off (socket error, oversized event) rather than ending. */
	onInterrupted?: (error: unknown) => void;
}

const DEFAULT_MAX_BUFFER = 16 * 1024 * 1024;

export function destroyStream(body: ByteStream): void {
	try {
		body.destroy?.();
	} catch {
		// Already closed.
	}
}

/**
 * Server-sent events from a byte stream, parsed by eventsource-parser. Chunks may split a line,
 * a UTF-8 character or a CRLF anywhere; comments (keep-alives) produce no event. A trailing frame
 * without its blank line is dropped, as the official SDK does. A broken stream ends the loop too,
 * reported through `onInterrupted`: callers of a live stream reconnect either way.
 *
 * An abort ends the loop at once, even while waiting for bytes, and destroys the body. (n8n wraps
 * streamed bodies in a Readable that only finishes destroying when the next chunk arrives, so
 * waiting on the body itself could hang; the socket is closed by the request's abort signal
 * wherever n8n honours it.)
 */
export async function* readSse(
	body: ByteStream,
	options: ReadSseOptions = {},
): AsyncGenerator<EventSourceMessage> {
	const { signal, onActivity } = options;
	let queue: EventSourceMessage[] = [];
	let fatal: ParseError | undefined;
	const parser = createParser({
		onEvent: (message) => queue.push(message),
		onError: (error) => {
			if (error.type === 'max-buffer-size-exceeded') fatal = error;
		},
		maxBufferSize: options.maxBufferSize ?? DEFAULT_MAX_BUFFER,
	});
	const decoder = new TextDecoder('utf-8');
	const iterator = body[Symbol.asyncIterator]();
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<'aborted'>((resolve) => {
		onAbort = () => resolve('aborted');
		if (signal?.aborted) resolve('aborted');
		else signal?.addEventListener('abort', onAbort, { once: true });
	});
	try {
		for (;;) {
			const pending = iterator.next();
			pending.catch(() => undefined);
			const next = signal ? await Promise.race([pending, aborted]) : await pending;
			if (next === 'aborted' || next.done) break;
			onActivity?.();
			const chunk = next.value;
			parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
			if (fatal) {
				throw new Error(`The event stream sent an event over the size limit (${fatal.message})`);
			}
			if (queue.length) {
				const ready = queue;
				queue = [];
				for (const message of ready) yield message;
			}
			if (signal?.aborted) break;
		}
		if (signal?.aborted) return;
		const rest = decoder.decode();
		if (rest) parser.feed(rest);
		for (const message of queue) yield message;
	} catch (error) {
		if (!signal?.aborted) options.onInterrupted?.(error);
	} finally {
		if (onAbort) signal?.removeEventListener('abort', onAbort);
		destroyStream(body);
	}
}

export interface SkippedMessage {
	reason: string;
	event?: string;
}

/**
 * One typed group event from an SSE message. The JSON `type` decides the kind (the `event:` line
 * is only a fallback), and `event_id` falls back to the SSE `id:` line: the contract leaves both
 * open (notes 5.1, 13.1). Returns undefined for messages a client cannot use.
 */
export function toGroupEvent(
	message: EventSourceMessage,
	onSkip?: (skipped: SkippedMessage) => void,
): StreamEvent | undefined {
	let payload: unknown;
	try {
		payload = JSON.parse(message.data);
	} catch {
		onSkip?.({ reason: 'data is not JSON', event: message.event });
		return undefined;
	}
	if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
		onSkip?.({ reason: 'data is not a JSON object', event: message.event });
		return undefined;
	}
	const record = payload as Record<string, unknown>;
	const type = typeof record.type === 'string' ? record.type : message.event;
	const eventId =
		typeof record.event_id === 'string' && record.event_id !== ''
			? record.event_id
			: message.id || null;
	switch (type) {
		case 'task_group_status':
			if (!record.status || typeof record.status !== 'object') break;
			return Object.assign(record, {
				type,
				event_id: eventId ?? '',
			}) as unknown as GroupStreamEvent;
		case 'task_run.state':
			if (!record.run || typeof record.run !== 'object') break;
			return Object.assign(record, { type, event_id: eventId }) as unknown as GroupStreamEvent;
		case 'error':
			return {
				type,
				error:
					record.error && typeof record.error === 'object'
						? record.error
						: { ref_id: '', message: String(record.error ?? record.message ?? 'unknown') },
			} as GroupStreamEvent;
		case 'task_run.progress_stats':
			if (!record.source_stats || typeof record.source_stats !== 'object') break;
			return record as unknown as RunProgressEvent;
		default:
			if (type?.startsWith('task_run.progress_msg.') && typeof record.message === 'string') {
				return Object.assign(record, { type }) as unknown as RunProgressEvent;
			}
			onSkip?.({ reason: `unknown event type '${String(type)}'`, event: message.event });
			return undefined;
	}
	onSkip?.({ reason: `'${type}' event without its payload`, event: message.event });
	return undefined;
}

/** Typed events from a byte stream: a group's, or a run's own with its progress events. */
export async function* readStreamEvents(
	body: ByteStream,
	options: ReadSseOptions & { onSkip?: (skipped: SkippedMessage) => void } = {},
): AsyncGenerator<StreamEvent> {
	for await (const message of readSse(body, options)) {
		const event = toGroupEvent(message, options.onSkip);
		if (event) yield event;
	}
}

export const isProgressEvent = (event: StreamEvent): event is RunProgressEvent =>
	event.type.startsWith('task_run.progress');

/** Typed group events from a byte stream (progress events belong to a run's own stream). */
export async function* readGroupEvents(
	body: ByteStream,
	options: ReadSseOptions & { onSkip?: (skipped: SkippedMessage) => void } = {},
): AsyncGenerator<GroupStreamEvent> {
	for await (const event of readStreamEvents(body, options)) {
		if (!isProgressEvent(event)) yield event;
	}
}

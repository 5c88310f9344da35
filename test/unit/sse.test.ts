import { readGroupEvents, readSse, toGroupEvent } from '../../nodes/shared/transport/sse';
import type { ByteStream } from '../../nodes/shared/transport/sse';
import type { GroupStreamEvent, TaskRunEvent } from '../../nodes/shared/models';
import {
	EXPECTED_EVENT_IDS,
	EXPECTED_TYPES,
	GROUP_EVENTS_STREAM,
} from '../fixtures/groupEventsStream';

function chunked(bytes: Buffer, cuts: number[]): ByteStream & { destroyed: boolean } {
	const parts: Buffer[] = [];
	let start = 0;
	for (const cut of [...cuts, bytes.length]) {
		parts.push(bytes.subarray(start, cut));
		start = cut;
	}
	const stream = {
		destroyed: false,
		destroy() {
			stream.destroyed = true;
		},
		async *[Symbol.asyncIterator]() {
			for (const part of parts) {
				if (stream.destroyed) return;
				yield part;
			}
		},
	};
	return stream;
}

async function collect(body: ByteStream): Promise<GroupStreamEvent[]> {
	const events: GroupStreamEvent[] = [];
	for await (const event of readGroupEvents(body)) events.push(event);
	return events;
}

const bytes = Buffer.from(GROUP_EVENTS_STREAM, 'utf8');

describe('SSE reader', () => {
	let reference: GroupStreamEvent[];

	beforeAll(async () => {
		reference = await collect(chunked(bytes, []));
	});

	it('reads the recorded stream in one chunk', () => {
		expect(reference.map((e) => e.type)).toEqual(EXPECTED_TYPES);
		expect(reference.map((e) => ('event_id' in e ? e.event_id : null))).toEqual(EXPECTED_EVENT_IDS);
		const completed = reference[1] as TaskRunEvent;
		expect(completed.run.metadata).toEqual({ title: 'Zürich – 東京 🚀' });
		expect((reference[2] as TaskRunEvent).run.error?.message).toBe('Task failed – «no sources»');
	});

	it('gives the same events for a split at every byte offset', async () => {
		for (let cut = 1; cut < bytes.length; cut++) {
			const events = await collect(chunked(bytes, [cut]));
			if (JSON.stringify(events) !== JSON.stringify(reference)) {
				throw new Error(`split at byte ${cut} changed the events`);
			}
		}
	});

	it('gives the same events when every byte arrives alone', async () => {
		const everyByte = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
		expect(await collect(chunked(bytes, everyByte))).toEqual(reference);
	});

	it('reads CR-only line endings and multi-line data', async () => {
		const text =
			'event: task_group_status\rdata: {"type":"task_group_status",\rdata: "event_id":"7","status":{"is_active":true}}\r\r';
		const [event] = await collect(chunked(Buffer.from(text), [30, 31]));
		expect(event).toMatchObject({ type: 'task_group_status', event_id: '7' });
	});

	it('takes event_id from the id: line when the JSON has none, and the type from event:', () => {
		const event = toGroupEvent({
			event: 'task_run.state',
			id: '42',
			data: '{"run":{"run_id":"trun_1"}}',
		});
		expect(event).toMatchObject({ type: 'task_run.state', event_id: '42' });
	});

	it('skips data that is not JSON or of an unknown type instead of failing', async () => {
		const skipped: string[] = [];
		const text =
			'data: [DONE]\n\nevent: task_run.progress\ndata: {"type":"x"}\n\ndata: {"type":"error","error":{"ref_id":"r","message":"boom"}}\n\n';
		const events: GroupStreamEvent[] = [];
		for await (const event of readGroupEvents(chunked(Buffer.from(text), []), {
			onSkip: (s) => skipped.push(s.reason),
		}))
			events.push(event);
		expect(skipped).toEqual(['data is not JSON', "unknown event type 'x'"]);
		expect(events).toEqual([{ type: 'error', error: { ref_id: 'r', message: 'boom' } }]);
	});

	it('drops a trailing frame that never got its blank line', async () => {
		const text =
			'data: {"type":"error","error":{"ref_id":"r","message":"a"}}\n\ndata: {"type":"error","error":{"ref_id":"r","message":"b"}}\n';
		const events = await collect(chunked(Buffer.from(text), []));
		expect(events).toHaveLength(1);
	});

	it('closes the body when the reader leaves early', async () => {
		const body = chunked(bytes, [200, 400, 600]);
		for await (const message of readSse(body)) {
			expect(message.event).toBe('task_group_status');
			break;
		}
		expect(body.destroyed).toBe(true);
	});

	it('closes the body and ends quietly when aborted while waiting for bytes', async () => {
		const controller = new AbortController();
		let destroyed = false;
		let release: () => void = () => undefined;
		const body: ByteStream = {
			destroy() {
				destroyed = true;
				release();
			},
			async *[Symbol.asyncIterator]() {
				yield Buffer.from('data: {"type":"error","error":{"ref_id":"r","message":"a"}}\n\n');
				await new Promise<void>((resolve) => (release = resolve));
				if (destroyed) throw new Error('aborted');
			},
		};
		const seen: string[] = [];
		const reading = (async () => {
			for await (const message of readSse(body, { signal: controller.signal }))
				seen.push(message.data);
		})();
		for (let tick = 0; tick < 20 && seen.length === 0; tick++) await Promise.resolve();
		controller.abort();
		await reading;
		expect(seen).toHaveLength(1);
		expect(destroyed).toBe(true);
	});

	it('reports a broken stream through onInterrupted', async () => {
		const body: ByteStream = {
			async *[Symbol.asyncIterator]() {
				yield Buffer.from('data: {"type":"error","error":{"ref_id":"r","message":"a"}}\n\n');
				throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
			},
		};
		const interruptions: unknown[] = [];
		const seen: unknown[] = [];
		for await (const message of readSse(body, { onInterrupted: (e) => interruptions.push(e) }))
			seen.push(message);
		expect(seen).toHaveLength(1);
		expect(interruptions).toHaveLength(1);
	});
});

/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test infrastructure runs in Node, not in n8n */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { DEFAULT_CALLBACK_SECRET, startEmulator } from './index';
import { addRuns, liteInputs, newGroup, waitFor } from './helpers';
import { useForSuite } from '../harness/useForSuite';

interface Received {
	at: number;
	headers: IncomingHttpHeaders;
	body: string;
}

/** A receiver that answers each callback with the next status of `plan` (then 200). */
class Receiver {
	received: Received[] = [];
	plan: number[] = [];
	private constructor(
		private readonly server: Server,
		readonly url: string,
	) {}

	static async start(): Promise<Receiver> {
		const ref: { receiver?: Receiver } = {};
		const server = createServer((req, res) => {
			let body = '';
			req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
			req.on('end', () => {
				ref.receiver!.received.push({ at: Date.now(), headers: req.headers, body });
				res.statusCode = ref.receiver!.plan.shift() ?? 200;
				res.end('{}');
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
		ref.receiver = new Receiver(
			server,
			`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
		);
		return ref.receiver;
	}

	/** The proxy from useForSuite cannot assign fields: these change the real object. */
	clear(plan: number[] = []) {
		this.received = [];
		this.plan = plan;
	}

	async close() {
		await new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}
}

const emulator = useForSuite(() =>
	startEmulator({ speed: 0.0005, webhookRetryBaseMs: 30, webhookMaxAttempts: 4 }),
);
const receiver = useForSuite(() => Receiver.start());

beforeEach(() => {
	emulator.reset();
	receiver.clear();
});

const webhook = () => ({ url: receiver.url, event_types: ['task_run.status'] });

describe('per-run webhooks', () => {
	it('POSTs {timestamp, type, data: TaskRun} with Standard Webhooks headers and a valid signature', async () => {
		const groupId = await newGroup(emulator);
		await addRuns(emulator, groupId, { inputs: liteInputs(2, { webhook: webhook() }) });
		await waitFor(() => receiver.received.length === 2 && emulator.callbacks().pending === 0);
		for (const { headers, body } of receiver.received) {
			const payload = JSON.parse(body) as {
				timestamp: string;
				type: string;
				data: { run_id: string; status: string; taskgroup_id: string };
			};
			expect(payload.type).toBe('task_run.status');
			expect(Number.isNaN(Date.parse(payload.timestamp))).toBe(false);
			expect(payload.data).toMatchObject({ status: 'completed', taskgroup_id: groupId });
			expect(payload.data).not.toHaveProperty('output');
			const id = headers['webhook-id'] as string;
			const timestamp = headers['webhook-timestamp'] as string;
			expect(id).toMatch(/^whevent_/);
			const key = Buffer.from(DEFAULT_CALLBACK_SECRET.slice('whsec_'.length), 'base64');
			const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
			expect(headers['webhook-signature']).toBe(`v1,${mac}`);
		}
		expect(emulator.callbacks()).toMatchObject({
			scheduled: 2,
			attempts: 2,
			delivered: 2,
			pending: 0,
		});
	});

	it('sends nothing for runs without a webhook or without the task_run.status event type', async () => {
		const groupId = await newGroup(emulator);
		await addRuns(emulator, groupId, {
			inputs: [
				...liteInputs(1),
				...liteInputs(1, { webhook: { url: receiver.url, event_types: [] } }),
			],
		});
		await waitFor(async () =>
			emulator.group(groupId)!.runs.every((run) => run.status === 'completed'),
		);
		expect(emulator.callbacks().scheduled).toBe(0);
		expect(receiver.received).toHaveLength(0);
	});

	it('retries a non-2xx answer with doubling delays, keeping the message id, and gives up after maxAttempts', async () => {
		receiver.clear([503, 500, 409, 409]);
		const groupId = await newGroup(emulator);
		await addRuns(emulator, groupId, { inputs: liteInputs(1, { webhook: webhook() }) });
		await waitFor(() => emulator.callbacks().gaveUp === 1);
		expect(receiver.received).toHaveLength(4);
		expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
		// Timers never fire early: each retry waits at least 30 ms × 2^(attempt - 1).
		const gaps = receiver.received.slice(1).map((r, i) => r.at - receiver.received[i].at);
		gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(30 * 2 ** i - 2));
		expect(emulator.callbacks()).toMatchObject({
			attempts: 4,
			failedAttempts: 4,
			delivered: 0,
			pending: 0,
			statuses: { '503': 1, '500': 1, '409': 2 },
		});
	});

	it('faults: lost attempts are retried, duplicates sent twice, delayed ones late, early ones before the end shows', async () => {
		emulator.addCallbackFault({ action: { type: 'lose', attempts: 2 } });
		emulator.addCallbackFault({ action: { type: 'duplicate' }, skip: 1 });
		const groupId = await newGroup(emulator);
		await addRuns(emulator, groupId, { inputs: liteInputs(2, { webhook: webhook() }) });
		await waitFor(() => emulator.callbacks().delivered === 2);
		expect(emulator.callbacks()).toMatchObject({ lost: 2, duplicated: 1, attempts: 5 });
		expect(receiver.received).toHaveLength(3);

		emulator.reset();
		receiver.clear();
		emulator.addCallbackFault({ action: { type: 'early', ms: 300 } });
		const early = await newGroup(emulator);
		await addRuns(emulator, early, { inputs: liteInputs(1, { webhook: webhook() }) });
		await waitFor(() => receiver.received.length === 1);
		const announced = JSON.parse(receiver.received[0].body) as { data: { status: string } };
		expect(announced.data.status).toBe('completed');
		expect(emulator.group(early)!.runs[0].status).not.toBe('completed');
		await waitFor(() => emulator.group(early)!.runs[0].status === 'completed');
		expect(emulator.callbacks().early).toBe(1);

		emulator.reset();
		receiver.clear();
		emulator.addCallbackFault({ action: { type: 'delay', ms: 200 } });
		const late = await newGroup(emulator);
		await addRuns(emulator, late, { inputs: liteInputs(1, { webhook: webhook() }) });
		await waitFor(() => emulator.group(late)!.runs[0].status === 'completed');
		const endedAt = Date.now();
		await waitFor(() => receiver.received.length === 1);
		expect(receiver.received[0].at - endedAt).toBeGreaterThanOrEqual(100);
		expect(emulator.callbacks().delayed).toBe(1);
	});

	it('control API: callback faults and counters over HTTP', async () => {
		const added = await fetch(`${emulator.url}/__emulator/callback-faults`, {
			method: 'POST',
			body: JSON.stringify([{ action: { type: 'lose', attempts: 4 }, times: -1 }]),
		});
		expect(added.status).toBe(200);
		const bad = await fetch(`${emulator.url}/__emulator/callback-faults`, {
			method: 'POST',
			body: JSON.stringify({ action: { type: 'explode' } }),
		});
		expect(bad.status).toBe(400);
		const groupId = await newGroup(emulator);
		await addRuns(emulator, groupId, { inputs: liteInputs(1, { webhook: webhook() }) });
		await waitFor(() => emulator.callbacks().gaveUp === 1);
		const counters = (await (await fetch(`${emulator.url}/__emulator/callbacks`)).json()) as {
			lost: number;
		};
		expect(counters.lost).toBe(4);
		expect(receiver.received).toHaveLength(0);
	});
});

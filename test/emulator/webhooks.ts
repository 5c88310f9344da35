/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test infrastructure runs in Node, not in n8n */
import { createHmac, randomUUID } from 'node:crypto';

import type { TaskRun } from '../../nodes/shared/models';
import { newRefId, nowIso } from './store';
import type { RunRecord } from './store';
import { FAILED_RUN_MESSAGE } from './lifecycle';

/**
 * Per-run webhooks as Parallel documents them (notes 6.8): when a run with a `webhook` whose
 * `event_types` include `task_run.status` ends, `{timestamp, type, data: TaskRun}` is POSTed to its
 * URL with Standard Webhooks headers and signature; anything but a 2xx is retried with
 * exponential backoff (Parallel: from 5 s, for up to 48 h).
 */

export type CallbackFaultAction =
	/** The first `attempts` (default 1) delivery attempts never reach the receiver; retried later. */
	| { type: 'lose'; attempts?: number }
	/** Every attempt is sent twice at once. */
	| { type: 'duplicate' }
	/** The first attempt leaves `ms` late. */
	| { type: 'delay'; ms: number }
	/** The first attempt leaves `ms` before the run's end shows in the API. */
	| { type: 'early'; ms: number };

export interface CallbackFault {
	action: CallbackFaultAction;
	/** Let this many run ends through first (default 0). */
	skip?: number;
	/** How many run ends it affects (default 1; -1 = every one). */
	times?: number;
}

export interface CallbackOptions {
	/** Signs every callback; `whsec_<base64>` is decoded (Standard Webhooks), anything else used as is. */
	secret: string;
	/** First retry delay in real ms (Parallel: 5,000), doubled per attempt. */
	retryBaseMs: number;
	maxAttempts: number;
	/** Per-attempt timeout. */
	timeoutMs: number;
}

export interface CallbackCounters {
	/** Run ends that had a webhook to call. */
	scheduled: number;
	/** HTTP requests sent (duplicates included). */
	attempts: number;
	/** Run ends whose callback got a 2xx. */
	delivered: number;
	/** Attempts answered with a non-2xx or not at all. */
	failedAttempts: number;
	/** Attempts lost on purpose (fault `lose`). */
	lost: number;
	/** Attempts sent twice (fault `duplicate`; each retry of such a callback counts again). */
	duplicated: number;
	/** Run ends whose callback left late (fault `delay`). */
	delayed: number;
	/** Run ends whose callback left before the end showed (fault `early`). */
	early: number;
	/** Run ends whose callback was given up after `maxAttempts`. */
	gaveUp: number;
	/** Answers by HTTP status, or 'network'. */
	statuses: Record<string, number>;
	/** Callbacks not yet delivered or given up. */
	pending: number;
}

interface FaultState {
	fault: CallbackFault;
	seen: number;
	applied: number;
}

interface Delivery {
	url: string;
	body: string;
	messageId: string;
	attempt: number;
	lose: number;
	duplicate: boolean;
}

export const DEFAULT_CALLBACK_SECRET = `whsec_${Buffer.from('emulator-webhook-secret-0123456789').toString('base64')}`;

function emptyCounters(): CallbackCounters {
	return {
		scheduled: 0,
		attempts: 0,
		delivered: 0,
		failedAttempts: 0,
		lost: 0,
		duplicated: 0,
		delayed: 0,
		early: 0,
		gaveUp: 0,
		statuses: {},
		pending: 0,
	};
}

function checkFault(fault: CallbackFault): CallbackFault {
	const type = (fault?.action as { type?: string } | undefined)?.type;
	if (!['lose', 'duplicate', 'delay', 'early'].includes(type ?? '')) {
		throw new Error(`Unknown callback fault: ${JSON.stringify(fault)}`);
	}
	return fault;
}

export class CallbackSender {
	private faults: FaultState[] = [];
	private counters = emptyCounters();
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly inFlight = new Set<AbortController>();
	private handled = new WeakSet<RunRecord>();
	/** Bumped by stop(): callbacks of an earlier generation do nothing more. */
	private generation = 0;

	constructor(private readonly options: () => CallbackOptions) {}

	addFault(fault: CallbackFault): void {
		this.faults.push({ fault: checkFault(fault), seen: 0, applied: 0 });
	}

	clearFaults(): void {
		this.faults = [];
	}

	snapshot(): CallbackCounters {
		return { ...this.counters, statuses: { ...this.counters.statuses } };
	}

	/** Stops every pending and in-flight callback and forgets faults and counters. */
	reset(): void {
		this.stop();
		this.faults = [];
		this.counters = emptyCounters();
		this.handled = new WeakSet();
	}

	stop(): void {
		this.generation++;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		for (const controller of this.inFlight) controller.abort();
		this.inFlight.clear();
		this.counters.pending = 0;
	}

	/** The faults that apply to the next run end. */
	private faultsForRunEnd(): CallbackFaultAction[] {
		const actions: CallbackFaultAction[] = [];
		for (const state of this.faults) {
			state.seen++;
			const times = state.fault.times ?? 1;
			if (state.seen <= (state.fault.skip ?? 0)) continue;
			if (times !== -1 && state.applied >= times) continue;
			state.applied++;
			actions.push(state.fault.action);
		}
		return actions;
	}

	/**
	 * Called by the scheduler just before a run's end becomes visible. Returns how many real ms
	 * to hold that end back (fault `early`), 0 to apply it now.
	 */
	runEnding(record: RunRecord): number {
		if (this.handled.has(record)) return 0;
		this.handled.add(record);
		const webhook = record.input.webhook;
		if (!webhook?.url || !(webhook.event_types ?? []).includes('task_run.status')) return 0;
		const faults = this.faultsForRunEnd();
		const early = faults.find((fault) => fault.type === 'early');
		const delay = faults.find((fault) => fault.type === 'delay');
		const lose = faults.find((fault) => fault.type === 'lose');
		const run = early ? predictedEnd(record) : undefined;
		const delivery = (ended: TaskRun): Delivery => ({
			url: webhook.url,
			body: JSON.stringify({ timestamp: nowIso(), type: 'task_run.status', data: ended }),
			messageId: `whevent_${randomUUID().replace(/-/g, '')}`,
			attempt: 1,
			lose: lose?.type === 'lose' ? (lose.attempts ?? 1) : 0,
			duplicate: faults.some((fault) => fault.type === 'duplicate'),
		});
		this.counters.scheduled++;
		this.counters.pending++;
		if (early?.type === 'early' && run) {
			this.counters.early++;
			this.send(delivery(run));
			return early.ms;
		}
		// The run's end is applied right after this returns: the callback leaves once it shows.
		const wait = delay?.type === 'delay' ? delay.ms : 0;
		if (wait) this.counters.delayed++;
		this.later(wait, () => this.send(delivery({ ...record.run })));
		return 0;
	}

	private later(ms: number, work: () => void): void {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			work();
		}, ms);
		this.timers.add(timer);
	}

	private send(delivery: Delivery): void {
		const { secret, timeoutMs } = this.options();
		if (delivery.lose > 0) {
			delivery.lose--;
			this.counters.attempts++;
			this.counters.lost++;
			this.failed(delivery);
			return;
		}
		const copies = delivery.duplicate ? 2 : 1;
		if (delivery.duplicate) this.counters.duplicated++;
		const answers = Array.from({ length: copies }, () => this.post(delivery, secret, timeoutMs));
		const generation = this.generation;
		void Promise.all(answers).then((statuses) => {
			if (generation !== this.generation) return;
			if (statuses.some((status) => typeof status === 'number' && status >= 200 && status < 300)) {
				this.counters.delivered++;
				this.counters.pending--;
			} else {
				this.failed(delivery);
			}
		});
	}

	private async post(
		delivery: Delivery,
		secret: string,
		timeoutMs: number,
	): Promise<number | 'network'> {
		const timestamp = Math.floor(Date.now() / 1000);
		const generation = this.generation;
		const controller = new AbortController();
		this.inFlight.add(controller);
		const timer = setTimeout(() => controller.abort(), timeoutMs);
		this.counters.attempts++;
		let status: number | 'network';
		try {
			const response = await fetch(delivery.url, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'webhook-id': delivery.messageId,
					'webhook-timestamp': String(timestamp),
					'webhook-signature': signature(secret, delivery.messageId, timestamp, delivery.body),
				},
				body: delivery.body,
				signal: controller.signal,
			});
			await response.arrayBuffer().catch(() => undefined);
			status = response.status;
		} catch {
			status = 'network';
		} finally {
			clearTimeout(timer);
			this.inFlight.delete(controller);
		}
		if (generation !== this.generation) return status;
		const key = String(status);
		this.counters.statuses[key] = (this.counters.statuses[key] ?? 0) + 1;
		if (status === 'network' || status < 200 || status >= 300) this.counters.failedAttempts++;
		return status;
	}

	private failed(delivery: Delivery): void {
		const { retryBaseMs, maxAttempts } = this.options();
		if (delivery.attempt >= maxAttempts) {
			this.counters.gaveUp++;
			this.counters.pending--;
			return;
		}
		const wait = retryBaseMs * 2 ** (delivery.attempt - 1);
		delivery.attempt++;
		this.later(wait, () => this.send(delivery));
	}
}

/** The run as it will look once ended, for a callback sent before that shows in the API. */
function predictedEnd(record: RunRecord): TaskRun {
	const failed = record.willFail;
	return {
		...record.run,
		status: failed ? 'failed' : 'completed',
		is_active: false,
		error: failed ? { ref_id: newRefId(), message: FAILED_RUN_MESSAGE, detail: null } : null,
		modified_at: nowIso(),
	};
}

/** Standard Webhooks: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`. */
export function signature(secret: string, id: string, timestamp: number, body: string): string {
	const key = secret.startsWith('whsec_')
		? Buffer.from(secret.slice('whsec_'.length), 'base64')
		: Buffer.from(secret, 'utf8');
	const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
	return `v1,${mac}`;
}

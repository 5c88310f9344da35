/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test infrastructure runs in Node, not in n8n */
import type { RunStatus } from '../../nodes/shared/models';
import { buildOutput, fnv1a } from './outputs';
import { newRefId, nowIso } from './store';
import type { RunRecord } from './store';

/** Realistic latency per processor in seconds (notes 7); `-fast` variants take half. */
const LATENCY_SECONDS: Record<string, [number, number]> = {
	lite: [10, 60],
	base: [15, 100],
	core: [60, 300],
	core2x: [60, 600],
	pro: [120, 600],
	ultra: [300, 1800],
	ultra2x: [300, 3600],
	ultra4x: [300, 5400],
	ultra8x: [300, 7200],
};

export function isKnownProcessor(processor: string): boolean {
	return processor.replace(/-fast$/, '') in LATENCY_SECONDS;
}

export const FAILED_RUN_MESSAGE = 'Task failed: the emulator was asked to fail this run';

/** Durations picked from the run id's hash inside the processor's range; 5–10% of it queued. */
export function planRun(runKey: string, processor: string): RunRecord['plan'] {
	const fast = processor.endsWith('-fast');
	const [min, max] = LATENCY_SECONDS[processor.replace(/-fast$/, '')] ?? LATENCY_SECONDS.lite;
	const hash = fnv1a(runKey);
	const totalMs = ((min + ((hash % 10_000) / 10_000) * (max - min)) * 1000) / (fast ? 2 : 1);
	const queuedShare = 0.05 + (((hash >>> 16) % 100) / 100) * 0.05;
	const queuedMs = totalMs * queuedShare;
	return { queuedMs, runningMs: totalMs - queuedMs };
}

export interface LifecycleHooks {
	speed(): number;
	padBytes(): number;
	statusEveryMs(): number;
	/** Just before a run's end applies; returns real ms to hold the end back (0 = apply now). */
	runEnding?(record: RunRecord): number;
}

interface Pending {
	due: number;
	order: number;
	record: RunRecord;
}

/**
 * One timer over a binary heap of pending transitions, in a virtual clock that stops while held.
 * Stays O(log n) per transition, so 10,000 runs are cheap.
 */
export class RunScheduler {
	private heap: Pending[] = [];
	private order = 0;
	private timer: NodeJS.Timeout | undefined;
	private heldSince: number | null = null;
	private heldTotal = 0;

	constructor(private readonly hooks: LifecycleHooks) {}

	private now(): number {
		return (this.heldSince ?? Date.now()) - this.heldTotal;
	}

	start(record: RunRecord): void {
		record.plan = planRun(record.run.run_id, record.run.processor);
		this.push(record, record.plan.queuedMs);
	}

	hold(on: boolean): void {
		if (on && this.heldSince === null) {
			this.heldSince = Date.now();
			this.disarm();
		} else if (!on && this.heldSince !== null) {
			this.heldTotal += Date.now() - this.heldSince;
			this.heldSince = null;
			this.arm();
		}
	}

	/** Rescales what is left of every pending transition; the heap order is unchanged. */
	rescale(oldSpeed: number, newSpeed: number): void {
		if (oldSpeed === newSpeed || oldSpeed <= 0) return;
		const now = this.now();
		for (const item of this.heap) item.due = now + (item.due - now) * (newSpeed / oldSpeed);
		this.arm();
	}

	clear(): void {
		this.disarm();
		this.heap = [];
		this.heldSince = null;
		this.heldTotal = 0;
	}

	private push(record: RunRecord, realisticMs: number, realMs?: number): void {
		const item = {
			due: this.now() + (realMs ?? realisticMs * this.hooks.speed()),
			order: this.order++,
			record,
		};
		this.heap.push(item);
		let i = this.heap.length - 1;
		while (i > 0) {
			const parent = (i - 1) >> 1;
			if (!this.before(this.heap[i], this.heap[parent])) break;
			[this.heap[i], this.heap[parent]] = [this.heap[parent], this.heap[i]];
			i = parent;
		}
		if (i === 0) this.arm();
	}

	private pop(): Pending | undefined {
		const top = this.heap[0];
		const last = this.heap.pop();
		if (this.heap.length && last) {
			this.heap[0] = last;
			let i = 0;
			for (;;) {
				const left = 2 * i + 1;
				const right = left + 1;
				let smallest = i;
				if (left < this.heap.length && this.before(this.heap[left], this.heap[smallest]))
					smallest = left;
				if (right < this.heap.length && this.before(this.heap[right], this.heap[smallest]))
					smallest = right;
				if (smallest === i) break;
				[this.heap[i], this.heap[smallest]] = [this.heap[smallest], this.heap[i]];
				i = smallest;
			}
		}
		return top;
	}

	private before(a: Pending, b: Pending): boolean {
		return a.due < b.due || (a.due === b.due && a.order < b.order);
	}

	private disarm(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
	}

	private arm(): void {
		this.disarm();
		if (this.heldSince !== null || !this.heap.length) return;
		const wait = Math.min(Math.max(0, this.heap[0].due - this.now()), 2 ** 31 - 1);
		this.timer = setTimeout(() => this.fire(), wait);
	}

	private fire(): void {
		this.timer = undefined;
		// Yield to I/O every few thousand transitions so streams and requests keep flowing.
		for (let done = 0; done < 5000 && this.heap.length && this.heap[0].due <= this.now(); done++) {
			const item = this.pop();
			if (item) this.advance(item.record);
		}
		this.arm();
	}

	private advance(record: RunRecord): void {
		if (record.run.status === 'queued') {
			this.transition(record, 'running');
			this.push(record, record.plan.runningMs);
			return;
		}
		const holdBackMs = this.hooks.runEnding?.(record) ?? 0;
		if (holdBackMs > 0) {
			this.push(record, 0, holdBackMs);
			return;
		}
		if (record.needsAction) {
			this.transition(record, 'action_required');
		} else if (record.willCancel && record.run.status === 'running') {
			// Parallel's side cancels it (there is no cancel endpoint): cancelling, then cancelled.
			this.transition(record, 'cancelling');
			this.push(record, Math.max(1, record.plan.runningMs / 10));
		} else if (record.run.status === 'cancelling') {
			this.transition(record, 'cancelled');
		} else if (record.willFail) {
			record.run.error = { ref_id: newRefId(), message: FAILED_RUN_MESSAGE, detail: null };
			this.transition(record, 'failed');
		} else {
			record.output = buildOutput(record.input, record.run.run_id, this.hooks.padBytes());
			this.transition(record, 'completed');
		}
	}

	private transition(record: RunRecord, to: RunStatus): void {
		const from = record.run.status;
		record.run.status = to;
		record.run.is_active = to === 'queued' || to === 'running' || to === 'cancelling';
		record.run.modified_at = nowIso();
		const group = record.group;
		if (group) {
			group.countStatus(from, to);
			if (!record.run.is_active) {
				const run = { ...record.run };
				group.append('task_run.state', (eventId) => ({
					type: 'task_run.state',
					event_id: eventId,
					input: null,
					run,
					output: null,
				}));
			}
			if (!group.isActive) {
				group.appendStatus();
			} else if (Date.now() - group.lastProgressStatusAt >= this.hooks.statusEveryMs()) {
				group.lastProgressStatusAt = Date.now();
				group.appendStatus();
			}
		}
		for (const listener of [...record.listeners]) listener();
		if (!record.run.is_active) {
			for (const wake of record.waiters) wake();
			record.waiters.clear();
		}
	}
}

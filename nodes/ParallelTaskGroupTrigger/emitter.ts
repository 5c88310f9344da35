import type { INodeExecutionData, IRun, ITriggerFunctions } from 'n8n-workflow';

import { pause } from '../shared/transport/pause';
import { backoffDelayMs, POLICY } from '../shared/transport/policy';

/**
 * n8n's `emit`, made again when n8n says it could not run it. n8n creates an execution in the
 * background after `emit` returns; when that fails (its database timed out under a burst, say),
 * n8n 2.x only logs it, unless the emit came with a done promise, which it then rejects (or
 * resolves with an execution that ended before any node ran, see `neverRan`). With
 * deduplication keys such an emit is made again, after a pause, up to POLICY.trigger.reEmit.attempts
 * times in all, the last time as a plain emit: n8n drops a key it has executed, so a rejection
 * that came although the execution exists cannot run it twice.
 *
 * The done promise also says when an execution has ended: at most POLICY.trigger.emits.maxInFlight
 * executions are under way at once (`room` waits for a place), so a burst of thousands of runs
 * ending together reaches n8n at the pace it runs them instead of queueing thousands of database
 * writes at once (SQLite gives up on a write after 60 s and leaves the execution unfinished). A
 * place is freed when its execution ends or after POLICY.trigger.emits.holdMs, whichever is first.
 *
 * Without keys (n8n 1.x, or the option off) emits stay plain: n8n 1.x rejects a done promise only
 * when the execution it looks up has already ended, and leaves it pending when creating it
 * failed. Engine 2.0 workflows refuse emits with a done promise, so they get plain ones too.
 */
export class Emitter {
	private readonly acknowledged: boolean;

	/** Executions under way: an id per acknowledged emit, and when it was made, oldest first. */
	private readonly held = new Map<number, number>();

	private nextId = 0;

	private sweeping = false;

	private readonly waiting: Array<() => void> = [];

	constructor(
		private readonly context: ITriggerFunctions,
		keyed: boolean,
		private readonly signal: AbortSignal | undefined,
	) {
		const settings = keyed ? context.getWorkflowSettings?.() : undefined;
		this.acknowledged =
			keyed && (settings as { engineType?: string } | undefined)?.engineType !== 'v2';
		signal?.addEventListener('abort', () => this.waiting.splice(0).forEach((wake) => wake()), {
			once: true,
		});
	}

	/** Waits for a place among the executions under way (at once when there is one, or stopped). */
	async room(): Promise<void> {
		while (this.held.size >= POLICY.trigger.emits.maxInFlight && !this.signal?.aborted)
			await new Promise<void>((wake) => this.waiting.push(wake));
	}

	/** Takes a place until the execution ends, or for POLICY.trigger.emits.holdMs at most. */
	private hold(done: Promise<unknown>): void {
		const id = this.nextId++;
		this.held.set(id, Date.now());
		const free = () => this.free(id);
		done.then(free, free);
		void this.sweep();
	}

	private free(id: number): void {
		if (this.held.delete(id)) this.waiting.shift()?.();
	}

	/** Frees the places held longer than holdMs: one timer at a time, while places are held. */
	private async sweep(): Promise<void> {
		if (this.sweeping) return;
		this.sweeping = true;
		try {
			const { holdMs } = POLICY.trigger.emits;
			while (this.held.size && !this.signal?.aborted) {
				const [[, oldest]] = this.held;
				await pause(oldest + holdMs - Date.now(), this.signal);
				for (const [id, since] of this.held) {
					if (since + holdMs > Date.now()) break;
					this.free(id);
				}
			}
		} finally {
			this.sweeping = false;
		}
	}

	emit(items: INodeExecutionData[][], key: string | undefined): void {
		if (!this.acknowledged || key === undefined) {
			this.context.emit(items, undefined, undefined, key);
			return;
		}
		this.attempt(items, key, 1);
	}

	private attempt(items: INodeExecutionData[][], key: string, attempt: number): void {
		const { attempts } = POLICY.trigger.reEmit;
		if (attempt >= attempts) {
			this.context.emit(items, undefined, undefined, key);
			return;
		}
		const done = this.context.helpers.createDeferredPromise<IRun>();
		this.hold(done.promise);
		this.context.emit(items, undefined, done, key);
		done.promise.then(
			(run) => {
				if (neverRan(run)) void this.again(items, key, attempt, errorMessageOf(run));
			},
			(error: unknown) => {
				// A cancelled execution existed: nothing to make again.
				if (/cancelled/i.test((error as Error)?.message ?? '')) return;
				void this.again(items, key, attempt, (error as Error)?.message ?? String(error));
			},
		);
	}

	private async again(
		items: INodeExecutionData[][],
		key: string,
		attempt: number,
		reason: string,
	): Promise<void> {
		if (this.signal?.aborted) return;
		this.context.logger.warn(
			'n8n could not run the execution of a Parallel trigger emit; emitting it again',
			{ deduplicationKey: key, attempt, reason },
		);
		// No abort signal here: each waiting re-emit would add a listener to the trigger's one.
		await pause(backoffDelayMs(attempt - 1, POLICY.trigger.reEmit.backoff));
		if (!this.signal?.aborted) this.attempt(items, key, attempt + 1);
	}
}

/**
 * An execution n8n ended with an error before any node ran: in queue mode a worker that cannot
 * find the execution's data ends it so (n8n 2.41.1, "Worker failed to find data for execution"),
 * and its record may be gone with the key. Emitted again with the key: a record that still
 * holds the key makes n8n skip the new emit, so nothing runs twice.
 */
function neverRan(run: IRun | undefined): run is IRun {
	if (!run || (run.status !== 'error' && run.status !== 'crashed')) return false;
	return Object.keys(run.data?.resultData?.runData ?? {}).length === 0;
}

function errorMessageOf(run: IRun): string {
	return run.data?.resultData?.error?.message ?? `the execution ended with status ${run.status}`;
}

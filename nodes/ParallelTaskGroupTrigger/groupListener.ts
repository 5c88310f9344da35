import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, ITriggerFunctions } from 'n8n-workflow';

import { openGroupEvents, streamRuns } from '../shared/api';
import type { GroupStreamEvent, TaskGroupStatus, TaskRun } from '../shared/models';
import { ACTIVE_RUN_STATUSES } from '../shared/models';
import { formatRun } from '../shared/results';
import { groupStatusNotes } from '../shared/statuses';
import type { ParallelClient } from '../shared/transport/client';
import type { EventStream, StreamEndReason } from '../shared/transport/eventStream';
import { settle } from '../shared/settle';
import { pause } from '../shared/transport/pause';
import { backoffDelayMs } from '../shared/transport/retry';
import type { CursorState } from './cursorState';
import { EventQueue } from './eventQueue';
import { isPermanentFailure } from './outcomes';
import type { DetailOptions } from './runDetails';
import { RunDetails } from './runDetails';

export type TriggerEvent = 'runCompleted' | 'runFailed' | 'groupCompleted';

export interface ListenerSettings {
	taskGroupId: string;
	events: Set<TriggerEvent>;
	simplify: boolean;
	/** On the first activation, also emit runs that ended before it. */
	includeEarlier: boolean;
	details: DetailOptions;
	/** Reconnect when nothing arrives, not even a keep-alive, for this long. */
	stallMs: number;
	/** Longest pause between reconnects while the group is idle. */
	maxIdleDelayMs: number;
}

const RECONNECT_BACKOFF = { baseDelayMs: 1_000, maxDelayMs: 30_000 };
const QUICK_RECONNECT_MS = 100;
/**
 * Follows a task group's events stream for an active trigger: emits each run that ended exactly
 * once, resumes from the stored cursor after a drop, a stall, an idle close or a restart, and
 * never stops silently: a permanent failure is reported with emitError, anything else is retried.
 */
export class GroupListener {
	private stopped = false;
	/** Runs that had ended when a first activation began. */
	private baseline: Set<string> | undefined;
	private emitEarlier = false;
	private skipFirstCompletion = false;
	private lastStatus: TaskGroupStatus | undefined;
	private readonly details: RunDetails;

	constructor(
		private readonly context: ITriggerFunctions,
		private readonly client: ParallelClient,
		private readonly state: CursorState,
		private readonly settings: ListenerSettings,
		private readonly abort: () => void,
	) {
		this.details = new RunDetails(client, settings.taskGroupId, settings.details);
	}

	/**
	 * The activation step: learns which runs ended before a first activation and opens the stream.
	 * A permanent failure (bad key, unknown group) throws, so n8n refuses the activation; a
	 * transient one is left to the background loop.
	 */
	async start(): Promise<void> {
		const opened = await settle(() => this.open());
		if (!opened.ok && isPermanentFailure(opened.error)) throw opened.error;
		if (!opened.ok) this.logTransient(opened.error);
		if (this.state.isFresh) {
			// The stream is open already: whatever ends from now on arrives on it.
			const ended = await settle(() => this.takeBaseline());
			if (!ended.ok && isPermanentFailure(ended.error)) {
				if (opened.ok) opened.value.close();
				throw ended.error;
			}
		}
		void this.loop(opened.ok ? opened.value : undefined);
	}

	stop(): void {
		this.stopped = true;
		this.abort();
	}

	/** Notes the runs that have already ended, on a first activation (see includeEarlier). */
	private async takeBaseline(): Promise<void> {
		const ended: string[] = [];
		for await (const event of streamRuns(this.client, this.settings.taskGroupId)) {
			if (event.type === 'task_run.state' && !ACTIVE_RUN_STATUSES.has(event.run.status)) {
				ended.push(event.run.run_id);
			}
		}
		this.baseline = new Set(ended);
		this.emitEarlier = this.settings.includeEarlier;
		this.skipFirstCompletion = !this.settings.includeEarlier;
	}

	private async open(): Promise<EventStream> {
		return await openGroupEvents(this.client, this.settings.taskGroupId, {
			lastEventId: this.state.cursor,
		});
	}

	private async loop(first: EventStream | undefined): Promise<void> {
		let stream = first;
		let failures = 0;
		let idleRounds = 0;
		try {
			// A first activation whose baseline read failed transiently tries again before listening.
			while (this.state.isFresh && !this.baseline && !this.stopped) {
				const baseline = await settle(() => this.takeBaseline());
				if (baseline.ok) break;
				if (isPermanentFailure(baseline.error)) return this.fail(baseline.error);
				this.logTransient(baseline.error);
				await pause(backoffDelayMs(failures++, RECONNECT_BACKOFF), this.client.signal);
			}
			if (this.emitEarlier) await this.emitEarlierRuns();
			while (!this.stopped) {
				if (!stream) {
					const opened = await settle(() => this.open());
					if (this.stopped) return;
					if (!opened.ok) {
						if (isPermanentFailure(opened.error)) return this.fail(opened.error);
						this.logTransient(opened.error);
						await pause(backoffDelayMs(failures++, RECONNECT_BACKOFF), this.client.signal);
						continue;
					}
					stream = opened.value;
				}
				const { endReason, runEvents, error } = await this.consume(stream);
				stream = undefined;
				if (this.stopped) return;
				if (error !== undefined) {
					if (isPermanentFailure(error)) return this.fail(error);
					this.logTransient(error);
				}
				// A connection that delivered runs ended as streams do (the server's cap, a proxy,
				// the end of a replay): go straight back. One that delivered none backs off, so a
				// server that keeps closing at once is not hammered; an idle group is checked on
				// less and less often, up to the idle interval.
				const progressed = runEvents > 0 && error === undefined;
				if (progressed) failures = 0;
				const idle = !progressed && this.lastStatus?.is_active === false && endReason === 'ended';
				idleRounds = idle ? idleRounds + 1 : 0;
				const delay = idle
					? Math.min(this.settings.maxIdleDelayMs, 1_000 * 2 ** Math.min(idleRounds, 10))
					: progressed
						? QUICK_RECONNECT_MS
						: backoffDelayMs(failures++, RECONNECT_BACKOFF);
				this.context.logger.debug('Parallel trigger reconnects', { endReason, delayMs: delay });
				await pause(delay, this.client.signal);
			}
		} catch (error) {
			if (!this.stopped) this.fail(error);
		}
	}

	/** Reads one connection to its end, handling events in order as they arrive. */
	private async consume(
		stream: EventStream,
	): Promise<{ endReason: StreamEndReason; runEvents: number; error?: unknown }> {
		void stream.watchForStall(this.settings.stallMs);
		const queue = new EventQueue<GroupStreamEvent>();
		const reading = (async () => {
			for await (const event of stream.events()) queue.push(event);
		})().finally(() => queue.close());
		let runEvents = 0;
		let error: unknown;
		for (;;) {
			const batch = await queue.takeAll();
			if (!batch || this.stopped) break;
			const result = await settle(() => this.handle(batch));
			if (!result.ok) {
				error = result.error;
				stream.close();
				break;
			}
			runEvents += batch.filter((event) => event.type === 'task_run.state').length;
		}
		await reading.catch(() => undefined);
		return { endReason: stream.endReason, runEvents, error };
	}

	/** Whether the run has ended in a way the user chose to hear about. */
	private selected(run: TaskRun): boolean {
		if (ACTIVE_RUN_STATUSES.has(run.status) || run.status === 'action_required') return false;
		return run.status === 'completed'
			? this.settings.events.has('runCompleted')
			: this.settings.events.has('runFailed');
	}

	private wanted(run: TaskRun): boolean {
		return (
			this.selected(run) && !this.state.wasEmitted(run.run_id) && !this.baseline?.has(run.run_id)
		);
	}

	private async handle(batch: GroupStreamEvent[]): Promise<void> {
		const toEmit = batch.flatMap((event) =>
			event.type === 'task_run.state' && this.wanted(event.run) ? [event.run] : [],
		);
		const records = toEmit.length ? await this.details.complete(toEmit) : new Map();
		for (const event of batch) {
			if (this.stopped) return;
			if (event.type === 'error') {
				this.context.logger.warn('Parallel events stream reported an error', {
					message: event.error.message,
				});
				continue;
			}
			if (event.type === 'task_group_status') {
				this.lastStatus = event.status;
				this.state.advance(event.event_id);
				if (!event.status.is_active && event.status.num_task_runs > 0) {
					if (this.skipFirstCompletion) this.state.rememberCompletion(event.status.num_task_runs);
					else this.emitGroupCompleted(event.status);
				}
				this.skipFirstCompletion = false;
				continue;
			}
			const record = records.get(event.run.run_id);
			this.state.advance(event.event_id);
			if (record && !this.state.wasEmitted(event.run.run_id))
				this.emitRun(formatRun(record, this.settings.simplify), event.run.run_id);
		}
	}

	/** A first activation's catch-up: the runs that ended before it, from one read of the group. */
	private async emitEarlierRuns(): Promise<void> {
		const runs = streamRuns(this.client, this.settings.taskGroupId, this.settings.details);
		for await (const event of runs) {
			if (this.stopped) return;
			if (event.type !== 'task_run.state' || !this.baseline?.has(event.run.run_id)) continue;
			if (!this.selected(event.run) || this.state.wasEmitted(event.run.run_id)) continue;
			this.emitRun(formatRun(event, this.settings.simplify), event.run.run_id);
		}
		this.emitEarlier = false;
	}

	private emitRun(json: IDataObject, runId: string): void {
		this.state.rememberEmitted(runId);
		this.context.emit(
			[[{ json: { ...json, taskgroup_id: this.settings.taskGroupId } }]],
			undefined,
			undefined,
			runId,
		);
	}

	private emitGroupCompleted(status: TaskGroupStatus): void {
		if (!this.settings.events.has('groupCompleted')) return;
		if (this.state.completionAlreadyEmitted(status.num_task_runs)) return;
		this.state.rememberCompletion(status.num_task_runs);
		this.context.emit(
			[
				[
					{
						json: {
							event: 'groupCompleted',
							taskgroup_id: this.settings.taskGroupId,
							status: status as unknown as IDataObject,
							...statusNotes(status),
						},
					},
				],
			],
			undefined,
			undefined,
			`${this.settings.taskGroupId}:completed:${status.num_task_runs}`,
		);
	}

	private logTransient(error: unknown): void {
		this.context.logger.warn('Parallel trigger will retry the task group events stream', {
			taskGroupId: this.settings.taskGroupId,
			reason: (error as Error)?.message ?? String(error),
		});
	}

	private fail(error: unknown): void {
		if (this.stopped) return;
		this.stop();
		const reported =
			error instanceof Error && 'node' in error
				? error
				: new NodeOperationError(
						this.context.getNode(),
						(error as Error)?.message ?? String(error),
					);
		this.context.emitError(reported);
	}
}

/** Runs that leave a group inactive without ending (action_required) or ended cancelled. */
function statusNotes(status: TaskGroupStatus): { status_notes?: string[] } {
	const notes = groupStatusNotes(status);
	return notes.length ? { status_notes: notes } : {};
}

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
import { backoffDelayMs, POLICY } from '../shared/transport/policy';
import type { CursorState } from './cursorState';
import { Emitter } from './emitter';
import { EventQueue } from './eventQueue';
import { isPermanentFailure } from './outcomes';
import type { DetailedRun, DetailOptions } from './runDetails';
import { RunDetails } from './runDetails';

type RunStateEvent = Extract<GroupStreamEvent, { type: 'task_run.state' }>;

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
	/**
	 * The workflow and trigger node, `<workflowId>:<nodeId>`, that every deduplication key starts
	 * with, so another workflow (or trigger) on the group gets every run too. Undefined: no keys
	 * (n8n before 2.20 has none, or the user turned them off), and the trigger's own record of
	 * recent emits is all that drops repeats.
	 */
	keyScope?: string;
}

/** A replay of earlier emits: the stream reopens at `from` and events up to `until` are replayed. */
interface Replay {
	from: string;
	until: string;
	startedAt: number;
}

/** What could not be added to a run, said in its item (see RunDetails). */
function withFlags(json: IDataObject, record: DetailedRun): IDataObject {
	if (record.outputMissing) json.output_missing = true;
	if (record.inputMissing) json.input_missing = true;
	return json;
}

const eventIdOf = (event: GroupStreamEvent): string | null | undefined =>
	event.type === 'error' ? undefined : event.event_id;

type EmitKind = { replay: true } | { cursorBefore: string | undefined };

interface Step {
	event: GroupStreamEvent;
	/** Seen again during a replay (at or before the saved cursor). */
	replaying: boolean;
	/** A run to emit (again, when replaying). */
	emit: boolean;
}
/**
 * Follows a task group's events stream for an active trigger: emits each run that ended, resumes
 * from the stored cursor after a drop, a stall, an idle close or a restart, and never stops
 * silently: a permanent failure is reported with emitError, anything else is retried.
 *
 * Emits are at least once, executions exactly once: n8n may lose an emit it accepted (it creates
 * the execution in the background), so after an activation and after a connection that emitted,
 * the trigger replays its latest emits (POLICY.trigger.replay) with the same deduplication keys
 * and n8n drops those it already ran. Without keys the trigger's own record drops them instead.
 * An emit n8n says it could not run is made again after a pause (see Emitter).
 */
export class GroupListener {
	private stopped = false;
	/** Runs that had ended when a first activation began. */
	private baseline: Set<string> | undefined;
	private emitEarlier = false;
	private skipFirstCompletion = false;
	private lastStatus: TaskGroupStatus | undefined;
	private readonly details: RunDetails;
	private readonly emitter: Emitter;
	private replay: Replay | undefined;
	private activatedAt = 0;

	constructor(
		private readonly context: ITriggerFunctions,
		private readonly client: ParallelClient,
		private readonly state: CursorState,
		private readonly settings: ListenerSettings,
		private readonly abort: () => void,
	) {
		this.details = new RunDetails(client, settings.taskGroupId, settings.details, context.logger);
		this.emitter = new Emitter(context, settings.keyScope !== undefined, client.signal);
	}

	/**
	 * The activation step: learns which runs ended before a first activation, then opens the
	 * stream (which starts at the group's first event, so nothing ending after the baseline read
	 * is missed). A permanent failure (bad key, unknown group) throws, so n8n refuses the
	 * activation; a transient one is left to the background loop, which retries.
	 * `endedBefore`: the runs that had ended, read by the caller just before (Listen for test event).
	 */
	async start(endedBefore?: Set<string>): Promise<void> {
		this.activatedAt = Date.now();
		this.planReplay(0);
		if (endedBefore) this.useBaseline(endedBefore);
		else if (this.state.isFresh) {
			const ended = await settle(() => this.takeBaseline());
			if (!ended.ok && isPermanentFailure(ended.error)) throw ended.error;
			if (!ended.ok) this.logTransient(ended.error);
		}
		const opened = await settle(() => this.open());
		if (!opened.ok && isPermanentFailure(opened.error)) throw opened.error;
		if (!opened.ok) this.logTransient(opened.error);
		void this.loop(opened.ok ? opened.value : undefined);
	}

	stop(): void {
		this.stopped = true;
		this.abort();
	}

	/**
	 * Notes the runs that have already ended, on a first activation (see includeEarlier). A read
	 * that comes late (after failures) keeps only runs last changed before the activation, by
	 * Parallel's `modified_at`, so runs that ended in between are still emitted.
	 */
	private async takeBaseline(late = false): Promise<void> {
		const ended: string[] = [];
		for await (const event of streamRuns(this.client, this.settings.taskGroupId)) {
			if (event.type !== 'task_run.state' || ACTIVE_RUN_STATUSES.has(event.run.status)) continue;
			const changedAt = Date.parse(event.run.modified_at ?? '');
			if (late && changedAt >= this.activatedAt) continue;
			ended.push(event.run.run_id);
		}
		this.useBaseline(new Set(ended));
	}

	private useBaseline(ended: Set<string>): void {
		this.baseline = ended;
		this.emitEarlier = this.settings.includeEarlier;
		this.skipFirstCompletion = !this.settings.includeEarlier;
	}

	private async open(): Promise<EventStream> {
		if (this.replay && Date.now() - this.replay.startedAt > POLICY.trigger.replay.timeoutMs) {
			this.abandonReplay('it took too long');
		}
		const lastEventId = this.replay ? this.replay.from || undefined : this.state.cursor;
		return await openGroupEvents(this.client, this.settings.taskGroupId, { lastEventId });
	}

	/**
	 * Prepares a replay of the emits made since `since` (epoch ms), up to the saved cursor: the
	 * next connection opens at the cursor before the oldest of them. A replay under way grows.
	 */
	private planReplay(since: number): void {
		const until = this.state.cursor;
		const from = this.state.replayFrom(since, Date.now());
		if (until === undefined || from === undefined || from === until) return;
		if (this.replay) this.replay.until = until;
		else this.replay = { from, until, startedAt: Date.now() };
	}

	private abandonReplay(why: string): void {
		this.context.logger.warn(
			'Parallel trigger gave up re-emitting its latest runs; it goes on from its cursor',
			{ taskGroupId: this.settings.taskGroupId, reason: why },
		);
		this.replay = undefined;
	}

	/** Moves a replay on past `event`; it ends at the event the saved cursor names. */
	private passReplayPoint(event: GroupStreamEvent): void {
		const eventId = eventIdOf(event);
		if (!this.replay || !eventId) return;
		if (eventId === this.replay.until) this.replay = undefined;
		else this.replay.from = eventId;
	}

	private async loop(first: EventStream | undefined): Promise<void> {
		let stream = first;
		let failures = 0;
		let idleRounds = 0;
		try {
			// A first activation whose baseline read failed transiently tries again before listening.
			while (this.state.isFresh && !this.baseline && !this.stopped) {
				const baseline = await settle(() => this.takeBaseline(true));
				if (baseline.ok) break;
				if (isPermanentFailure(baseline.error)) return this.fail(baseline.error);
				this.logTransient(baseline.error);
				await pause(backoffDelayMs(failures++, POLICY.trigger.reconnect), this.client.signal);
			}
			if (this.emitEarlier) await this.emitEarlierRuns();
			while (!this.stopped) {
				if (!stream) {
					const opened = await settle(() => this.open());
					if (this.stopped) return;
					if (!opened.ok) {
						if (isPermanentFailure(opened.error)) return this.fail(opened.error);
						this.logTransient(opened.error);
						await pause(backoffDelayMs(failures++, POLICY.trigger.reconnect), this.client.signal);
						continue;
					}
					stream = opened.value;
				}
				const openedAt = Date.now();
				const { endReason, runEvents, error } = await this.consume(stream);
				stream = undefined;
				if (this.stopped) return;
				// A server that ends the stream before the saved cursor did not serve the old events
				// again: going on from the cursor loses nothing (only the replay).
				if (this.replay && endReason === 'ended') this.abandonReplay('the stream ended before it');
				this.planReplay(openedAt);
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
						? POLICY.trigger.quickReconnectMs
						: backoffDelayMs(failures++, POLICY.trigger.reconnect);
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

	/**
	 * What to do with each event of a batch, before anything is done: which runs to emit, and
	 * which events a replay sees again. Replayed runs are emitted again only with keys (n8n drops
	 * what it already ran) and only if this trigger emitted them.
	 */
	private plan(batch: GroupStreamEvent[]): Step[] {
		let replay = this.replay ? { ...this.replay } : undefined;
		const replayedHere = new Set<string>();
		return batch.map((event) => {
			const replaying = replay !== undefined;
			if (replay && eventIdOf(event) === replay.until) replay = undefined;
			if (event.type !== 'task_run.state') return { event, replaying, emit: false };
			const { run } = event;
			if (!replaying) return { event, replaying, emit: this.wanted(run) };
			const again =
				this.settings.keyScope !== undefined &&
				this.selected(run) &&
				this.state.wasEmitted(run.run_id) &&
				!replayedHere.has(run.run_id);
			if (again) replayedHere.add(run.run_id);
			return { event, replaying, emit: again };
		});
	}

	private async handle(batch: GroupStreamEvent[]): Promise<void> {
		const steps = this.plan(batch);
		const toEmit = steps.flatMap(({ event, emit }) =>
			emit && event.type === 'task_run.state' ? [event.run] : [],
		);
		const records = toEmit.length ? await this.details.complete(toEmit) : new Map();
		for (const { event, replaying, emit } of steps) {
			// Before the cursor moves: a stop while waiting leaves this event to the next connection.
			await this.emitter.room();
			if (this.stopped) return;
			const cursorBefore = this.state.cursor;
			if (event.type === 'error') {
				this.context.logger.warn('Parallel events stream reported an error', {
					message: event.error.message,
				});
			} else if (event.type === 'task_group_status') {
				this.lastStatus = event.status;
				if (!replaying) this.state.advance(event.event_id);
				const { status } = event;
				if (!status.is_active && status.num_task_runs > 0) {
					if (replaying) {
						if (this.settings.keyScope && this.state.completionAlreadyEmitted(status.num_task_runs))
							this.emitGroupCompleted(status, { replay: true });
					} else if (this.skipFirstCompletion) {
						this.state.rememberCompletion(status.num_task_runs);
					} else {
						this.emitGroupCompleted(status, { cursorBefore });
					}
				}
				if (!replaying) this.skipFirstCompletion = false;
			} else {
				if (!replaying) this.state.advance(event.event_id);
				const record = records.get(event.run.run_id);
				if (emit && record && (replaying || !this.state.wasEmitted(event.run.run_id))) {
					const json = withFlags(formatRun(record, this.settings.simplify), record);
					this.emitRun(json, event.run.run_id, replaying ? { replay: true } : { cursorBefore });
				}
			}
			this.passReplayPoint(event);
		}
	}

	/**
	 * A first activation's catch-up: the runs that ended before it, from one read of the group.
	 * A read that fails transiently is taken up again where it stopped, with backoff; only a
	 * permanent failure ends the trigger.
	 */
	private async emitEarlierRuns(): Promise<void> {
		let resumeAfter: string | undefined;
		for (let failures = 0; !this.stopped; ) {
			const read = await settle(async () => {
				const runs = streamRuns(this.client, this.settings.taskGroupId, {
					...this.settings.details,
					lastEventId: resumeAfter,
				});
				for await (const event of runs) {
					if (this.stopped) return;
					if (event.type !== 'task_run.state') continue;
					await this.emitEarlierRun(event);
					if (event.event_id) resumeAfter = event.event_id;
				}
			});
			if (read.ok) break;
			if (isPermanentFailure(read.error)) throw read.error;
			this.logTransient(read.error);
			await pause(backoffDelayMs(failures++, POLICY.trigger.reconnect), this.client.signal);
		}
		this.emitEarlier = false;
	}

	private async emitEarlierRun(event: RunStateEvent): Promise<void> {
		const { run } = event;
		if (!this.baseline?.has(run.run_id) || !this.selected(run)) return;
		if (this.state.wasEmitted(run.run_id)) return;
		await this.emitter.room();
		// A completed run read without its output (not ready yet) waits for it like any other.
		const lacksOutput =
			this.settings.details.includeOutput && run.status === 'completed' && !event.output;
		const record: DetailedRun = lacksOutput
			? (await this.details.complete([run])).get(run.run_id)!
			: event;
		if (this.stopped) return;
		const cursorBefore = this.state.cursor;
		const json = withFlags(formatRun(record, this.settings.simplify), record);
		this.emitRun(json, run.run_id, { cursorBefore });
	}

	/** The deduplication key of an emit: scoped to this workflow and trigger node (see keyScope). */
	private key(subject: string): string | undefined {
		return this.settings.keyScope === undefined
			? undefined
			: `${this.settings.keyScope}:${subject}`;
	}

	/**
	 * Emits; a first emit (not a replay) is remembered, with the cursor before its event so that
	 * a later replay can start there. Progress is written before the emit: n8n saves it then.
	 */
	private emitRun(json: IDataObject, runId: string, how: EmitKind): void {
		if (!('replay' in how)) {
			this.state.rememberEmitted(runId);
			this.state.markEmit(how.cursorBefore, Date.now());
		}
		this.emitter.emit(
			[[{ json: { ...json, taskgroup_id: this.settings.taskGroupId } }]],
			this.key(runId),
		);
	}

	private emitGroupCompleted(status: TaskGroupStatus, how: EmitKind): void {
		if (!this.settings.events.has('groupCompleted')) return;
		if (!('replay' in how)) {
			if (this.state.completionAlreadyEmitted(status.num_task_runs)) return;
			this.state.rememberCompletion(status.num_task_runs);
			this.state.markEmit(how.cursorBefore, Date.now());
		}
		this.emitter.emit(
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
			this.key(`${this.settings.taskGroupId}:completed:${status.num_task_runs}`),
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

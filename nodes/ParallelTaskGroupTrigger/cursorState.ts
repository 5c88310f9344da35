import type { IDataObject } from 'n8n-workflow';

import { POLICY } from '../shared/transport/policy';

interface StoredState {
	taskGroupId?: string;
	/** The last `/events` event_id whose event was fully handled. */
	cursor?: string;
	/** Run IDs emitted lately, oldest first. */
	recent?: string[];
	/** `num_task_runs` of the last inactive status emitted as groupCompleted. */
	completedAtRuns?: number;
	/** One per emit, oldest first: the cursor just before it ('' = the stream's start) and when. */
	marks?: Array<[string, number]>;
}

/**
 * The trigger's progress, kept in the workflow's static data so that a reconnect, a deactivation
 * or an n8n restart resumes where it stopped. n8n saves static data when the trigger emits, so
 * progress is written before each emit and goes to the database with it.
 */
export class CursorState {
	private readonly state: StoredState;

	private readonly recentSet: Set<string>;

	constructor(staticData: IDataObject, taskGroupId: string) {
		if (staticData.taskGroupId !== taskGroupId) {
			// Another group: the old cursor means nothing there.
			for (const key of Object.keys(staticData)) delete staticData[key];
			staticData.taskGroupId = taskGroupId;
		}
		this.state = staticData as StoredState;
		this.state.recent = this.state.recent ?? [];
		this.recentSet = new Set(this.state.recent);
	}

	get cursor(): string | undefined {
		return this.state.cursor;
	}

	/** Whether this trigger has never handled an event of this group. */
	get isFresh(): boolean {
		return this.state.cursor === undefined && this.state.recent!.length === 0;
	}

	advance(eventId: string | null | undefined): void {
		if (eventId) this.state.cursor = eventId;
	}

	wasEmitted(runId: string): boolean {
		return this.recentSet.has(runId);
	}

	rememberEmitted(runId: string): void {
		if (this.recentSet.has(runId)) return;
		const recent = this.state.recent!;
		recent.push(runId);
		this.recentSet.add(runId);
		while (recent.length > POLICY.trigger.recentRuns) this.recentSet.delete(recent.shift()!);
		// Reassign so n8n's change tracking sees the write.
		this.state.recent = recent;
	}

	completionAlreadyEmitted(numTaskRuns: number): boolean {
		return this.state.completedAtRuns === numTaskRuns;
	}

	rememberCompletion(numTaskRuns: number): void {
		this.state.completedAtRuns = numTaskRuns;
	}

	/** Notes an emit made at `at` for the event after `cursorBefore` (the replay starts there). */
	markEmit(cursorBefore: string | undefined, at: number): void {
		const marks = this.state.marks ?? [];
		marks.push([cursorBefore ?? '', at]);
		while (marks.length > POLICY.trigger.replay.maxEmits) marks.shift();
		this.state.marks = marks;
	}

	/**
	 * Where a replay of the emits made since `since` (epoch ms) starts: the cursor before the
	 * oldest of them inside the window ('' = the stream's start), or undefined when there is
	 * nothing to replay. See POLICY.trigger.replay for the window.
	 */
	replayFrom(since: number, now: number): string | undefined {
		const marks = this.state.marks;
		if (!marks?.length || this.state.cursor === undefined) return undefined;
		const { spanMs, maxAgeMs } = POLICY.trigger.replay;
		const latest = marks[marks.length - 1][1];
		if (latest < now - maxAgeMs) return undefined;
		const from = Math.max(since, latest - spanMs);
		return marks.find(([, at]) => at >= from)?.[0];
	}
}

import { randomUUID } from 'node:crypto';

import type {
	Metadata,
	RunStatus,
	TaskGroup,
	TaskGroupStatus,
	TaskRun,
	TaskRunInput,
	TaskRunOutput,
} from '../../nodes/shared/models';

let isoMs = 0;
let iso = '';
/** The current time in RFC 3339; formatted once per millisecond, as 10,000 runs share a few. */
export const nowIso = (): string => {
	const now = Date.now();
	if (now !== isoMs) {
		isoMs = now;
		iso = new Date(now).toISOString();
	}
	return iso;
};
const hex32 = (): string => {
	const uuid = randomUUID();
	return (
		uuid.slice(0, 8) + uuid.slice(9, 13) + uuid.slice(14, 18) + uuid.slice(19, 23) + uuid.slice(24)
	);
};
export const newRefId = (): string => randomUUID();
/** Opaque cursors: random, so a client cannot derive or order them. */
const newCursor = (prefix: string): string => `${prefix}_${hex32().slice(0, 20)}`;

export const ACTIVE_STATUSES: ReadonlySet<RunStatus> = new Set(['queued', 'running', 'cancelling']);

export interface RunRecord {
	/** The live run object; transitions mutate it. */
	run: TaskRun;
	/** The TaskRunInput as submitted, with task_spec resolved (own spec, else the default). */
	input: TaskRunInput;
	group: GroupRecord | null;
	/** This run's event_id on its group's /runs stream. */
	cursor: string | null;
	output: TaskRunOutput | null;
	willFail: boolean;
	/** Stops in `action_required` (not active, no result) instead of finishing. */
	needsAction: boolean;
	/** Ends as cancelled (cancelling first) instead of finishing. */
	willCancel: boolean;
	/** Called after every status change (the run's own events stream). */
	listeners: Set<() => void>;
	/** Called once when the run reaches a terminal status (/result waiters). */
	waiters: Set<() => void>;
	/** Simulated durations in realistic ms, before the speed factor; set by the scheduler. */
	plan: { queuedMs: number; runningMs: number };
}

export interface LogEntry {
	event_id: string;
	type: 'task_run.state' | 'task_group_status';
	payload: Record<string, unknown>;
	json: string;
}

export class GroupRecord {
	readonly runs: RunRecord[] = [];
	readonly log: LogEntry[] = [];
	readonly listeners = new Set<(entry: LogEntry) => void>();
	readonly createdAt = nowIso();
	modifiedAt = this.createdAt;
	lastProgressStatusAt = 0;
	private readonly counts: Partial<Record<RunStatus, number>> = {};
	private activeRuns = 0;
	/** event_id → position in the log to resume at (the entry after it). */
	private readonly eventPositions = new Map<string, number>();
	/** /runs cursor → index of the next run. */
	private readonly runPositions = new Map<string, number>();
	private readonly fingerprints = new Set<string>();

	constructor(
		readonly id: string,
		readonly metadata: Metadata | null,
	) {}

	get isActive(): boolean {
		return this.activeRuns > 0;
	}

	status(): TaskGroupStatus {
		return {
			num_task_runs: this.runs.length,
			task_run_status_counts: { ...this.counts },
			is_active: this.isActive,
			status_message: null,
			modified_at: this.modifiedAt,
		};
	}

	toJson(): TaskGroup {
		return {
			taskgroup_id: this.id,
			metadata: this.metadata,
			created_at: this.createdAt,
			status: this.status(),
		};
	}

	/** Adds a run; returns true when an equal (input, processor, metadata) is already in the group. */
	addRun(record: RunRecord, fingerprint: string): boolean {
		record.cursor = newCursor('rc');
		this.runs.push(record);
		this.runPositions.set(record.cursor, this.runs.length);
		this.countStatus(undefined, record.run.status);
		const duplicate = this.fingerprints.has(fingerprint);
		this.fingerprints.add(fingerprint);
		return duplicate;
	}

	countStatus(from: RunStatus | undefined, to: RunStatus): void {
		if (from) {
			const left = (this.counts[from] ?? 1) - 1;
			if (left > 0) this.counts[from] = left;
			else delete this.counts[from];
			if (ACTIVE_STATUSES.has(from)) this.activeRuns--;
		}
		this.counts[to] = (this.counts[to] ?? 0) + 1;
		if (ACTIVE_STATUSES.has(to)) this.activeRuns++;
		this.modifiedAt = nowIso();
	}

	append(type: LogEntry['type'], build: (eventId: string) => Record<string, unknown>): LogEntry {
		const eventId = newCursor('ev');
		const payload = build(eventId);
		const entry: LogEntry = { event_id: eventId, type, payload, json: JSON.stringify(payload) };
		this.log.push(entry);
		this.eventPositions.set(eventId, this.log.length);
		for (const listener of [...this.listeners]) listener(entry);
		return entry;
	}

	appendStatus(): LogEntry {
		return this.append('task_group_status', (eventId) => ({
			type: 'task_group_status',
			event_id: eventId,
			status: this.status(),
		}));
	}

	/** A fresh event_id for a synthesized event; resuming after it continues at `position`. */
	mintEventCursor(position: number): string {
		const eventId = newCursor('ev');
		this.eventPositions.set(eventId, position);
		return eventId;
	}

	/** Where /events resumes after `eventId`; an unknown id replays from the beginning. */
	eventResumePosition(eventId: string): number {
		return this.eventPositions.get(eventId) ?? 0;
	}

	/** Where /runs resumes after `cursor`; an unknown cursor starts from the first run. */
	runResumeIndex(cursor: string): number {
		return this.runPositions.get(cursor) ?? 0;
	}

	lastEventId(): string | null {
		return this.log.length ? this.log[this.log.length - 1].event_id : null;
	}

	lastRunCursor(): string | null {
		return this.runs.length ? this.runs[this.runs.length - 1].cursor : null;
	}
}

export class Store {
	readonly groups = new Map<string, GroupRecord>();
	readonly runs = new Map<string, RunRecord>();
	/** interaction_id → the run that opened it; a follow-up's `previous_interaction_id` must be one. */
	readonly interactions = new Map<string, RunRecord>();

	createGroup(metadata: Metadata | null): GroupRecord {
		const group = new GroupRecord(`tgrp_${hex32()}`, metadata);
		this.groups.set(group.id, group);
		return group;
	}

	/** Creates a queued run; returns whether it duplicates one already in its group. */
	createRun(
		input: TaskRunInput,
		group: GroupRecord | null,
	): { record: RunRecord; duplicate: boolean } {
		const runId = `trun_${hex32()}`;
		const createdAt = nowIso();
		const inputJson = JSON.stringify(input.input);
		const record: RunRecord = {
			run: {
				run_id: runId,
				interaction_id: runId,
				status: 'queued',
				is_active: true,
				warnings: null,
				error: null,
				processor: input.processor,
				metadata: input.metadata ?? null,
				taskgroup_id: group?.id ?? null,
				created_at: createdAt,
				modified_at: createdAt,
			},
			input,
			group,
			cursor: null,
			output: null,
			willFail: inputJson.includes('__fail__'),
			needsAction: inputJson.includes('__action_required__'),
			willCancel: inputJson.includes('__cancel__'),
			listeners: new Set(),
			waiters: new Set(),
			plan: { queuedMs: 0, runningMs: 0 },
		};
		this.runs.set(runId, record);
		// Each run is its own interaction (as Parallel's examples show: interaction_id = run_id); a
		// follow-up records the one it continues in its input (`previous_interaction_id`).
		this.interactions.set(record.run.interaction_id, record);
		const duplicate = group
			? group.addRun(record, canonicalJson([input.input, input.processor, input.metadata ?? null]))
			: false;
		return { record, duplicate };
	}

	clear(): void {
		this.groups.clear();
		this.runs.clear();
		this.interactions.clear();
	}
}

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

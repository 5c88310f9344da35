/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test infrastructure runs in Node, not in n8n */
import { RUN_STATUSES } from '../../nodes/shared/models';
import type { RunStatus } from '../../nodes/shared/models';
import type { EmulatorContext, Outcome } from './context';
import { errorOutcome, validationOutcome } from './context';
import type { SseStream } from './sse';
import type { GroupRecord, LogEntry, RunRecord } from './store';
import { resultLagging } from './handlers';
import { booleanParam } from './validation';
import type { FieldError } from './validation';

/** A finished run never changes: its /runs event text is made once per include combination. */
const finishedEvents = new WeakMap<RunRecord, Map<string, string>>();

function runEvent(
	record: RunRecord,
	includeInput: boolean,
	includeOutput: boolean,
	resultLagMs = 0,
): string {
	if (includeOutput && resultLagging(record, resultLagMs)) {
		return JSON.stringify({
			type: 'task_run.state',
			event_id: record.cursor,
			input: includeInput ? record.input : null,
			run: record.run,
			output: null,
		});
	}
	const finished = !record.run.is_active;
	const variant = `${includeInput}:${includeOutput}`;
	const cached = finished ? finishedEvents.get(record)?.get(variant) : undefined;
	if (cached) return cached;
	const completed = record.run.status === 'completed';
	const json = JSON.stringify({
		type: 'task_run.state',
		event_id: record.cursor,
		input: includeInput ? record.input : null,
		run: record.run,
		output: includeOutput && completed ? record.output : null,
	});
	if (finished) {
		const variants = finishedEvents.get(record) ?? new Map<string, string>();
		variants.set(variant, json);
		finishedEvents.set(record, variants);
	}
	return json;
}

/**
 * GET /groups/{id}/runs: a finite snapshot, one task_run.state per run (active ones too) in
 * creation order, starting after `last_event_id`; then the response ends.
 */
export function runsStream(
	ctx: EmulatorContext,
	groupId: string,
	query: URLSearchParams,
	resultLagMs = 0,
): Outcome {
	const group = ctx.store.groups.get(groupId);
	if (!group) return errorOutcome(404, 'TaskGroup not found');
	const includeInput = booleanParam(query, 'include_input', false);
	const includeOutput = booleanParam(query, 'include_output', false);
	const status = query.get('status');
	const errors = [includeInput, includeOutput].filter(
		(v): v is FieldError => typeof v === 'object',
	);
	if (status && !RUN_STATUSES.includes(status as RunStatus)) {
		errors.push({ loc: ['query', 'status'], msg: 'Input should be a run status', type: 'enum' });
	}
	if (errors.length) return validationOutcome(errors);
	const lastEventId = query.get('last_event_id');
	const start = lastEventId ? group.runResumeIndex(lastEventId) : 0;
	return {
		kind: 'stream',
		open(stream: SseStream) {
			for (let i = start; i < group.runs.length && stream.isOpen; i++) {
				const record = group.runs[i];
				if (status && record.run.status !== status) continue;
				stream.send(
					'task_run.state',
					runEvent(record, includeInput === true, includeOutput === true, resultLagMs),
					record.cursor,
				);
			}
			stream.end();
		},
	};
}

function statusJson(group: GroupRecord, eventId: string): string {
	return JSON.stringify({ type: 'task_group_status', event_id: eventId, status: group.status() });
}

/**
 * GET /groups/{id}/events: the current status, then past run terminations after the cursor, then
 * live events; a final inactive status ends it. Past task_group_status entries are not replayed:
 * the first event already carries the current status, and a stale `is_active: false` in the
 * replay would look like the end of the stream.
 */
export function eventsStream(
	ctx: EmulatorContext,
	groupId: string,
	query: URLSearchParams,
): Outcome {
	const group = ctx.store.groups.get(groupId);
	if (!group) return errorOutcome(404, 'TaskGroup not found');
	const rawTimeout = query.get('timeout');
	let timeoutMs = ctx.options.eventsMaxMs;
	if (rawTimeout !== null && rawTimeout !== '' && rawTimeout !== 'null') {
		const seconds = Number(rawTimeout);
		if (!Number.isFinite(seconds)) {
			return validationOutcome([
				{ loc: ['query', 'timeout'], msg: 'Input should be a valid number', type: 'float_parsing' },
			]);
		}
		timeoutMs = Math.min(timeoutMs, Math.max(0, seconds * 1000));
	}
	const lastEventId = query.get('last_event_id');
	return {
		kind: 'stream',
		open(stream: SseStream) {
			let position: number;
			if (lastEventId) position = group.eventResumePosition(lastEventId);
			else position = ctx.options.replayWithoutCursor === 'all' ? 0 : group.log.length;
			const firstId = group.mintEventCursor(position);
			stream.send('task_group_status', statusJson(group, firstId), firstId);
			const replayEnd = group.log.length;
			for (let i = position; i < replayEnd && stream.isOpen; i++) {
				const entry = group.log[i];
				if (entry.type === 'task_run.state') stream.send(entry.type, entry.json, entry.event_id);
			}
			if (!group.isActive) {
				const finalId = group.mintEventCursor(group.log.length);
				stream.send('task_group_status', statusJson(group, finalId), finalId);
				stream.end();
				return;
			}
			const listener = (entry: LogEntry) => {
				stream.send(entry.type, entry.json, entry.event_id);
				const status = entry.payload.status as { is_active?: boolean } | undefined;
				if (status && status.is_active === false) stream.end();
			};
			group.listeners.add(listener);
			const timer = setTimeout(() => stream.end(), Math.min(timeoutMs, 2 ** 31 - 1));
			stream.onClose(() => {
				group.listeners.delete(listener);
				clearTimeout(timer);
			});
		},
	};
}

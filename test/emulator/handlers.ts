/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test infrastructure runs in Node, not in n8n */
import type { Metadata, TaskRunInput } from '../../nodes/shared/models';
import type { EmulatorContext, Outcome } from './context';
import { errorOutcome, jsonOutcome, validationOutcome } from './context';
import type { GroupRecord } from './store';
import {
	INVALID_PROCESSOR_MESSAGE,
	VALIDATION_MESSAGE,
	booleanParam,
	checkMetadata,
	checkRunRequest,
	checkSingleRun,
	parseJsonBody,
} from './validation';

export interface ApiRequest {
	params: string[];
	query: URLSearchParams;
	body: string;
	/** Registers a callback for when the client goes away. */
	onClientGone(handler: () => void): void;
	/** Results of runs completed less than this long ago are withheld (a `lagResults` fault). */
	resultLagMs: number;
}

/** Whether a completed run's result is withheld by a `lagResults` fault. */
export function resultLagging(
	record: { run: { status: string; modified_at?: string | null } },
	lagMs: number,
): boolean {
	if (lagMs <= 0 || record.run.status !== 'completed') return false;
	return Date.now() - Date.parse(record.run.modified_at ?? '') < lagMs;
}

const RUN_NOT_FOUND = 'Run id not found';

export function createGroup(ctx: EmulatorContext, req: ApiRequest): Outcome {
	const parsed = parseJsonBody(req.body, true);
	if (!parsed.ok) return validationOutcome(parsed.errors);
	const body = parsed.value;
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		return validationOutcome([
			{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' },
		]);
	}
	const metadata = (body as { metadata?: unknown }).metadata;
	const errors = checkMetadata(metadata, ['body', 'metadata']);
	if (errors.length) return validationOutcome(errors);
	const group = ctx.store.createGroup((metadata as Metadata | undefined) ?? null);
	return jsonOutcome(200, group.toJson());
}

export function getGroup(ctx: EmulatorContext, req: ApiRequest): Outcome {
	const group = ctx.store.groups.get(req.params[0]);
	return group ? jsonOutcome(200, group.toJson()) : errorOutcome(404, 'TaskGroup not found');
}

function startRuns(ctx: EmulatorContext, inputs: TaskRunInput[], group: GroupRecord | null) {
	let duplicates = 0;
	const records = inputs.map((input) => {
		const { record, duplicate } = ctx.store.createRun(input, group);
		if (duplicate) duplicates++;
		return record;
	});
	ctx.counters.runs(group?.id ?? null, records.length, duplicates);
	if (group) {
		group.lastProgressStatusAt = Date.now();
		group.appendStatus();
	}
	for (const record of records) ctx.scheduler.start(record);
	return records;
}

/** A follow-up must name an interaction the account has: 422 for one it does not know. */
function unknownInteractions(
	ctx: EmulatorContext,
	inputs: TaskRunInput[],
	loc: (index: number) => Array<string | number>,
) {
	return inputs.flatMap((input, index) => {
		const previous = input.previous_interaction_id;
		if (!previous || ctx.store.interactions.has(previous)) return [];
		return [
			{
				loc: [...loc(index), 'previous_interaction_id'],
				msg: `Interaction '${previous}' not found`,
				type: 'value_error',
			},
		];
	});
}

export function addRuns(ctx: EmulatorContext, req: ApiRequest): Outcome {
	const group = ctx.store.groups.get(req.params[0]);
	if (!group) return errorOutcome(404, 'TaskGroup not found');
	const refresh = booleanParam(req.query, 'refresh_status', true);
	if (typeof refresh === 'object') return validationOutcome([refresh]);
	const parsed = parseJsonBody(req.body, false);
	if (!parsed.ok) return validationOutcome(parsed.errors);
	const check = checkRunRequest(parsed.value);
	if (check.kind === 'invalid') return validationOutcome(check.errors);
	if (check.kind === 'forbidden') {
		return errorOutcome(403, INVALID_PROCESSOR_MESSAGE, {
			loc: ['body', 'inputs', check.index, 'processor'],
		});
	}
	const unknown = unknownInteractions(ctx, check.inputs, (i) => ['body', 'inputs', i]);
	if (unknown.length) return validationOutcome(unknown);
	const statusBefore = group.status();
	const runCursor = group.lastRunCursor();
	const eventCursor = group.lastEventId();
	const records = startRuns(ctx, check.inputs, group);
	return jsonOutcome(200, {
		status: refresh ? group.status() : statusBefore,
		run_ids: records.map((record) => record.run.run_id),
		run_cursor: runCursor,
		event_cursor: eventCursor,
	});
}

export function createRun(ctx: EmulatorContext, req: ApiRequest): Outcome {
	const parsed = parseJsonBody(req.body, false);
	const check = parsed.ok
		? checkSingleRun(parsed.value)
		: { kind: 'invalid' as const, errors: parsed.errors };
	if (check.kind === 'invalid')
		return errorOutcome(422, VALIDATION_MESSAGE, { errors: check.errors });
	if (check.kind === 'forbidden') {
		return errorOutcome(403, INVALID_PROCESSOR_MESSAGE, { loc: ['body', 'processor'] });
	}
	const unknown = unknownInteractions(ctx, check.inputs, () => ['body']);
	if (unknown.length) return errorOutcome(422, VALIDATION_MESSAGE, { errors: unknown });
	const [record] = startRuns(ctx, check.inputs, null);
	return jsonOutcome(202, record.run);
}

export function getGroupRun(ctx: EmulatorContext, req: ApiRequest): Outcome {
	const record = ctx.store.runs.get(req.params[1]);
	if (!record || record.group?.id !== req.params[0]) return errorOutcome(404, RUN_NOT_FOUND);
	return jsonOutcome(200, record.run);
}

export function getRun(ctx: EmulatorContext, req: ApiRequest): Outcome {
	const record = ctx.store.runs.get(req.params[0]);
	return record ? jsonOutcome(200, record.run) : errorOutcome(404, RUN_NOT_FOUND);
}

export function getRunInput(ctx: EmulatorContext, req: ApiRequest): Outcome {
	const record = ctx.store.runs.get(req.params[0]);
	return record ? jsonOutcome(200, record.input) : errorOutcome(404, RUN_NOT_FOUND);
}

/** Holds while the run is active, up to `timeout` seconds (capped by maxHoldMs), then 408. */
export async function getRunResult(ctx: EmulatorContext, req: ApiRequest): Promise<Outcome> {
	const rawTimeout = req.query.get('timeout');
	const timeoutSeconds = rawTimeout === null || rawTimeout === '' ? 600 : Number(rawTimeout);
	if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 0) {
		return errorOutcome(422, VALIDATION_MESSAGE, {
			errors: [
				{ loc: ['query', 'timeout'], msg: 'Input should be a valid integer', type: 'int_parsing' },
			],
		});
	}
	const record = ctx.store.runs.get(req.params[0]);
	if (!record) return errorOutcome(404, 'Run failed or run id not found');
	if (record.run.is_active) {
		const holdMs = Math.min(timeoutSeconds * 1000, ctx.options.maxHoldMs ?? Infinity, 2 ** 31 - 1);
		await new Promise<void>((resolve) => {
			const done = () => {
				clearTimeout(timer);
				record.waiters.delete(done);
				ctx.releaseHolds.delete(done);
				resolve();
			};
			const timer = setTimeout(done, holdMs);
			record.waiters.add(done);
			ctx.releaseHolds.add(done);
			req.onClientGone(done);
		});
	}
	if (
		record.run.status === 'completed' &&
		record.output &&
		!resultLagging(record, req.resultLagMs)
	) {
		return jsonOutcome(200, { run: record.run, output: record.output });
	}
	if (record.run.is_active) return errorOutcome(408, 'Request timed out; run still active');
	return errorOutcome(404, 'Run failed or run id not found');
}

export function listMonitors(_ctx: EmulatorContext, req: ApiRequest): Outcome {
	const limit = req.query.get('limit');
	if (limit !== null && !(Number.isInteger(Number(limit)) && Number(limit) > 0)) {
		return errorOutcome(422, VALIDATION_MESSAGE, {
			errors: [
				{ loc: ['query', 'limit'], msg: 'Input should be a positive integer', type: 'int_parsing' },
			],
		});
	}
	return jsonOutcome(200, []);
}

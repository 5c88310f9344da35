/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test infrastructure runs in Node, not in n8n */
import type { RunStatus } from '../../nodes/shared/models';
import type { EmulatorContext, Outcome } from './context';
import { errorOutcome } from './context';
import type { SseStream } from './sse';
import { nowIso } from './store';
import type { RunRecord } from './store';

/** Parallel keeps a run's events stream open this long (notes 4, R5). */
export const RUN_EVENTS_MAX_MS = 570_000;

const PREMIUM = /^(pro|ultra)/;

/** Whether a run records its detailed progress: asked for, or a pro processor and above. */
export const recordsProgress = (record: RunRecord): boolean =>
	record.input.enable_events ?? PREMIUM.test(record.run.processor);

type Stage = 'queued' | 'running' | 'ended';

const stageOf = (status: RunStatus): Stage =>
	status === 'queued'
		? 'queued'
		: status === 'running' || status === 'cancelling'
			? 'running'
			: 'ended';

const summary = (record: RunRecord): string => {
	const text =
		typeof record.input.input === 'string'
			? record.input.input
			: JSON.stringify(record.input.input);
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

function message(type: string, text: string): [string, string] {
	const full = `task_run.progress_msg.${type}`;
	return [full, JSON.stringify({ type: full, message: text, timestamp: nowIso() })];
}

function stats(record: RunRecord, meter: number, read: number): [string, string] {
	const type = 'task_run.progress_stats';
	const sample = Array.from(
		{ length: Math.min(read, 3) },
		(_, i) => `https://example.com/emulator/${record.run.run_id}/source-${i + 1}`,
	);
	return [
		type,
		JSON.stringify({
			type,
			source_stats: {
				num_sources_considered: read * 3,
				num_sources_read: read,
				sources_read_sample: sample,
			},
			progress_meter: meter,
		}),
	];
}

function stateEvent(record: RunRecord, withOutput: boolean): [string, string] {
	return [
		'task_run.state',
		JSON.stringify({
			type: 'task_run.state',
			event_id: null,
			input: null,
			run: record.run,
			output: withOutput && record.run.status === 'completed' ? record.output : null,
		}),
	];
}

/**
 * The events a stage adds to the run's trace. Runs that do not record progress get only the
 * execution status and source statistics ("the frequency of events will be reduced").
 */
function stageEvents(record: RunRecord, stage: Stage): Array<[string, string]> {
	const detailed = recordsProgress(record);
	if (stage === 'queued') return [];
	if (stage === 'running') {
		return [
			message('exec_status', 'Starting research'),
			...(detailed
				? [
						message('plan', `Planning the research for ${summary(record)}`),
						message('search', `Searching the web for ${summary(record)}`),
						...(record.input.mcp_servers ?? []).map((server) =>
							message('tool_call', `Calling a tool of MCP server '${server.name}'`),
						),
					]
				: []),
			stats(record, 50, 4),
		];
	}
	const status = record.run.status;
	return [
		...(detailed && status === 'completed'
			? [message('result', 'Writing the answer from 8 sources')]
			: []),
		message('exec_status', status === 'completed' ? 'Research finished' : `Run ${status}`),
		stats(record, status === 'completed' ? 100 : 50, status === 'completed' ? 8 : 4),
	];
}

const STAGES: Stage[] = ['queued', 'running', 'ended'];

/**
 * GET /tasks/runs/{id}/events: each connection starts with the run's state, replays the trace so
 * far, then follows the run live; a run that has ended gets its final state (with the output when
 * completed) and the response ends. Capped at 570 s, as Parallel's. Not resumable.
 */
export function runEventsStream(ctx: EmulatorContext, runId: string): Outcome {
	const record = ctx.store.runs.get(runId);
	if (!record) return errorOutcome(404, 'Run id not found');
	return {
		kind: 'stream',
		open(stream: SseStream) {
			const send = ([type, json]: [string, string]) => stream.send(type, json, null);
			let sentStage: Stage = 'queued';
			const catchUp = () => {
				const now = stageOf(record.run.status);
				for (const stage of STAGES.slice(STAGES.indexOf(sentStage) + 1, STAGES.indexOf(now) + 1)) {
					stageEvents(record, stage).forEach(send);
				}
				sentStage = now;
				if (!record.run.is_active) {
					send(stateEvent(record, true));
					stream.end();
				}
			};
			send(stateEvent(record, false));
			catchUp();
			if (!stream.isOpen) return;
			const listener = () => stream.isOpen && catchUp();
			record.listeners.add(listener);
			const timer = setTimeout(
				() => stream.end(),
				Math.min(RUN_EVENTS_MAX_MS, ctx.options.eventsMaxMs),
			);
			stream.onClose(() => {
				record.listeners.delete(listener);
				clearTimeout(timer);
			});
		},
	};
}

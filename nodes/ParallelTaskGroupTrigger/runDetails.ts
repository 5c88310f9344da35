import type { Logger } from 'n8n-workflow';

import { getRunInput, pollRunResult, streamRuns } from '../shared/api';
import type { TaskRun } from '../shared/models';
import type { RunRecord } from '../shared/results';
import { settle } from '../shared/settle';
import type { ParallelClient } from '../shared/transport/client';
import { pause } from '../shared/transport/pause';
import { backoffDelayMs, POLICY } from '../shared/transport/policy';
import { isNotFound } from './outcomes';

/** From this many runs ending together, one `/runs` read beats a request per run. */
const SCAN_FROM = 3;
/** Records kept from a read for runs whose events have not arrived yet. */
const MAX_CACHED = 2000;

export interface DetailOptions {
	includeInput: boolean;
	includeOutput: boolean;
}

/** A run with what could be added to it; a flag says what could not (and is in the log). */
export interface DetailedRun extends RunRecord {
	/** Completed, but its result was not there within POLICY.trigger.output.maxWaitMs. */
	outputMissing?: boolean;
	/** Its input was asked for and Parallel answered 404. */
	inputMissing?: boolean;
}

/**
 * Adds output (and input) to runs that ended: the events stream carries neither. A burst of
 * endings is served by one read of the group's runs, whose other finished runs are kept for the
 * events still on their way; a lone ending costs one request. A result that is not ready yet is
 * asked for again with backoff, within a bound; a 404 for one run concerns that run only.
 */
export class RunDetails {
	private readonly cache = new Map<string, RunRecord>();

	/**
	 * The `/runs` cursor after which the next read starts: every run before it had ended at the
	 * last read, so its output was used or kept then. Reads of a busy group stay short.
	 */
	private scanFrom: string | undefined;

	constructor(
		private readonly client: ParallelClient,
		private readonly taskGroupId: string,
		private readonly options: DetailOptions,
		private readonly logger: Logger,
	) {}

	private needsDetails(run: TaskRun): boolean {
		return this.options.includeInput || this.needsOutput(run);
	}

	private needsOutput(run: TaskRun): boolean {
		return this.options.includeOutput && run.status === 'completed';
	}

	async complete(runs: TaskRun[]): Promise<Map<string, DetailedRun>> {
		const records = new Map<string, DetailedRun>();
		const missing: TaskRun[] = [];
		for (const run of runs) {
			const cached = this.cache.get(run.run_id);
			this.cache.delete(run.run_id);
			if (!this.needsDetails(run)) records.set(run.run_id, { run });
			else if (cached) records.set(run.run_id, { ...cached, run });
			else missing.push(run);
		}
		if (missing.length >= SCAN_FROM) await this.scan(missing, records);
		for (const run of missing) {
			if (!records.has(run.run_id)) records.set(run.run_id, await this.fetchOne(run));
		}
		await this.awaitOutputs(records);
		return records;
	}

	/** Asks again for the results that were not ready, until they are or the bound has passed. */
	private async awaitOutputs(records: Map<string, DetailedRun>): Promise<void> {
		const lacking = () =>
			[...records.values()].filter((record) => this.needsOutput(record.run) && !record.output);
		const deadline = Date.now() + POLICY.trigger.output.maxWaitMs;
		for (let retry = 0; lacking().length; retry++) {
			const delay = backoffDelayMs(retry, POLICY.trigger.output.retry);
			if (Date.now() + delay > deadline) break;
			await pause(delay, this.client.signal);
			if (this.client.signal?.aborted) return;
			for (const record of lacking()) record.output = await this.fetchOutput(record.run);
		}
		for (const record of lacking()) {
			record.outputMissing = true;
			this.logger.warn('Parallel trigger emits a completed run without its output', {
				taskGroupId: this.taskGroupId,
				runId: record.run.run_id,
				reason: `the result was not ready within ${POLICY.trigger.output.maxWaitMs / 1000} s`,
			});
		}
	}

	private async scan(missing: TaskRun[], records: Map<string, DetailedRun>): Promise<void> {
		const wanted = new Map(missing.map((run) => [run.run_id, run]));
		const runs = streamRuns(this.client, this.taskGroupId, {
			includeInput: this.options.includeInput,
			includeOutput: this.options.includeOutput,
			lastEventId: this.scanFrom,
		});
		let allEndedSoFar = true;
		for await (const event of runs) {
			if (event.type !== 'task_run.state') continue;
			if (event.run.is_active) allEndedSoFar = false;
			else if (allEndedSoFar && event.event_id) this.scanFrom = event.event_id;
			const run = wanted.get(event.run.run_id);
			if (run) records.set(run.run_id, { run, input: event.input, output: event.output });
			// A completed run without its output (not ready yet) is not kept: it is asked for again.
			else if (!event.run.is_active && (event.output || !this.needsOutput(event.run)))
				this.keep(event);
		}
	}

	/** Keeps a finished run for its event to come; the oldest kept ones make room. */
	private keep(record: RunRecord): void {
		this.cache.delete(record.run.run_id);
		if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
		this.cache.set(record.run.run_id, record);
	}

	private async fetchOutput(run: TaskRun): Promise<RunRecord['output']> {
		// 404 (no result yet, or none) and 408 both leave it missing: asked again, within the bound.
		const poll = await pollRunResult(this.client, run.run_id, 0);
		return poll.state === 'done' ? poll.result.output : undefined;
	}

	private async fetchOne(run: TaskRun): Promise<DetailedRun> {
		const record: DetailedRun = { run };
		if (this.needsOutput(run)) record.output = await this.fetchOutput(run);
		if (this.options.includeInput) {
			const input = await settle(async () => await getRunInput(this.client, run.run_id));
			if (input.ok) record.input = input.value;
			else if (!isNotFound(input.error)) throw input.error;
			else {
				record.inputMissing = true;
				this.logger.warn('Parallel trigger emits a run without its input', {
					taskGroupId: this.taskGroupId,
					runId: run.run_id,
					reason: 'Parallel answered 404 for its input',
				});
			}
		}
		return record;
	}
}

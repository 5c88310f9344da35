import { getRunInput, pollRunResult, streamRuns } from '../shared/api';
import type { TaskRun } from '../shared/models';
import type { RunRecord } from '../shared/results';
import type { ParallelClient } from '../shared/transport/client';

/** From this many runs ending together, one `/runs` read beats a request per run. */
const SCAN_FROM = 3;
/** Records kept from a read for runs whose events have not arrived yet. */
const MAX_CACHED = 2000;

export interface DetailOptions {
	includeInput: boolean;
	includeOutput: boolean;
}

/**
 * Adds output (and input) to runs that ended: the events stream carries neither. A burst of
 * endings is served by one read of the group's runs, whose other finished runs are kept for the
 * events still on their way; a lone ending costs one request.
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
	) {}

	private needsDetails(run: TaskRun): boolean {
		return this.options.includeInput || (this.options.includeOutput && run.status === 'completed');
	}

	async complete(runs: TaskRun[]): Promise<Map<string, RunRecord>> {
		const records = new Map<string, RunRecord>();
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
		return records;
	}

	private async scan(missing: TaskRun[], records: Map<string, RunRecord>): Promise<void> {
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
			else if (!event.run.is_active) this.keep(event);
		}
	}

	/** Keeps a finished run for its event to come; the oldest kept ones make room. */
	private keep(record: RunRecord): void {
		this.cache.delete(record.run.run_id);
		if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
		this.cache.set(record.run.run_id, record);
	}

	private async fetchOne(run: TaskRun): Promise<RunRecord> {
		const record: RunRecord = { run };
		if (this.options.includeOutput && run.status === 'completed') {
			const poll = await pollRunResult(this.client, run.run_id, 0);
			if (poll.state === 'done') record.output = poll.result.output;
		}
		if (this.options.includeInput) record.input = await getRunInput(this.client, run.run_id);
		return record;
	}
}

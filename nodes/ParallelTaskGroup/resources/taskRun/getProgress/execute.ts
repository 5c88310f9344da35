import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getRun, openRunEvents } from '../../../../shared/api';
import type { TaskRun, TaskRunSourceStats } from '../../../../shared/models';
import { statusMeaning } from '../../../../shared/statuses';
import type { ParallelClient } from '../../../../shared/transport/client';
import { POLICY } from '../../../../shared/transport/policy';
import { perItem } from '../../../helpers/items';
import { runIdOf } from '../shared';

/** The newest messages kept per run: a long run's trace can hold thousands. */
export const MAX_PROGRESS_MESSAGES = 200;

interface Progress {
	run?: TaskRun;
	messages: IDataObject[];
	dropped: number;
	sourceStats?: TaskRunSourceStats;
	progressMeter?: number;
	eventsRead: number;
	/** The run's stream ended or the run reached an end status: nothing more will come. */
	complete: boolean;
}

/**
 * Reads the run's events for at most Max Wait: the stream replays the trace so far, then follows
 * the run. It ends when the run ends, the server closes the stream, or Max Wait passes (the
 * stream is closed then), so the read never hangs.
 */
async function readProgress(
	client: ParallelClient,
	runId: string,
	deadline: number,
): Promise<Progress> {
	const progress: Progress = { messages: [], dropped: 0, eventsRead: 0, complete: false };
	const stream = await openRunEvents(client, runId, { deadline: deadline + POLICY.wait.marginMs });
	void stream.closeAt(deadline);
	let states = 0;
	for await (const event of stream.allEvents()) {
		progress.eventsRead++;
		if (event.type === 'task_run.state') {
			progress.run = event.run;
			// The stream opens with the run's state, then replays its trace: only a later state that
			// says the run ended is the end (for a completed run it carries the output).
			if (++states > 1 && !event.run.is_active) {
				progress.complete = true;
				stream.close('ended');
				break;
			}
		} else if (event.type === 'task_run.progress_stats') {
			progress.sourceStats = event.source_stats;
			progress.progressMeter = event.progress_meter;
		} else if (event.type === 'error') {
			progress.messages.push({ type: 'error', message: event.error.message, timestamp: null });
		} else if (event.type !== 'task_group_status') {
			progress.messages.push({
				type: event.type.replace('task_run.progress_msg.', ''),
				message: event.message,
				timestamp: event.timestamp ?? null,
			});
		}
		if (progress.messages.length > MAX_PROGRESS_MESSAGES) {
			progress.messages.shift();
			progress.dropped++;
		}
	}
	if (stream.endReason === 'cancelled') throw client.cancelled();
	if (stream.endReason === 'ended') progress.complete = true;
	return progress;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	return await perItem(this, items, async (client, itemIndex) => {
		const runId = runIdOf(this, itemIndex);
		const maxWaitSeconds = Math.max(
			0,
			this.getNodeParameter('maxWaitSeconds', itemIndex, 5) as number,
		);
		const deadline = Date.now() + maxWaitSeconds * 1000;
		const progress = await readProgress(client, runId, deadline);
		// The stream starts with the run's state; a stream that said nothing is answered by the run.
		const run =
			progress.run ?? (await getRun(client, runId, { deadline: deadline + POLICY.wait.marginMs }));
		return {
			run_id: run.run_id,
			status: run.status,
			status_meaning: statusMeaning(run.status),
			is_active: run.is_active,
			progress_meter: progress.progressMeter ?? null,
			source_stats: (progress.sourceStats ?? null) as IDataObject | null,
			messages: progress.messages,
			...(progress.dropped ? { earlier_messages_left_out: progress.dropped } : {}),
			events_read: progress.eventsRead,
			complete: progress.complete,
		};
	});
}

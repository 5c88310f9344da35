import type { ITriggerFunctions } from 'n8n-workflow';

import { streamRuns } from '../shared/api';
import type { TaskRun } from '../shared/models';
import { ACTIVE_RUN_STATUSES } from '../shared/models';
import { formatRun } from '../shared/results';
import type { ParallelClient } from '../shared/transport/client';
import { CursorState } from './cursorState';
import { GroupListener } from './groupListener';
import type { ListenerSettings } from './groupListener';
import { RunDetails } from './runDetails';

/**
 * "Listen for test event": the most recent run that already ended the way the user chose, so
 * fields can be mapped at once; when none has, the next one to end.
 */
export async function emitSample(
	context: ITriggerFunctions,
	client: ParallelClient,
	settings: ListenerSettings,
	abort: () => void,
): Promise<GroupListener | undefined> {
	let latest: TaskRun | undefined;
	const ended = new Set<string>();
	for await (const event of streamRuns(client, settings.taskGroupId)) {
		if (event.type !== 'task_run.state' || ACTIVE_RUN_STATUSES.has(event.run.status)) continue;
		ended.add(event.run.run_id);
		const wanted =
			event.run.status === 'completed'
				? settings.events.has('runCompleted')
				: event.run.status !== 'action_required' && settings.events.has('runFailed');
		if (wanted && (!latest || (event.run.modified_at ?? '') >= (latest.modified_at ?? ''))) {
			latest = event.run;
		}
	}
	if (latest) {
		const records = await new RunDetails(
			client,
			settings.taskGroupId,
			settings.details,
			context.logger,
		).complete([latest]);
		const json = formatRun(records.get(latest.run_id)!, settings.simplify);
		context.emit([[{ json: { ...json, taskgroup_id: settings.taskGroupId } }]]);
		return undefined;
	}
	// Nothing ended yet: listen with a throwaway cursor, never the active trigger's. The runs
	// ended at the read above are the baseline: one that ends after it is the sample, even if it
	// ends before the stream opens.
	const listener = new GroupListener(
		context,
		client,
		new CursorState({}, settings.taskGroupId),
		{ ...settings, includeEarlier: false },
		abort,
	);
	await listener.start(ended);
	return listener;
}

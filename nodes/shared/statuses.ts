import type { RunStatus, TaskGroupStatus } from './models';

/** What each run status means for the user, in the words every output and error uses. */
export const STATUS_MEANINGS: Record<RunStatus, string> = {
	queued: 'Waiting for Parallel to start it.',
	running: 'Parallel is researching it.',
	completed: 'Finished: its result can be read.',
	failed: 'Ended without a result; its error says why.',
	action_required:
		'Stopped until someone acts on it (for example an MCP server that asks for authorization). It is not active, has no result yet and will not finish on its own.',
	cancelling: 'Being cancelled: it will end as cancelled, without a result.',
	cancelled: 'Cancelled before it finished: it has no result and is not run again.',
};

export function statusMeaning(status: string): string {
	return STATUS_MEANINGS[status as RunStatus] ?? `Parallel reports the status '${status}'.`;
}

/** The statuses a group can hold that a user should hear about. */
const NOTEWORTHY: RunStatus[] = ['action_required', 'cancelling', 'cancelled'];

/**
 * One line per noteworthy status in a group's counts, e.g. "2 runs action_required: Stopped
 * until ...". Empty when there is nothing to say.
 */
export function groupStatusNotes(status: TaskGroupStatus): string[] {
	return NOTEWORTHY.flatMap((name) => {
		const count = status.task_run_status_counts?.[name] ?? 0;
		if (!count) return [];
		return [`${count} run${count === 1 ? '' : 's'} ${name}: ${STATUS_MEANINGS[name]}`];
	});
}

/**
 * At most one resume per waiting execution from this n8n process; n8n 2.x claims a resume
 * atomically in its database, but n8n 1.x does not: two callbacks that both find every run ended
 * would both resume the execution there. Claiming is synchronous (check and set with no await in
 * between), so callbacks are still checked in parallel and only the resume is exclusive.
 */
const resumedAt = new Map<string, number>();

/** How long a resumed execution refuses further resumes here (n8n marks it running meanwhile). */
const RESUMED_MEMORY_MS = 10 * 60 * 1000;

function forgetOld(now: number): void {
	for (const [executionId, at] of resumedAt) {
		if (now - at > RESUMED_MEMORY_MS) resumedAt.delete(executionId);
	}
}

export function wasResumed(executionId: string): boolean {
	forgetOld(Date.now());
	return resumedAt.has(executionId);
}

/** True for the first caller only: that callback resumes the execution. */
export function claimResume(executionId: string): boolean {
	if (wasResumed(executionId)) return false;
	resumedAt.set(executionId, Date.now());
	return true;
}

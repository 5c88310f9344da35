/**
 * One callback at a time per waiting execution in this n8n process, and none after the one that
 * resumed it. n8n 2.x claims a resume atomically in its database, but n8n 1.x does not: two
 * callbacks that both find every run ended would both resume the execution there. The window is
 * the time from n8n reading the waiting execution to marking it running again, which includes
 * this node's API reads; serializing here closes it within one process.
 */
const chains = new Map<string, Promise<unknown>>();
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

export function markResumed(executionId: string): void {
	resumedAt.set(executionId, Date.now());
}

/** Runs `work` after every earlier callback of the same execution has been answered. */
export async function oneAtATime<T>(executionId: string, work: () => Promise<T>): Promise<T> {
	const previous = chains.get(executionId) ?? Promise.resolve();
	const current = previous.then(work, work);
	const settled = current.then(
		() => undefined,
		() => undefined,
	);
	chains.set(executionId, settled);
	try {
		return await current;
	} finally {
		if (chains.get(executionId) === settled) chains.delete(executionId);
	}
}

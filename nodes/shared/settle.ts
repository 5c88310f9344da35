export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Runs `work` and reports how it ended instead of throwing, for retry decisions. */
export async function settle<T>(work: () => Promise<T>): Promise<Settled<T>> {
	try {
		return { ok: true, value: await work() };
	} catch (error) {
		return { ok: false, error };
	}
}

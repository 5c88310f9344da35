/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmarks run in Node, not in n8n */
export function quantile(values: number[], q: number): number {
	if (!values.length) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const position = (sorted.length - 1) * q;
	const low = Math.floor(position);
	const high = Math.ceil(position);
	return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

export const median = (values: number[]): number => quantile(values, 0.5);

export const now = (): number => performance.now();

/** CPU time this process has used (user + system, all threads), in ms. */
export function cpuMs(): number {
	const usage = process.cpuUsage();
	return (usage.user + usage.system) / 1000;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
	const started = now();
	const value = await work();
	return { ms: now() - started, value };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `count` tasks, at most `limit` in flight; a new one starts as soon as one ends. */
export async function pool(count: number, limit: number, task: (index: number) => Promise<void>) {
	let next = 0;
	const worker = async () => {
		while (next < count) await task(next++);
	};
	await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

export const MB = 1_000_000;

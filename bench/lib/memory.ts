/* eslint-disable @n8n/community-nodes/no-restricted-imports -- benchmarks run in Node, not in n8n */
import { readFileSync, writeFileSync } from 'node:fs';

function statusKb(field: 'VmHWM' | 'VmRSS'): number {
	const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(
		readFileSync('/proc/self/status', 'utf8'),
	);
	return match ? Number(match[1]) : Number.NaN;
}

/** Resident memory now, in bytes. */
export const rssBytes = () => statusKb('VmRSS') * 1024;
/** Peak resident memory since start or since the last `resetPeakRss`, in bytes. */
export const peakRssBytes = () => statusKb('VmHWM') * 1024;

/** Resets VmHWM to the current RSS (Linux: "5" to /proc/self/clear_refs). */
export function resetPeakRss(): void {
	writeFileSync('/proc/self/clear_refs', '5');
}

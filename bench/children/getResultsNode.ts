import '../lib/quietN8n';

import { runNode } from '../../test/harness/workflow';
import { childArgs, collectGarbage, report } from '../lib/childProcess';
import { API_KEY } from '../lib/emulatorProcess';
import { peakRssBytes, resetPeakRss, rssBytes } from '../lib/memory';
import { ParallelTaskGroup } from '../lib/nodes';
import { cpuMs, now } from '../lib/stats';

export interface GetResultsArgs {
	url: string;
	warmUpGroupId: string;
	groupId: string;
	runs: number;
}

export interface GetResultsMeasurement {
	ms: number;
	/** CPU time (user + system, all threads) the process spent during the measurement. */
	cpuMs: number;
	items: number;
	rssBefore: number;
	peakRss: number;
}

async function getResults(url: string, groupId: string) {
	const run = await runNode({
		nodeType: new ParallelTaskGroup(),
		parameters: { resource: 'taskGroup', operation: 'getResults', taskGroupId: groupId },
		items: [{}],
		credentials: { apiKey: API_KEY, baseUrl: url },
	});
	if (run.error) throw run.error;
	return run.items.length;
}

/** One Get Results of a whole group through the node, after a small untimed warm-up. */
async function main() {
	const args = childArgs<GetResultsArgs>();
	await getResults(args.url, args.warmUpGroupId);
	collectGarbage();
	resetPeakRss();
	const rssBefore = rssBytes();
	const cpuBefore = cpuMs();
	const started = now();
	const items = await getResults(args.url, args.groupId);
	const ms = now() - started;
	const cpu = cpuMs() - cpuBefore;
	const peakRss = peakRssBytes();
	if (items !== args.runs) throw new Error(`Get Results returned ${items} items`);
	report({ ms, cpuMs: cpu, items, rssBefore, peakRss } satisfies GetResultsMeasurement);
}

void main();

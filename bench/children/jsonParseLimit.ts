import { childArgs, collectGarbage, report } from '../lib/childProcess';
import { API_KEY } from '../lib/emulatorProcess';
import { peakRssBytes, resetPeakRss, rssBytes } from '../lib/memory';
import { cpuMs, now } from '../lib/stats';
import type { GetResultsArgs } from './getResultsNode';

export interface JsonParseMeasurement {
	ms: number;
	cpuMs: number;
	parseOnlyMs: number;
	/** Reading the stream's bytes and nothing else: what the emulator and the socket allow. */
	rawReadMs: number;
	bytes: number;
	events: number;
	rssBefore: number;
	peakRss: number;
}

/** The least a client can do: read the stream, split lines, JSON.parse each `data:` line, keep the result. */
async function fetchAndParse(url: string, groupId: string) {
	const response = await fetch(`${url}/v1/tasks/groups/${groupId}/runs?include_output=true`, {
		headers: { 'x-api-key': API_KEY, accept: 'text/event-stream' },
	});
	const decoder = new TextDecoder();
	const parsed: unknown[] = [];
	let bytes = 0;
	let rest = '';
	for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
		bytes += chunk.length;
		const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
		rest = lines.pop() ?? '';
		for (const line of lines) if (line.startsWith('data: ')) parsed.push(JSON.parse(line.slice(6)));
	}
	return { parsed, bytes };
}

async function rawRead(url: string, groupId: string): Promise<string> {
	const response = await fetch(`${url}/v1/tasks/groups/${groupId}/runs?include_output=true`, {
		headers: { 'x-api-key': API_KEY, accept: 'text/event-stream' },
	});
	return await response.text();
}

function dataLines(text: string): string[] {
	return text
		.split('\n')
		.filter((line) => line.startsWith('data: '))
		.map((line) => line.slice(6));
}

/** The limit for Get Results: a bare JSON.parse of the same /runs bytes, measured like the node. */
async function main() {
	const args = childArgs<GetResultsArgs>();
	await fetchAndParse(args.url, args.warmUpGroupId);
	collectGarbage();
	resetPeakRss();
	const rssBefore = rssBytes();
	const cpuBefore = cpuMs();
	const started = now();
	const { parsed, bytes } = await fetchAndParse(args.url, args.groupId);
	const ms = now() - started;
	const cpu = cpuMs() - cpuBefore;
	const peakRss = peakRssBytes();
	const events = parsed.length;
	if (events !== args.runs) throw new Error(`parsed ${events} events`);

	// After the RSS figure: the bytes alone, then JSON.parse alone from memory.
	const readStarted = now();
	const text = await rawRead(args.url, args.groupId);
	const rawReadMs = now() - readStarted;
	const lines = dataLines(text);
	const parseStarted = now();
	for (const line of lines) JSON.parse(line);
	const parseOnlyMs = now() - parseStarted;
	report({
		ms,
		cpuMs: cpu,
		parseOnlyMs,
		rawReadMs,
		bytes,
		events,
		rssBefore,
		peakRss,
	} satisfies JsonParseMeasurement);
}

void main();

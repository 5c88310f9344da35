/* eslint-disable @n8n/community-nodes/no-restricted-imports -- benchmarks run in Node, not in n8n */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { readGroupEvents, readSse } from '../nodes/shared/transport/sse';
import type { ByteStream } from '../nodes/shared/transport/sse';
import type { EmulatorProcess } from './lib/emulatorProcess';
import { REPO_ROOT } from './lib/emulatorProcess';
import { companies } from './lib/items';
import {
	addRunsSequentially,
	createGroup,
	runInputs,
	runsStreamBytes,
	waitUntilInactive,
} from './lib/plainApi';
import { median, now } from './lib/stats';
import { OUTPUT_PAD_BYTES } from './getResults';

/** Gitignored (bench/.gitignore): recorded once, reused while it is there. */
export const RECORDING = resolve(REPO_ROOT, 'bench/.cache/runs-50MB.sse');
/** 20,000 runs of ~2.5 KB events (with input and output) make a ~50 MB /runs stream. */
const RECORDED_RUNS = 20_000;
const MIN_BYTES = 45_000_000;
export const CHUNK_SIZES = [16 * 1024, 64 * 1024];

export interface SseFigures {
	bytes: number;
	events: number;
	reps: number;
	/** ms by chunk size: SSE framing only (readSse) and framing + JSON + typing (readGroupEvents). */
	readSse: Record<number, number>;
	readGroupEvents: Record<number, number>;
	/** JSON.parse of the same data lines, from memory. */
	jsonParseMs: number;
}

/** Records a /runs stream of 20,000 completed runs (input and output included) to bench/.cache. */
export async function recordStream(emulator: EmulatorProcess): Promise<Buffer> {
	if (existsSync(RECORDING) && statSync(RECORDING).size >= MIN_BYTES)
		return readFileSync(RECORDING);
	await emulator.reset();
	await emulator.configure({ outputPadBytes: OUTPUT_PAD_BYTES, speed: 0.001 });
	const groupId = await createGroup(emulator.url);
	await addRunsSequentially(emulator.url, groupId, runInputs(companies(RECORDED_RUNS)), 1000);
	await waitUntilInactive(emulator.url, groupId);
	const bytes = await runsStreamBytes(
		emulator.url,
		groupId,
		'include_input=true&include_output=true',
	);
	mkdirSync(resolve(RECORDING, '..'), { recursive: true });
	writeFileSync(RECORDING, bytes);
	await emulator.reset();
	return bytes;
}

/** The recording as a response body: views into one buffer, `chunkSize` bytes each. */
function chunked(bytes: Buffer, chunkSize: number): ByteStream {
	return {
		async *[Symbol.asyncIterator]() {
			for (let start = 0; start < bytes.length; start += chunkSize) {
				yield bytes.subarray(start, start + chunkSize);
			}
		},
	};
}

async function timeReader(
	count: (body: ByteStream) => Promise<number>,
	body: ByteStream,
	expected: number,
) {
	const started = now();
	const events = await count(body);
	const ms = now() - started;
	if (events !== expected) throw new Error(`reader saw ${events} events, expected ${expected}`);
	return ms;
}

async function countSse(body: ByteStream): Promise<number> {
	let events = 0;
	for await (const message of readSse(body)) if (message.data) events++;
	return events;
}

async function countGroupEvents(body: ByteStream): Promise<number> {
	let events = 0;
	for await (const event of readGroupEvents(body)) if (event.type === 'task_run.state') events++;
	return events;
}

/**
 * nodes/shared/transport/sse.ts alone on a recorded 50 MB stream fed from memory in 16 KB and
 * 64 KB chunks, against JSON.parse of the same `data:` lines. MB/s are over the whole stream.
 */
export async function benchSseReader(emulator: EmulatorProcess, reps: number): Promise<SseFigures> {
	const bytes = await recordStream(emulator);
	const lines = bytes
		.toString('utf8')
		.split('\n')
		.filter((line) => line.startsWith('data: '))
		.map((line) => line.slice(6));
	const events = lines.length;
	const samples = {
		readSse: Object.fromEntries(CHUNK_SIZES.map((size) => [size, [] as number[]])),
		readGroupEvents: Object.fromEntries(CHUNK_SIZES.map((size) => [size, [] as number[]])),
		json: [] as number[],
	};
	// One untimed pass of each warms up the JIT.
	for (let rep = -1; rep < reps; rep++) {
		for (const size of CHUNK_SIZES) {
			const sse = await timeReader(countSse, chunked(bytes, size), events);
			const typed = await timeReader(countGroupEvents, chunked(bytes, size), events);
			if (rep >= 0) samples.readSse[size].push(sse);
			if (rep >= 0) samples.readGroupEvents[size].push(typed);
		}
		const started = now();
		for (const line of lines) JSON.parse(line);
		if (rep >= 0) samples.json.push(now() - started);
	}
	const medians = (byChunk: Record<number, number[]>) =>
		Object.fromEntries(Object.entries(byChunk).map(([size, list]) => [size, median(list)]));
	return {
		bytes: bytes.length,
		events,
		reps,
		readSse: medians(samples.readSse),
		readGroupEvents: medians(samples.readGroupEvents),
		jsonParseMs: median(samples.json),
	};
}

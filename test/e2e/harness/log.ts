/* eslint-disable no-console, @n8n/community-nodes/require-node-api-error -- e2e harness runs in Node, not in n8n */
// Output of the e2e suite and the sandbox: timed steps, figures, tables, and redaction of every
// secret the harness handles (API keys, encryption keys, passwords) before anything is printed.

const secrets = new Set<string>();

/** Registers a value that must never be printed; every line goes through `redact`. */
export function registerSecret(value: string | undefined): void {
	if (value && value.length >= 6) secrets.add(value);
}

export function redact(text: string): string {
	let result = text;
	for (const secret of secrets) result = result.split(secret).join('***');
	return result;
}

export function log(message = ''): void {
	console.log(redact(message));
}

export function warn(message: string): void {
	console.warn(redact(`! ${message}`));
}

export interface StepTiming {
	name: string;
	ms: number;
	ok: boolean;
}

const timings: StepTiming[] = [];
const figures: string[] = [];

export function seconds(ms: number): string {
	return `${(ms / 1000).toFixed(1)} s`;
}

/** Runs one named step, printing its duration; a failing step is recorded and rethrown. */
export async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
	const started = Date.now();
	log(`> ${name}`);
	try {
		const result = await work();
		const ms = Date.now() - started;
		timings.push({ name, ms, ok: true });
		log(`  ok ${name} (${seconds(ms)})`);
		return result;
	} catch (error) {
		const ms = Date.now() - started;
		timings.push({ name, ms, ok: false });
		log(`  FAILED ${name} (${seconds(ms)}): ${(error as Error).message}`);
		throw error;
	}
}

/** A measured figure (count, duration) worth reading in the summary. */
export function figure(text: string): void {
	figures.push(text);
	log(`  = ${text}`);
}

export function recordedTimings(): StepTiming[] {
	return [...timings];
}

export function recordedFigures(): string[] {
	return [...figures];
}

function cell(value: unknown, width: number): string {
	const text = value === undefined || value === null ? '' : String(value);
	const flat = text.replace(/\s+/g, ' ');
	return flat.length > width ? `${flat.slice(0, width - 1)}~` : flat.padEnd(width);
}

/** Prints rows as a fixed-width table; each column is as wide as its content, up to `maxWidth`. */
export function table(
	rows: Array<Record<string, unknown>>,
	columns: string[],
	maxWidth = 32,
): void {
	const widths = columns.map((column) =>
		Math.min(
			maxWidth,
			Math.max(column.length, ...rows.map((row) => String(row[column] ?? '').length)),
		),
	);
	const line = (values: unknown[]) =>
		values.map((value, index) => cell(value, widths[index])).join(' | ');
	log(line(columns));
	log(widths.map((width) => '-'.repeat(width)).join('-+-'));
	for (const row of rows) log(line(columns.map((column) => row[column])));
}

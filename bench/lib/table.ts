export type Row = string[];

/** A Markdown table whose columns are padded, so it reads the same in a terminal. */
export function markdownTable(header: Row, rows: Row[]): string {
	const widths = header.map((title, column) =>
		Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
	);
	const line = (cells: Row) =>
		`| ${cells.map((cell, column) => (cell ?? '').padEnd(widths[column])).join(' | ')} |`;
	return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
		'\n',
	);
}

export const ms = (value: number) =>
	value >= 10_000
		? `${(value / 1000).toFixed(1)} s`
		: `${Math.round(value).toLocaleString('en-US')} ms`;

export const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;

export const mbps = (bytes: number, milliseconds: number) =>
	`${((bytes / 1_000_000) * (1000 / milliseconds)).toFixed(0)} MB/s`;

export const ratio = (value: number) => `${value >= 10 ? value.toFixed(0) : value.toFixed(2)}x`;

export const count = (value: number) => Math.round(value).toLocaleString('en-US');

export const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

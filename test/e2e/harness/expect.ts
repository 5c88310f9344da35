/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e harness runs in Node, not in n8n */
// Assertions with messages that say what was checked and what was seen. Each throws, so a failed
// check fails its scenario; none of them can pass vacuously on empty input unless told to.
import { isDeepStrictEqual } from 'node:util';

export class CheckFailed extends Error {}

function show(value: unknown): string {
	const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value ?? null);
	return text.length > 400 ? `${text.slice(0, 400)}...` : text;
}

export function expectTrue(condition: unknown, what: string): void {
	if (!condition) throw new CheckFailed(`Expected ${what}`);
}

export function expectEqual<T>(actual: T, expected: T, what: string): void {
	if (!isDeepStrictEqual(actual, expected))
		throw new CheckFailed(`Expected ${what} to be ${show(expected)}, got ${show(actual)}`);
}

export function expectMatch(actual: unknown, pattern: RegExp, what: string): void {
	if (typeof actual !== 'string' || !pattern.test(actual))
		throw new CheckFailed(`Expected ${what} to match ${pattern}, got ${show(actual)}`);
}

export function expectAtLeast(actual: number, minimum: number, what: string): void {
	if (!(actual >= minimum))
		throw new CheckFailed(`Expected ${what} to be at least ${minimum}, got ${actual}`);
}

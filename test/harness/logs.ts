/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any, @n8n/community-nodes/no-restricted-imports -- test infrastructure: reaches n8n-core's own logger instance */
/**
 * Every log line n8n-core's logger receives while a test runs (nodes log through it as
 * `this.logger`), whatever the log level: n8n-core resolves its own copies of @n8n/di and
 * @n8n/backend-common, so the logger is taken from those.
 */
export interface LogLine {
	level: 'error' | 'warn' | 'info' | 'debug';
	message: string;
	metadata: Record<string, unknown>;
}

function coreLogger(): Record<string, (...args: unknown[]) => void> {
	const core = require.resolve('n8n-core');
	const { Container } = require(require.resolve('@n8n/di', { paths: [core] }));
	const { Logger } = require(require.resolve('@n8n/backend-common', { paths: [core] }));
	return Container.get(Logger);
}

export function captureLogs(): { lines: LogLine[]; restore(): void } {
	const logger = coreLogger();
	const lines: LogLine[] = [];
	const spies = (['error', 'warn', 'info', 'debug'] as const).map((level) =>
		jest.spyOn(logger, level).mockImplementation(((message: unknown, metadata: unknown) => {
			lines.push({
				level,
				message: String(message),
				metadata: (metadata ?? {}) as Record<string, unknown>,
			});
		}) as any),
	);
	return { lines, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

/** Everything a value holds, as text: own properties of every object, error messages, stacks and causes included. */
export function deepText(value: unknown): string {
	const seen = new Set<unknown>();
	const parts: string[] = [];
	const walk = (current: unknown) => {
		if (current === null || current === undefined) return;
		if (typeof current !== 'object' && typeof current !== 'function') {
			parts.push(String(current));
			return;
		}
		if (seen.has(current)) return;
		seen.add(current);
		for (const key of Object.getOwnPropertyNames(current)) {
			parts.push(key);
			let child: unknown;
			try {
				child = (current as Record<string, unknown>)[key];
			} catch {
				continue;
			}
			walk(child);
		}
		if (current instanceof Map) for (const entry of current) walk(entry);
		if (current instanceof Set) for (const entry of current) walk(entry);
	};
	walk(value);
	return parts.join('\n');
}

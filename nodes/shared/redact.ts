import type { TaskRunInput } from './models';

export const REDACTED = '***';

/** Every MCP server header value in a batch: an error message must never repeat one. */
export function mcpHeaderValues(inputs: TaskRunInput[]): string[] {
	const values = new Set<string>();
	for (const input of inputs) {
		for (const server of input.mcp_servers ?? []) {
			for (const value of Object.values(server.headers ?? {})) if (value) values.add(value);
		}
	}
	return [...values];
}

/**
 * A run input as Parallel echoes it (Get Results with inputs, the trigger), with MCP header
 * values replaced: they are credentials and never reach an output item.
 */
export function redactInput<T extends TaskRunInput | null | undefined>(input: T): T {
	if (!input?.mcp_servers?.length) return input;
	return {
		...input,
		mcp_servers: input.mcp_servers.map((server) =>
			server.headers
				? {
						...server,
						headers: Object.fromEntries(Object.keys(server.headers).map((key) => [key, REDACTED])),
					}
				: server,
		),
	};
}

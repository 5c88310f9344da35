import type { TaskRunInput } from './models';

/**
 * The `parallel-beta` values Parallel's docs require per feature (notes 1.1). Whether the gates
 * still apply is open (notes 13.7), so a value is sent whenever, and only when, its feature is
 * used; the transport joins them into one header (httpAttempt.ts).
 */
export const BETA = {
	webhook: 'webhook-2025-08-12',
	mcpServers: 'mcp-server-2025-07-17',
	events: 'events-sse-2025-07-24',
} as const;

/** The beta values a batch of run inputs needs, each once, in a stable order. */
export function betasForInputs(inputs: TaskRunInput[]): string[] {
	const used = new Set<string>();
	for (const input of inputs) {
		if (input.webhook) used.add(BETA.webhook);
		if (input.mcp_servers?.length) used.add(BETA.mcpServers);
		if (input.enable_events) used.add(BETA.events);
	}
	return [...used].sort();
}

/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test infrastructure runs in Node, not in n8n */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Another origin on 127.0.0.1 for `redirect` faults to point at: it answers every request with an
 * empty JSON object and counts them, and those that carry an `x-api-key` header (a leaked key).
 */
export interface RedirectTarget {
	url: string;
	counts(): { requests: number; withApiKey: number };
	reset(): void;
	close(): Promise<void>;
}

export async function startRedirectTarget(): Promise<RedirectTarget> {
	let requests = 0;
	let withApiKey = 0;
	const server = createServer((req, res) => {
		requests++;
		if (req.headers['x-api-key'] !== undefined) withApiKey++;
		req.resume();
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end('{}');
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		counts: () => ({ requests, withApiKey }),
		reset() {
			requests = 0;
			withApiKey = 0;
		},
		close: async () =>
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test infrastructure runs in Node, not in n8n */
// A pass-through HTTP proxy that records every request the package sends (method, path with
// query, body), so that tests can check the transport against the project's contract.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
	method: string;
	url: string;
	body: string;
}

export async function recordingProxy(target: string) {
	const upstream = new URL(target);
	const recorded: RecordedRequest[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			recorded.push({ method: req.method ?? '', url: req.url ?? '', body: body.toString('utf8') });
			// The body is forwarded whole: hop-by-hop framing headers are replaced by its length.
			const headers = { ...req.headers };
			delete headers['transfer-encoding'];
			delete headers.connection;
			delete headers['keep-alive'];
			delete headers['content-length'];
			if (body.length > 0) headers['content-length'] = String(body.length);
			const forward = request(
				{
					host: upstream.hostname,
					port: upstream.port,
					method: req.method,
					path: req.url,
					headers,
				},
				(answer) => {
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(res);
				},
			);
			forward.on('error', () => res.destroy());
			res.on('close', () => forward.destroy());
			forward.end(body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		recorded,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

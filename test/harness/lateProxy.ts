/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test infrastructure runs in Node, not in n8n */
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { sleep } from 'n8n-workflow';

/**
 * A port that refuses connections for `delayMs`, then forwards them to `target`: a server that
 * is not up yet, for the client's "connection never made" path.
 */
export async function lateProxy(target: string, delayMs: number) {
	const probe = createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const { port } = probe.address() as AddressInfo;
	await new Promise<void>((resolve) => probe.close(() => resolve()));
	const targetPort = Number(new URL(target).port);
	const proxy = createServer((socket) => {
		const upstream = connect(targetPort, '127.0.0.1');
		socket.pipe(upstream).pipe(socket);
		socket.on('error', () => upstream.destroy());
		upstream.on('error', () => socket.destroy());
	});
	const listening = sleep(delayMs).then(
		async () => await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve)),
	);
	return {
		url: `http://127.0.0.1:${port}`,
		close: async () => {
			await listening;
			await new Promise<void>((resolve) => proxy.close(() => resolve()));
		},
	};
}

/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e harness runs in Node, not in n8n */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Ports handed out by this process: the OS may offer a released port again before it is used. */
const handedOut = new Set<number>();

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it), never one this process
 * handed out before: several n8n processes get their ports before any of them listens.
 */
export async function freePort(): Promise<number> {
	for (;;) {
		const port = await osFreePort();
		if (handedOut.has(port)) continue;
		handedOut.add(port);
		return port;
	}
}

async function osFreePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** Whether something already listens on 127.0.0.1:`port`. */
export async function portInUse(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const server = createServer();
		server.unref();
		server.once('error', () => resolve(true));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
	});
}

/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test infrastructure runs in Node, not in n8n */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { writeJson } from './server';
import type { Emulator, EmulatorOptions, FaultRule } from './types';
import type { CallbackFault } from './webhooks';

export const CONTROL_PREFIX = '/__emulator';

function readJson(req: IncomingMessage): Promise<unknown> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8').trim();
			try {
				resolve(text ? JSON.parse(text) : {});
			} catch (error) {
				reject(error);
			}
		});
		req.on('error', reject);
	});
}

/**
 * The /__emulator control API for a separately started emulator (no auth, no latency, not
 * counted): faults, counters, reset, hold, config, and a group snapshot.
 */
export async function serveControl(
	emulator: Emulator,
	req: IncomingMessage,
	res: ServerResponse,
	path: string,
): Promise<void> {
	const action = `${req.method} ${path.slice(CONTROL_PREFIX.length)}`;
	let body: unknown;
	try {
		body = await readJson(req);
	} catch (error) {
		writeJson(res, 400, { error: `Body is not JSON: ${error.message}` });
		return;
	}
	try {
		if (action === 'POST /faults') {
			const rules = (Array.isArray(body) ? body : [body]) as FaultRule[];
			for (const rule of rules) emulator.addFault(rule);
			writeJson(res, 200, { ok: true, added: rules.length });
		} else if (action === 'DELETE /faults') {
			emulator.clearFaults();
			writeJson(res, 200, { ok: true });
		} else if (action === 'POST /callback-faults') {
			const faults = (Array.isArray(body) ? body : [body]) as CallbackFault[];
			for (const fault of faults) emulator.addCallbackFault(fault);
			writeJson(res, 200, { ok: true, added: faults.length });
		} else if (action === 'GET /callbacks') {
			writeJson(res, 200, emulator.callbacks());
		} else if (action === 'GET /counters') {
			writeJson(res, 200, emulator.counters());
		} else if (action === 'POST /reset') {
			emulator.reset();
			writeJson(res, 200, { ok: true });
		} else if (action === 'POST /hold') {
			emulator.hold((body as { on?: unknown }).on === true);
			writeJson(res, 200, { ok: true, on: (body as { on?: unknown }).on === true });
		} else if (action === 'POST /config') {
			emulator.configure(body as Partial<EmulatorOptions>);
			writeJson(res, 200, { ok: true });
		} else if (req.method === 'GET' && path.startsWith(`${CONTROL_PREFIX}/groups/`)) {
			const snapshot = emulator.group(decodeURIComponent(path.split('/').pop() ?? ''));
			if (snapshot) writeJson(res, 200, snapshot);
			else writeJson(res, 404, { error: 'No such group' });
		} else {
			writeJson(res, 404, { error: `Unknown control endpoint: ${action}` });
		}
	} catch (error) {
		writeJson(res, 400, { error: error.message });
	}
}

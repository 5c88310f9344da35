/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test infrastructure runs in Node, not in n8n */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { EmulatorContext } from './context';
import { CONTROL_PREFIX, serveControl } from './control';
import { CounterBook } from './counters';
import { FaultBook } from './faults';
import { RunScheduler } from './lifecycle';
import { serveApi, writeJson } from './server';
import type { SseStream } from './sse';
import { startRedirectTarget } from './redirectTarget';
import { Store } from './store';
import { CallbackSender } from './webhooks';
import { resolveOptions } from './types';
import type { Emulator, EmulatorOptions, ResolvedOptions } from './types';

export type {
	Counters,
	Emulator,
	EmulatorOptions,
	FaultAction,
	FaultRule,
	GroupSnapshot,
	RouteName,
} from './types';
export { DEFAULT_API_KEY, DEFAULT_CALLBACK_SECRET } from './types';
export type { CallbackCounters, CallbackFault } from './webhooks';

const NUMBER_OPTIONS = [
	'speed',
	'latencyMs',
	'keepAliveMs',
	'eventsMaxMs',
	'maxHoldMs',
	'outputPadBytes',
	'statusEveryMs',
	'webhookRetryBaseMs',
	'webhookMaxAttempts',
	'webhookTimeoutMs',
] as const;

/** Checks a partial options object; throws on a value of the wrong kind. */
function checkOptions(options: Partial<EmulatorOptions>): void {
	for (const name of NUMBER_OPTIONS) {
		const value = options[name] as unknown;
		if (value !== undefined && value !== null && (typeof value !== 'number' || !(value >= 0))) {
			throw new Error(`Option ${name} must be a number >= 0`);
		}
	}
	if (options.speed !== undefined && options.speed <= 0)
		throw new Error('Option speed must be > 0');
	if (
		options.apiKeys !== undefined &&
		(!Array.isArray(options.apiKeys) || options.apiKeys.some((k) => typeof k !== 'string'))
	) {
		throw new Error('Option apiKeys must be an array of strings');
	}
	if (options.replayWithoutCursor && !['all', 'none'].includes(options.replayWithoutCursor)) {
		throw new Error("Option replayWithoutCursor must be 'all' or 'none'");
	}
}

/** Starts the emulator on 127.0.0.1 (a random free port unless `port` is given). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	checkOptions(options);
	const resolved: ResolvedOptions = resolveOptions(options);
	const openStreams = new Set<SseStream>();
	const redirectTarget = await startRedirectTarget();
	const callbacks = new CallbackSender(() => ({
		secret: resolved.webhookSecret,
		retryBaseMs: resolved.webhookRetryBaseMs,
		maxAttempts: resolved.webhookMaxAttempts,
		timeoutMs: resolved.webhookTimeoutMs,
	}));
	const ctx: EmulatorContext = {
		options: resolved,
		store: new Store(),
		scheduler: new RunScheduler({
			speed: () => resolved.speed,
			padBytes: () => resolved.outputPadBytes,
			statusEveryMs: () => resolved.statusEveryMs,
			runEnding: (record) => callbacks.runEnding(record),
		}),
		faults: new FaultBook(),
		counters: new CounterBook(() => openStreams.size),
		openStreams,
		releaseHolds: new Set(),
		lateWork: new Set(),
		redirectTargetUrl: redirectTarget.url,
	};

	const endActivity = () => {
		for (const stream of [...openStreams]) stream.forceEnd();
		openStreams.clear();
		for (const release of [...ctx.releaseHolds]) release();
		for (const timer of ctx.lateWork) clearTimeout(timer);
		ctx.lateWork.clear();
	};

	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const serve = url.pathname.startsWith(`${CONTROL_PREFIX}/`)
			? serveControl(emulator, req, res, url.pathname)
			: serveApi(ctx, req, res, url);
		serve.catch((error: Error) =>
			writeJson(res, 500, { detail: `Emulator error: ${error.message}` }),
		);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(resolved.port, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;

	const emulator: Emulator = {
		url: `http://127.0.0.1:${port}`,
		redirectTargetUrl: redirectTarget.url,
		async close() {
			ctx.scheduler.clear();
			callbacks.stop();
			endActivity();
			await redirectTarget.close();
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
		reset() {
			ctx.scheduler.clear();
			callbacks.reset();
			endActivity();
			ctx.store.clear();
			ctx.faults.clear();
			ctx.counters.reset();
			redirectTarget.reset();
		},
		addFault: (rule) => ctx.faults.add(rule),
		clearFaults: () => {
			ctx.faults.clear();
			callbacks.clearFaults();
		},
		counters: () => ({ ...ctx.counters.snapshot(), redirectTarget: redirectTarget.counts() }),
		hold: (on) => ctx.scheduler.hold(on),
		configure(changes) {
			checkOptions(changes);
			const oldSpeed = resolved.speed;
			const settable = resolved as unknown as Record<string, unknown>;
			for (const [name, value] of Object.entries(changes)) {
				// The port is fixed once listening.
				if (name === 'port' || !(name in resolved) || value === undefined) continue;
				settable[name] = value;
			}
			ctx.scheduler.rescale(oldSpeed, resolved.speed);
		},
		addCallbackFault: (fault) => callbacks.addFault(fault),
		callbacks: () => callbacks.snapshot(),
		group(id) {
			const group = ctx.store.groups.get(id);
			if (!group) return undefined;
			return {
				runs: group.runs.map(({ run, input }) => ({
					run_id: run.run_id,
					status: run.status,
					input: input.input,
					metadata: run.metadata ?? null,
					interaction_id: run.interaction_id,
					previous_interaction_id: input.previous_interaction_id ?? null,
					mcp_servers: input.mcp_servers ?? null,
					webhook: input.webhook ?? null,
					enable_events: input.enable_events ?? null,
				})),
			};
		},
	};
	return emulator;
}

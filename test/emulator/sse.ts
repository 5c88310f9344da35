/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test infrastructure runs in Node, not in n8n */
import type { ServerResponse } from 'node:http';

import type { StreamFaults } from './faults';
import { newRefId } from './store';

export interface SseSettings {
	sseIdLines: boolean;
	keepAliveMs: number;
	faults: StreamFaults;
	/** Called each time a stream fault takes effect. */
	onInjected: () => void;
	/** Called once when the connection is gone, whoever ended it. */
	onClosed: () => void;
}

/**
 * One SSE response: `event:` line, optional `id:` line, one compact `data:` line, blank line.
 * Applies the connection's stream faults, counting every event written (error events included).
 */
export class SseStream {
	private sent = 0;
	/** We stopped writing: ended cleanly, dropped, or stalled on purpose. */
	private finished = false;
	private stalled = false;
	private cleanedUp = false;
	private duplicateCounted = false;
	private dropAtFrame = -1;
	private keepAlive: NodeJS.Timeout | undefined;
	private readonly closeHandlers: Array<() => void> = [];
	private readonly pendingErrors: StreamFaults['errorEvents'];

	constructor(
		private readonly res: ServerResponse,
		private readonly settings: SseSettings,
	) {
		this.pendingErrors = [...settings.faults.errorEvents].sort(
			(a, b) => a.afterEvents - b.afterEvents,
		);
		res.writeHead(200, {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-cache',
			connection: 'keep-alive',
		});
		res.flushHeaders();
		res.on('close', () => this.cleanup());
		if (settings.keepAliveMs > 0) {
			this.keepAlive = setInterval(() => {
				const stuck = this.stalled && settings.faults.stallKeepAlive && !this.res.destroyed;
				if (this.isOpen || stuck) this.res.write(': keep-alive\n\n');
			}, settings.keepAliveMs);
		}
		this.applyFaults();
	}

	/** False once the connection is ended, dropped or stalled: nothing more will be written. */
	get isOpen(): boolean {
		return !this.finished && !this.cleanedUp && !this.res.destroyed;
	}

	onClose(handler: () => void): void {
		if (this.cleanedUp) handler();
		else this.closeHandlers.push(handler);
	}

	/** Writes one event whose `data` is the given JSON text. */
	send(type: string, json: string, eventId: string | null): void {
		if (!this.isOpen) return;
		this.writeFrame(type, json, eventId);
		this.applyFaults();
		if (type === 'task_run.state' && this.settings.faults.duplicate && this.isOpen) {
			if (!this.duplicateCounted) this.settings.onInjected();
			this.duplicateCounted = true;
			this.writeFrame(type, json, eventId);
			this.applyFaults();
		}
	}

	/** Clean EOF, unless the connection is stalled (then it stays open until the client leaves). */
	end(): void {
		if (!this.isOpen) return;
		this.finished = true;
		this.res.end();
	}

	/** Ends the response whatever its state: for emulator shutdown and reset. */
	forceEnd(): void {
		if (this.cleanedUp) return;
		if (this.stalled) this.res.destroy();
		else if (!this.res.writableEnded) this.res.end();
		this.finished = true;
	}

	private writeFrame(type: string, json: string, eventId: string | null): void {
		const idLine = this.settings.sseIdLines && eventId ? `id: ${eventId}\n` : '';
		const frameNumber = ++this.sent;
		const frame = `event: ${type}\n${idLine}data: ${json}\n\n`;
		if (this.settings.faults.dropAfter === undefined) {
			this.res.write(frame);
			return;
		}
		// Destroying right after write() would discard the corked frames, so a drop waits for them.
		this.res.write(frame, () => {
			if (this.dropAtFrame === frameNumber) this.res.destroy();
		});
	}

	private applyFaults(): void {
		const { faults, onInjected } = this.settings;
		while (this.pendingErrors.length && this.pendingErrors[0].afterEvents <= this.sent) {
			const fault = this.pendingErrors.shift();
			onInjected();
			const error = {
				ref_id: newRefId(),
				message: fault?.message ?? 'Emulated stream error',
				detail: null,
			};
			this.writeFrame('error', JSON.stringify({ type: 'error', error }), null);
		}
		if (faults.dropAfter !== undefined && this.sent >= faults.dropAfter) {
			onInjected();
			this.finished = true;
			if (this.sent === 0) setImmediate(() => this.res.destroy());
			else this.dropAtFrame = this.sent;
		} else if (faults.endAfter !== undefined && this.sent >= faults.endAfter) {
			onInjected();
			this.end();
		} else if (faults.stallAfter !== undefined && this.sent >= faults.stallAfter) {
			onInjected();
			this.finished = true;
			this.stalled = true;
		}
	}

	private cleanup(): void {
		if (this.cleanedUp) return;
		this.cleanedUp = true;
		if (this.keepAlive) clearInterval(this.keepAlive);
		for (const handler of this.closeHandlers.splice(0)) handler();
		this.settings.onClosed();
	}
}

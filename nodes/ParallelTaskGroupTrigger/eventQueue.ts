/**
 * Events handed from the stream reader to the handler. The handler takes everything that has
 * arrived at once, so a burst of run endings is handled (and its outputs fetched) together.
 */
export class EventQueue<T> {
	private items: T[] = [];
	private closed = false;
	private wake: (() => void) | undefined;

	push(item: T): void {
		this.items.push(item);
		this.notify();
	}

	close(): void {
		this.closed = true;
		this.notify();
	}

	/** Everything queued, waiting for at least one; undefined once closed and empty. */
	async takeAll(): Promise<T[] | undefined> {
		while (!this.items.length) {
			if (this.closed) return undefined;
			await new Promise<void>((resolve) => (this.wake = resolve));
		}
		const taken = this.items;
		this.items = [];
		return taken;
	}

	private notify(): void {
		const wake = this.wake;
		this.wake = undefined;
		wake?.();
	}
}

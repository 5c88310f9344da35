/**
 * Starts `start()` once before the test file's tests and closes it after them; the returned
 * handle stands for the started object inside tests (it is not usable before `beforeAll` ran).
 */
export function useForSuite<T extends { close(): Promise<void> }>(start: () => Promise<T>): T {
	let started: T | undefined;
	beforeAll(async () => {
		started = await start();
	});
	afterAll(async () => {
		await started?.close();
	});
	return new Proxy({} as T, {
		get(_target, property) {
			if (!started) throw new Error(`used before the suite started: ${String(property)}`);
			const value = Reflect.get(started, property) as unknown;
			return typeof value === 'function' ? value.bind(started) : value;
		},
	});
}

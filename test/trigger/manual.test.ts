import { sleep } from 'n8n-workflow';

import { DEFAULT_API_KEY, startEmulator } from '../emulator';
import { addRuns, liteInputs, newGroup, waitForInactive } from '../emulator/helpers';
import { listenForTestEvent } from '../harness/trigger';
import { useForSuite } from '../harness/useForSuite';

const emulator = useForSuite(() => startEmulator({ speed: 0.0005, keepAliveMs: 100 }));

const listen = (taskGroupId: string, events = ['runCompleted']) =>
	listenForTestEvent({
		parameters: { taskGroupId, events, options: { maxIdleSeconds: 1 } },
		credentials: { apiKey: DEFAULT_API_KEY, baseUrl: emulator.url },
	});

describe('Listen for test event', () => {
	it('emits the most recent completed run at once, with its output', async () => {
		const group = await newGroup(emulator);
		const { body } = await addRuns(emulator, group, { inputs: liteInputs(5) });
		await waitForInactive(emulator, group);
		const started = Date.now();
		const { handle, items } = await listen(group);
		await handle.close();
		expect(Date.now() - started).toBeLessThan(2_000);
		expect(items).toHaveLength(1);
		expect(items[0]).toHaveLength(1);
		expect(body.run_ids).toContain(items[0][0].json.run_id);
		expect(items[0][0].json).toMatchObject({ status: 'completed', summary: expect.any(String) });
	});

	it('waits for the next completion when none has happened yet, then closes', async () => {
		const group = await newGroup(emulator);
		emulator.hold(true);
		const { body } = await addRuns(emulator, group, { inputs: liteInputs(2) });
		void sleep(300).then(() => emulator.hold(false));
		const { handle, items } = await listen(group);
		await handle.close();
		expect(body.run_ids).toContain(items[0][0].json.run_id);
		await sleep(200);
		expect(emulator.counters().openStreams).toBe(0);
	});

	it('emits a failed run as the sample when only failures are chosen', async () => {
		const group = await newGroup(emulator);
		await addRuns(emulator, group, {
			inputs: [...liteInputs(2), { input: '__fail__', processor: 'lite' }],
		});
		await waitForInactive(emulator, group);
		const { handle, items } = await listen(group, ['runFailed']);
		await handle.close();
		expect(items[0][0].json).toMatchObject({
			status: 'failed',
			error: expect.stringMatching(/Task failed/),
		});
	});
});

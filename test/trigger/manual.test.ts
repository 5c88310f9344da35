import { DEFAULT_API_KEY, startEmulator } from '../emulator';
import { addRuns, liteInputs, newGroup, waitFor, waitForInactive } from '../emulator/helpers';
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
		const runsReads = () => emulator.counters().requests['GET /tasks/groups/:id/runs'] ?? 0;
		const before = runsReads();
		const { handle, items } = await listen(group);
		await handle.close();
		// At once: one read of the group, no stream opened to wait on.
		expect(runsReads() - before).toBe(1);
		expect(items).toHaveLength(1);
		expect(items[0]).toHaveLength(1);
		expect(body.run_ids).toContain(items[0][0].json.run_id);
		expect(items[0][0].json).toMatchObject({ status: 'completed', summary: expect.any(String) });
	});

	it('waits for the next completion when none has happened yet, then closes', async () => {
		const group = await newGroup(emulator);
		emulator.hold(true);
		const { body } = await addRuns(emulator, group, { inputs: liteInputs(2) });
		const runsReads = () => emulator.counters().requests['GET /tasks/groups/:id/runs'] ?? 0;
		const before = runsReads();
		// The runs end right after the sample's first read of the group: before its stream opens,
		// the moment a baseline taken after listening would swallow them.
		void waitFor(() => runsReads() > before || undefined, 20_000, 'the first read').then(() =>
			emulator.hold(false),
		);
		const { handle, items } = await listen(group);
		await handle.close();
		expect(body.run_ids).toContain(items[0][0].json.run_id);
		await waitFor(
			() => emulator.counters().openStreams === 0 || undefined,
			5_000,
			'streams closed',
		);
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

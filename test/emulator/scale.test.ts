import { startEmulator } from './index';
import { addRuns, liteInputs, newGroup, readStream, waitForInactive } from './helpers';
import { useForSuite } from '../harness/useForSuite';

const emu = useForSuite(() => startEmulator({ speed: 0.0005 }));

describe('scale', () => {
	it('completes 10,000 runs added in 10 POSTs', async () => {
		const groupId = await newGroup(emu);
		for (let batch = 0; batch < 10; batch++) {
			const inputs = liteInputs(1000).map((input, i) => ({
				...input,
				input: { name: `item-${batch}-${i}` },
			}));
			const res = await addRuns(emu, groupId, { inputs }, '/v1', '?refresh_status=false');
			expect(res.status).toBe(200);
		}
		const done = await waitForInactive(emu, groupId, 20_000);
		expect(done.status).toMatchObject({
			num_task_runs: 10_000,
			task_run_status_counts: { completed: 10_000 },
			is_active: false,
		});
		const { events, how } = await readStream(
			`${emu.url}/v1/tasks/groups/${groupId}/runs?include_output=true`,
		);
		expect(how).toBe('eof');
		expect(events).toHaveLength(10_000);
		const terminations = (await readStream(`${emu.url}/v1/tasks/groups/${groupId}/events`)).events;
		expect(terminations.filter((e) => e.type === 'task_run.state')).toHaveLength(10_000);
		expect(emu.counters()).toMatchObject({ runsCreatedTotal: 10_000, duplicateInputsTotal: 0 });
	});
});

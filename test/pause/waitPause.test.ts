import type { IDataObject } from 'n8n-workflow';

import { ParallelTaskGroup } from '../../nodes/ParallelTaskGroup/ParallelTaskGroup.node.js';
import { DEFAULT_API_KEY, startEmulator } from '../emulator';
import { addRuns, liteInputs, newGroup, waitFor, waitForInactive } from '../emulator/helpers';
import { useForSuite } from '../harness/useForSuite';
import { resumedOutput, WaitingEndpoint } from '../harness/waitingExecution';

const emulator = useForSuite(() =>
	startEmulator({ speed: 0.0005, webhookRetryBaseMs: 40, webhookMaxAttempts: 6 }),
);
const n8n = useForSuite(() => WaitingEndpoint.start({ claim: 'none' }));

afterEach(() => {
	emulator.clearFaults();
	emulator.hold(false);
});

const waitForCompletion = (taskGroupId: string, extra: IDataObject = {}) => ({
	resource: 'taskGroup',
	operation: 'waitForCompletion',
	whileWaiting: 'pause',
	taskGroupId,
	...extra,
});
const credentials = () => ({ apiKey: DEFAULT_API_KEY, baseUrl: emulator.url });

describe('Wait for Completion, Pause the Execution', () => {
	it('parks until the runs that call this execution back have ended, then resumes once', async () => {
		emulator.hold(true);
		const taskGroupId = await newGroup(emulator);
		const executionId = n8n.nextExecutionId();
		const webhook = {
			url: `${n8n.baseUrl}/${executionId}/parallel-run-status?taskgroup=${taskGroupId}`,
			event_types: ['task_run.status'],
		};
		const added = await addRuns(emulator, taskGroupId, { inputs: liteInputs(4, { webhook }) });
		expect(added.status).toBe(200);
		const execution = n8n.start(
			new ParallelTaskGroup(),
			waitForCompletion(taskGroupId),
			[{ row: 1 }],
			credentials(),
		);
		expect(execution.id).toBe(executionId);
		const parked = await execution.parked;
		expect(parked.waitTill).toBeDefined();
		expect(execution.resumes).toBe(0);
		emulator.hold(false);
		await execution.finished;
		await waitFor(() => emulator.callbacks().pending === 0, 20_000, 'callbacks to settle');
		expect(execution.resumes).toBe(1);
		const { items } = resumedOutput(execution.runs.at(-1)!);
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].json).toMatchObject({
			taskgroup_id: taskGroupId,
			completed: true,
			timed_out: false,
			status: { is_active: false, num_task_runs: 4 },
		});
	});

	it('returns at once, without parking, when the group has already finished', async () => {
		const taskGroupId = await newGroup(emulator);
		await addRuns(emulator, taskGroupId, { inputs: liteInputs(2) });
		await waitForInactive(emulator, taskGroupId);
		const execution = n8n.start(
			new ParallelTaskGroup(),
			waitForCompletion(taskGroupId),
			[{ row: 1 }],
			credentials(),
		);
		const run = await execution.finished;
		expect(run.waitTill).toBeUndefined();
		expect(resumedOutput(run).items[0].json).toMatchObject({ completed: true, timed_out: false });
	});

	it('refuses to park when active runs would not call this execution back', async () => {
		emulator.hold(true);
		const taskGroupId = await newGroup(emulator);
		await addRuns(emulator, taskGroupId, { inputs: liteInputs(3) });
		const execution = n8n.start(
			new ParallelTaskGroup(),
			waitForCompletion(taskGroupId),
			[{ row: 1 }],
			credentials(),
		);
		const run = await execution.finished;
		expect(run.waitTill).toBeUndefined();
		const error = run.data.resultData.error!;
		expect(error.message).toBe(
			`3 active runs of task group '${taskGroupId}' will not call this execution back`,
		);
		expect(error.description).toContain("'Call Back This Execution'");
	});
});

describe('Add Runs, Call Back This Execution', () => {
	it("gives each run the webhook to this execution's resume URL", async () => {
		const taskGroupId = await newGroup(emulator);
		const execution = n8n.start(
			new ParallelTaskGroup(),
			{
				resource: 'taskGroup',
				operation: 'addRuns',
				taskGroupId,
				processor: 'lite',
				outputSchemaType: 'auto',
				options: { callBackExecution: true },
			},
			[{ company: 'A' }, { company: 'B' }],
			credentials(),
		);
		await execution.finished;
		const response = await fetch(
			`${emulator.url}/v1/tasks/groups/${taskGroupId}/runs?include_input=true`,
			{ headers: { 'x-api-key': DEFAULT_API_KEY } },
		);
		const urls = (await response.text())
			.split('\n')
			.filter((line) => line.startsWith('data:'))
			.map((line) => (JSON.parse(line.slice(5)) as { input: { webhook: { url: string } } }).input);
		expect(urls.map((input) => input.webhook.url)).toEqual([
			`${n8n.baseUrl}/${execution.id}/parallel-run-status?taskgroup=${taskGroupId}`,
			`${n8n.baseUrl}/${execution.id}/parallel-run-status?taskgroup=${taskGroupId}`,
		]);
	});
});

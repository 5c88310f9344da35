import { WAIT_INDEFINITELY } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { ParallelTaskGroup } from '../../nodes/ParallelTaskGroup/ParallelTaskGroup.node.js';
import { DEFAULT_API_KEY, DEFAULT_CALLBACK_SECRET, startEmulator } from '../emulator';
import { waitFor } from '../emulator/helpers';
import { signature } from '../emulator/webhooks';
import { companies } from '../harness/parallel';
import { useForSuite } from '../harness/useForSuite';
import { resumedOutput, WaitingEndpoint } from '../harness/waitingExecution';
import type { ExecutionRecord } from '../harness/waitingExecution';

const emulator = useForSuite(() =>
	startEmulator({ speed: 0.0005, webhookRetryBaseMs: 40, webhookMaxAttempts: 6 }),
);
/** n8n 1.x: any webhook that returns items resumes the execution. */
const n8n1 = useForSuite(() => WaitingEndpoint.start({ claim: 'none' }));
/** n8n 2.x: a resume token in the URL, and an atomic claim. */
const n8n2 = useForSuite(() =>
	WaitingEndpoint.start({ claim: 'atomic', resumeToken: `t${Date.now().toString(36)}` }),
);

afterEach(() => {
	emulator.clearFaults();
	emulator.hold(false);
});

const enrich = (extra: IDataObject = {}) => ({
	resource: 'taskGroup',
	operation: 'enrich',
	whileWaiting: 'pause',
	processor: 'lite',
	outputSchemaType: 'example',
	outputExample: '{"ceo_name": "Jane Doe", "employee_count": 1200}',
	...extra,
});

const credentials = (extra: IDataObject = {}) => ({
	apiKey: DEFAULT_API_KEY,
	baseUrl: emulator.url,
	...extra,
});

/** Every callback of every run has been answered with a 2xx or given up: nothing more will come. */
async function callbacksSettled(): Promise<void> {
	await waitFor(() => emulator.callbacks().pending === 0, 20_000, 'callbacks to settle');
}

function expectEveryAnswer(execution: ExecutionRecord, items: IDataObject[]) {
	expect(execution.webhookErrors).toEqual([]);
	const run = execution.runs.at(-1)!;
	const { items: output, errorItems } = resumedOutput(run);
	expect(errorItems).toHaveLength(0);
	expect(output).toHaveLength(items.length);
	output.forEach((item, index) => {
		expect(item.pairedItem).toEqual({ item: index });
		expect(item.json).toMatchObject(items[index]);
		expect(item.json.ceo_name).toEqual(expect.stringContaining(`Company ${index + 1}`));
		expect(typeof item.json.employee_count).toBe('number');
	});
}

async function runsOf(taskGroupId: string) {
	return emulator.group(taskGroupId)!.runs;
}

describe('Enrich Items, Pause the Execution', () => {
	it('parks the execution, then resumes it once with every answer in input order', async () => {
		const items = companies(12);
		const before = emulator.counters().runsCreatedTotal;
		const execution = n8n1.start(new ParallelTaskGroup(), enrich(), items, credentials());
		const parked = await execution.parked;
		expect(parked.waitTill).toEqual(WAIT_INDEFINITELY);
		await execution.finished;
		await callbacksSettled();
		expect(execution.resumes).toBe(1);
		expect(execution.status).toBe('finished');
		expectEveryAnswer(execution, items);
		expect(emulator.counters().runsCreatedTotal - before).toBe(12);
		expect(emulator.counters().duplicateInputsTotal).toBe(0);
	});

	it("gives each run Parallel's webhook to this execution's resume URL, the group in the query", async () => {
		const execution = n8n1.start(new ParallelTaskGroup(), enrich(), companies(2), credentials());
		await execution.finished;
		const { items } = resumedOutput(execution.runs.at(-1)!);
		expect(items).toHaveLength(2);
		const groups = Object.keys(emulator.counters().runsCreated);
		const taskGroupId = groups.at(-1)!;
		const response = await fetch(
			`${emulator.url}/v1/tasks/groups/${taskGroupId}/runs?include_input=true`,
			{ headers: { 'x-api-key': DEFAULT_API_KEY } },
		);
		const text = await response.text();
		const inputs = text
			.split('\n')
			.filter((line) => line.startsWith('data:'))
			.map((line) => JSON.parse(line.slice(5)) as { input: { webhook: IDataObject } });
		expect(inputs).toHaveLength(2);
		for (const { input } of inputs) {
			expect(input.webhook).toEqual({
				url: `${n8n1.baseUrl}/${execution.id}/parallel-run-status?taskgroup=${taskGroupId}`,
				event_types: ['task_run.status'],
			});
		}
	});

	it('sends a failed run to the error output with its input row, the rest on the main output', async () => {
		const items = companies(3);
		items[1].company = 'Company 2 __fail__';
		const execution = n8n1.start(new ParallelTaskGroup(), enrich(), items, credentials(), {
			onError: 'continueErrorOutput',
		});
		await execution.finished;
		const { items: output, errorItems } = resumedOutput(execution.runs.at(-1)!);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(errorItems).toHaveLength(1);
		expect(errorItems[0].pairedItem).toEqual({ item: 1 });
		expect(errorItems[0].json).toMatchObject({
			company: 'Company 2 __fail__',
			error: expect.stringContaining('failed'),
		});
		expect(execution.resumes).toBe(1);
	});

	it('n8n 1.x: duplicated callbacks, sent at the same time, resume the execution once', async () => {
		emulator.addCallbackFault({ action: { type: 'duplicate' }, times: -1 });
		const items = companies(8);
		const execution = n8n1.start(new ParallelTaskGroup(), enrich(), items, credentials());
		await execution.finished;
		await callbacksSettled();
		expect(emulator.callbacks().duplicated).toBeGreaterThanOrEqual(8);
		expect(execution.resumes).toBe(1);
		expectEveryAnswer(execution, items);
	});

	it('n8n 2.x: with the resume token, resumes once; without it n8n refuses the call', async () => {
		emulator.addCallbackFault({ action: { type: 'duplicate' }, times: -1 });
		const items = companies(6);
		const execution = n8n2.start(new ParallelTaskGroup(), enrich(), items, credentials());
		await execution.parked;
		const noToken = await fetch(`${n8n2.baseUrl}/${execution.id}/parallel-run-status`, {
			method: 'POST',
			body: '{}',
		});
		expect(noToken.status).toBe(401);
		await execution.finished;
		await callbacksSettled();
		expect(execution.resumes).toBe(1);
		expectEveryAnswer(execution, items);
	});

	it('lost callbacks: the retries resume the execution once with every result', async () => {
		emulator.addCallbackFault({ action: { type: 'lose', attempts: 2 }, times: -1 });
		const before = emulator.callbacks().lost;
		const items = companies(6);
		const execution = n8n1.start(new ParallelTaskGroup(), enrich(), items, credentials());
		await execution.finished;
		await callbacksSettled();
		expect(emulator.callbacks().lost - before).toBe(12);
		expect(execution.resumes).toBe(1);
		expectEveryAnswer(execution, items);
	});

	it('late callbacks resume the execution once', async () => {
		emulator.addCallbackFault({ action: { type: 'delay', ms: 300 }, times: -1 });
		const items = companies(5);
		const execution = n8n1.start(new ParallelTaskGroup(), enrich(), items, credentials());
		await execution.finished;
		await callbacksSettled();
		expect(execution.resumes).toBe(1);
		expectEveryAnswer(execution, items);
	});

	it('a callback sent before the run shows as ended is asked again (503), never resumes early', async () => {
		emulator.addCallbackFault({ action: { type: 'early', ms: 250 }, times: -1 });
		const items = companies(5);
		const execution = n8n1.start(new ParallelTaskGroup(), enrich(), items, credentials());
		await execution.finished;
		await callbacksSettled();
		expect(emulator.callbacks().early).toBeGreaterThanOrEqual(5);
		expect(execution.answers[503]).toBeGreaterThanOrEqual(1);
		expect(execution.resumes).toBe(1);
		expectEveryAnswer(execution, items);
	});

	it('forged callbacks while the runs work never resume the execution', async () => {
		emulator.hold(true);
		const items = companies(4);
		const execution = n8n1.start(new ParallelTaskGroup(), enrich(), items, credentials());
		await execution.parked;
		const taskGroupId = Object.keys(emulator.counters().runsCreated).at(-1)!;
		const [ours] = await runsOf(taskGroupId);
		const forge = async (query: string, data: IDataObject) =>
			await fetch(`${n8n1.baseUrl}/${execution.id}/parallel-run-status?${query}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ type: 'task_run.status', timestamp: '', data }),
			});
		const claimsDone = await forge(`taskgroup=${taskGroupId}`, {
			run_id: ours.run_id,
			status: 'completed',
		});
		expect(claimsDone.status).toBe(503);
		const stranger = await forge(`taskgroup=${taskGroupId}`, {
			run_id: 'trun_00000000000000000000000000000000',
			status: 'completed',
		});
		expect(stranger.status).toBe(200);
		const otherGroup = await forge('taskgroup=tgrp_00000000000000000000000000000000', {
			run_id: ours.run_id,
			status: 'completed',
		});
		expect(otherGroup.status).toBe(200);
		const noRun = await forge(`taskgroup=${taskGroupId}`, {});
		expect(noRun.status).toBe(200);
		expect(execution.resumes).toBe(0);
		expect(execution.status).toBe('waiting');

		emulator.hold(false);
		await execution.finished;
		await callbacksSettled();
		expect(execution.resumes).toBe(1);
		expectEveryAnswer(execution, items);
	});

	it('with the webhook secret, unsigned and wrongly signed callbacks are refused (401)', async () => {
		emulator.hold(true);
		const items = companies(3);
		const execution = n8n1.start(
			new ParallelTaskGroup(),
			enrich(),
			items,
			credentials({ webhookSecret: DEFAULT_CALLBACK_SECRET }),
		);
		await execution.parked;
		const url = `${n8n1.baseUrl}/${execution.id}/parallel-run-status?taskgroup=x`;
		const body = JSON.stringify({ type: 'task_run.status', data: {} });
		const now = Math.floor(Date.now() / 1000);
		const unsigned = await fetch(url, { method: 'POST', body });
		const wrong = await fetch(url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'webhook-id': 'whevent_forged',
				'webhook-timestamp': String(now),
				'webhook-signature': signature(`x${DEFAULT_CALLBACK_SECRET}`, 'whevent_forged', now, body),
			},
			body,
		});
		const stale = await fetch(url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'webhook-id': 'whevent_old',
				'webhook-timestamp': String(now - 3600),
				'webhook-signature': signature(DEFAULT_CALLBACK_SECRET, 'whevent_old', now - 3600, body),
			},
			body,
		});
		expect([unsigned.status, wrong.status, stale.status]).toEqual([401, 401, 401]);
		emulator.hold(false);
		await execution.finished;
		await callbacksSettled();
		expect(execution.answers[401]).toBe(3);
		expect(execution.resumes).toBe(1);
		expectEveryAnswer(execution, items);
	});

	it('with a webhook secret that does not match, no callback resumes the execution', async () => {
		const execution = n8n1.start(
			new ParallelTaskGroup(),
			enrich(),
			companies(2),
			credentials({
				webhookSecret: `whsec_${Buffer.from('not the right one').toString('base64')}`,
			}),
		);
		const gaveUp = emulator.callbacks().gaveUp;
		await execution.parked;
		await waitFor(() => emulator.callbacks().gaveUp - gaveUp >= 2, 20_000, 'callbacks given up');
		expect(execution.answers[401]).toBeGreaterThanOrEqual(2);
		expect(execution.resumes).toBe(0);
		expect(execution.status).toBe('waiting');
	});

	it('refuses pause mode before sending anything when Parallel could not reach the resume URL', async () => {
		const execution = n8n1.start(
			new ParallelTaskGroup(),
			enrich(),
			companies(2),
			credentials({ baseUrl: 'https://api.parallel.ai' }),
		);
		const run = await execution.finished;
		const error = run.data.resultData.error!;
		expect(error.message).toContain('Parallel cannot reach this n8n');
		expect(error.message).toContain('127.0.0.1');
		expect(error.description).toContain('WEBHOOK_URL');
		expect(error.description).toContain("'Keep the Execution Running'");
		expect(execution.resumes).toBe(0);
		expect(run.waitTill).toBeUndefined();
	});

	it('does not park when every run already existed (they would not call back): returns them as pending', async () => {
		emulator.hold(true);
		const items = companies(3);
		const keyed = { options: { idempotencyKey: '={{ $json.row }}' } };
		const first = n8n1.start(
			new ParallelTaskGroup(),
			enrich({ whileWaiting: 'keepRunning', maxWaitSeconds: 0, taskGroupId: '', ...keyed }),
			items,
			credentials(),
		);
		const firstItems = resumedOutput(await first.finished).items;
		const taskGroupId = firstItems[0].json.taskgroup_id as string;
		const created = emulator.counters().runsCreatedTotal;

		const second = n8n1.start(
			new ParallelTaskGroup(),
			enrich({ taskGroupId, ...keyed }),
			items,
			credentials(),
		);
		const run = await second.finished;
		expect(run.waitTill).toBeUndefined();
		expect(second.resumes).toBe(0);
		expect(emulator.counters().runsCreatedTotal).toBe(created);
		const output = run.data.resultData.runData.Parallel[0].data!.main[0]!;
		expect(output.map((item) => item.json.status)).toEqual(['queued', 'queued', 'queued']);
		expect(output[0].json.message).toContain('Still running');
	});
});

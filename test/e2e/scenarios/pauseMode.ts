/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e harness runs in Node, not in n8n */
// Enrich Items with 'While Waiting: Pause the Execution' in a running n8n: Manual Trigger -> rows
// -> Enrich (pause) -> collect -> HTTP write-back to a receiver the harness runs. n8n gets a
// WEBHOOK_URL at its own 127.0.0.1 port and an EXECUTIONS_TIMEOUT shorter than the runs. The
// execution must be `waiting` while the runs work, survive an n8n stop and start, and resume
// exactly once (the receiver counts write-backs) with every row in input order with its answer.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { DEFAULT_CALLBACK_SECRET } from '../../emulator';
import { EMULATOR_CREDENTIAL, SIGNED_CREDENTIAL } from '../harness/credentials';
import type { CredentialRef } from '../harness/credentials';
import { expectEqual, expectTrue } from '../harness/expect';
import { figure, log, registerSecret, seconds } from '../harness/log';
import type { N8nApi } from '../harness/n8nApi';
import { observeQuietPeriod, waitFor } from '../harness/poll';
import { outputItems } from '../harness/runData';
import { apiOf, FAST_SPEED } from '../harness/suite';
import type { MajorContext } from '../harness/suite';
import { ACTION_NODE_TYPE, CREDENTIAL_TYPE } from '../harness/workflows';
import type { WorkflowJson } from '../harness/workflows';

const START_NODE = 'Start';
/** pro: 120-600 s at speed 1; at this speed 12-60 s, every run longer than the timeout below. */
const SLOW_SPEED = 0.1;
const EXECUTIONS_TIMEOUT_S = 10;
/** lite: 10-60 s at speed 1; 1-6 s here, so callbacks come while the execution waits. */
const FAULTS_SPEED = 0.1;
const IDS = { long: 'E2ePauseEnrich50', faults: 'E2ePauseFaults12' };

interface Receiver {
	url: string;
	posts: Array<{ rows: Array<Record<string, unknown>> }>;
	close(): Promise<void>;
}

/** Stands for the sheet the workflow writes back to: records every POST. */
async function startReceiver(): Promise<Receiver> {
	const posts: Receiver['posts'] = [];
	const server: Server = createServer((req, res) => {
		let body = '';
		req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
		req.on('end', () => {
			try {
				posts.push(JSON.parse(body) as Receiver['posts'][number]);
			} catch {
				posts.push({ rows: [] });
			}
			res.setHeader('content-type', 'application/json');
			res.end('{"ok":true}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sheet`,
		posts,
		close: async () =>
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

function rows(count: number) {
	return Array.from({ length: count }, (_, index) => ({
		row_number: index + 2,
		company: `Company ${index + 1}`,
		website: `company${index + 1}.example`,
	}));
}

function pauseWorkflow(
	id: string,
	rowCount: number,
	processor: string,
	credential: CredentialRef,
	receiverUrl: string,
): WorkflowJson {
	const node = (
		name: string,
		x: number,
		type: string,
		typeVersion: number,
		parameters: object,
	) => ({
		id: `${id}-${name.replace(/\W/g, '')}`,
		name,
		type,
		typeVersion,
		position: [x, 0] as [number, number],
		parameters: parameters as Record<string, unknown>,
	});
	return {
		id,
		name: `e2e: enrich ${rowCount} rows, pausing the execution (${id})`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			node(START_NODE, 0, 'n8n-nodes-base.manualTrigger', 1, {}),
			node('Read rows', 200, 'n8n-nodes-base.code', 2, {
				jsCode: `return ${JSON.stringify(rows(rowCount))}.map((json) => ({ json }));`,
			}),
			{
				...node('Enrich rows', 400, ACTION_NODE_TYPE, 1, {
					resource: 'taskGroup',
					operation: 'enrich',
					whileWaiting: 'pause',
					inputMode: 'fields',
					inputFields: 'company, website',
					processor,
					outputSchemaType: 'example',
					outputExample: '{"ceo_name": "Jane Doe", "employee_count": 1200}',
					options: { includeBasis: false },
				}),
				credentials: { [CREDENTIAL_TYPE]: { ...credential } },
			},
			// Not a Code node: after an n8n 1.x restart its task runner may not reach the broker.
			node('Collect rows', 600, 'n8n-nodes-base.aggregate', 1, {
				aggregate: 'aggregateAllItemData',
				destinationFieldName: 'rows',
				options: {},
			}),
			node('Write back', 800, 'n8n-nodes-base.httpRequest', 4.2, {
				method: 'POST',
				url: receiverUrl,
				sendBody: true,
				specifyBody: 'json',
				jsonBody: '={{ JSON.stringify($json) }}',
				options: {},
			}),
		],
		connections: {
			[START_NODE]: { main: [[{ node: 'Read rows', type: 'main', index: 0 }]] },
			'Read rows': { main: [[{ node: 'Enrich rows', type: 'main', index: 0 }]] },
			'Enrich rows': { main: [[{ node: 'Collect rows', type: 'main', index: 0 }]] },
			'Collect rows': { main: [[{ node: 'Write back', type: 'main', index: 0 }]] },
		},
	};
}

/** The group Enrich created: the one whose run count grew by `count` since `before`. */
async function groupCreatedSince(
	ctx: MajorContext,
	before: Record<string, number>,
	count: number,
): Promise<string> {
	return await waitFor(
		`Enrich to add ${count} runs to a new group`,
		async () => {
			const now = (await ctx.emulator.counters()).runsCreated;
			return Object.keys(now).find((id) => !(id in before) && now[id] === count);
		},
		{ timeoutMs: 60_000, intervalMs: 250 },
	);
}

async function endedRuns(ctx: MajorContext, taskGroupId: string): Promise<number> {
	const group = await ctx.emulator.group(taskGroupId);
	return group.runs.filter((run) => run.status === 'completed' || run.status === 'failed').length;
}

async function waitForStatus(api: N8nApi, executionId: string, status: string): Promise<void> {
	await waitFor(
		`execution ${executionId} to be ${status}`,
		async () => (await api.execution(executionId)).status === status,
		{ timeoutMs: 60_000, intervalMs: 300 },
	);
}

/** The write-back came once, with every row in input order and its answer. */
function expectWrittenBackOnce(receiver: Receiver, rowCount: number) {
	expectEqual(receiver.posts.length, 1, 'write-backs (a second resume would write again)');
	const written = receiver.posts[0].rows;
	expectEqual(
		written.map((row) => row.row_number),
		rows(rowCount).map((row) => row.row_number),
		'rows written back, in input order',
	);
	for (const row of written) {
		expectTrue(
			typeof row.ceo_name === 'string' && String(row.ceo_name).includes(String(row.company)),
			`row ${String(row.row_number)} to carry its own answer (ceo_name: ${String(row.ceo_name)})`,
		);
		expectTrue(
			typeof row.employee_count === 'number',
			`row ${String(row.row_number)}'s employee_count`,
		);
	}
}

export interface PauseScenario {
	prepare(ctx: MajorContext): Promise<WorkflowJson[]>;
	/** n8n stopped and started while the 50 runs work; the execution resumes once. */
	runLong(ctx: MajorContext): Promise<void>;
	/** Lost, duplicated, late, early and forged callbacks: resumes once with every result. */
	runFaults(ctx: MajorContext): Promise<void>;
	close(): Promise<void>;
}

export function pauseScenario(): PauseScenario {
	let longReceiver: Receiver | undefined;
	let faultsReceiver: Receiver | undefined;
	const restartWithPauseEnv = async (ctx: MajorContext) => {
		if (ctx.instance.running) await ctx.instance.stop();
		ctx.instance.extraEnv = {
			WEBHOOK_URL: `${ctx.instance.url}/`,
			EXECUTIONS_TIMEOUT: String(EXECUTIONS_TIMEOUT_S),
			EXECUTIONS_TIMEOUT_MAX: '3600',
		};
		await ctx.instance.start();
	};
	return {
		async prepare() {
			registerSecret(DEFAULT_CALLBACK_SECRET);
			longReceiver = await startReceiver();
			faultsReceiver = await startReceiver();
			return [
				pauseWorkflow(IDS.long, 50, 'pro', EMULATOR_CREDENTIAL, longReceiver.url),
				pauseWorkflow(IDS.faults, 12, 'lite', SIGNED_CREDENTIAL, faultsReceiver.url),
			];
		},

		async runLong(ctx) {
			const receiver = longReceiver!;
			await restartWithPauseEnv(ctx);
			const api = apiOf(ctx);
			await ctx.emulator.configure({
				speed: SLOW_SPEED,
				webhookRetryBaseMs: 1000,
				webhookMaxAttempts: 9,
			});
			try {
				const before = (await ctx.emulator.counters()).runsCreated;
				const started = Date.now();
				const executionId = await api.runWorkflow(IDS.long, START_NODE);
				const taskGroupId = await groupCreatedSince(ctx, before, 50);
				await waitForStatus(api, executionId, 'waiting');
				const parkedMs = Date.now() - started;
				expectTrue((await endedRuns(ctx, taskGroupId)) < 50, 'runs still working while waiting');

				// A forged "completed" for a run that is still working: the API says otherwise.
				const inputs = await ctx.emulator.runInputs(taskGroupId);
				const active = inputs.find((entry) => entry.run.status !== 'completed')!;
				const callbackUrl = (active.input.webhook as { url: string }).url;
				const forged = await fetch(callbackUrl, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({
						type: 'task_run.status',
						timestamp: new Date().toISOString(),
						data: { ...active.run, status: 'completed', is_active: false },
					}),
				});
				expectEqual(forged.status, 503, 'answer to a forged callback for a working run');

				const timeline: string[] = [];
				const mark = async (what: string) =>
					timeline.push(
						`${what} at ${seconds(Date.now() - started)} (${await endedRuns(ctx, taskGroupId)} ended)`,
					);
				await mark('parked');
				await waitFor(
					'5 runs to end before stopping n8n',
					async () => (await endedRuns(ctx, taskGroupId)) >= 5,
					{ timeoutMs: 90_000, intervalMs: 500 },
				);
				await mark('5 ended');
				expectEqual((await api.execution(executionId)).status, 'waiting', 'status before the stop');
				const stoppedAt = Date.now();
				const endedAtStop = await endedRuns(ctx, taskGroupId);
				await ctx.instance.stop();
				await mark('n8n stopped');
				await waitFor(
					'3 more runs to end while n8n is down',
					async () => (await endedRuns(ctx, taskGroupId)) >= Math.min(50, endedAtStop + 3),
					{ timeoutMs: 90_000, intervalMs: 500 },
				);
				// However slowly n8n starts here, runs are still working after the restart.
				await ctx.emulator.hold(true);
				await mark('emulator held');
				await ctx.instance.start();
				await mark('n8n started');
				const downMs = Date.now() - stoppedAt;
				const endedAtRestart = await endedRuns(ctx, taskGroupId);
				expectTrue(
					endedAtRestart < 50,
					`runs still working after the restart (${endedAtRestart}/50; ${timeline.join(', ')})`,
				);
				expectEqual(
					(await api.execution(executionId)).status,
					'waiting',
					'status after the restart',
				);
				expectEqual(receiver.posts.length, 0, 'write-backs before the last run ended');
				await ctx.emulator.hold(false);

				const execution = await api.waitForExecution(executionId, 180_000);
				const lastEnded = Date.now();
				expectEqual(execution.status, 'success', 'execution status once resumed');
				// Callbacks still coming (retries of those that failed while n8n was down) get 409
				// from n8n; none may resume it again.
				await observeQuietPeriod(5_000);
				expectWrittenBackOnce(receiver, 50);
				expectEqual((await api.executions(IDS.long)).length, 1, 'executions of the workflow');
				const enriched = outputItems(execution.run, 'Enrich rows');
				expectEqual(enriched.length, 50, 'items out of Enrich after the resume');
				expectEqual(
					enriched.map((item) => item.pairedItem),
					rows(50).map((_, index) => ({ item: index })),
					"pairedItem of Enrich's items",
				);
				const counters = await ctx.emulator.counters();
				expectEqual(counters.runsCreated[taskGroupId], 50, 'runs created (none twice)');
				expectEqual(counters.duplicateInputs[taskGroupId] ?? 0, 0, 'duplicate inputs');
				const callbacks = await ctx.emulator.callbacks();
				log(`  pause timeline: ${timeline.join(', ')}`);
				figure(
					`pause (${ctx.tag}): 50 pro runs; parked after ${seconds(parkedMs)}; n8n down ${seconds(downMs)} (${endedAtRestart - endedAtStop} runs ended meanwhile); resumed once after ${seconds(lastEnded - started)} (EXECUTIONS_TIMEOUT ${EXECUTIONS_TIMEOUT_S} s); callbacks (whole emulator so far): ${callbacks.attempts} attempts, ${callbacks.failedAttempts} failed, ${callbacks.delivered} delivered, answers ${JSON.stringify(callbacks.statuses)}`,
				);
			} finally {
				await ctx.emulator.hold(false);
				await ctx.emulator.configure({ speed: FAST_SPEED, webhookRetryBaseMs: 5000 });
			}
		},

		async runFaults(ctx) {
			const receiver = faultsReceiver!;
			if (!ctx.instance.extraEnv.WEBHOOK_URL) await restartWithPauseEnv(ctx);
			const api = apiOf(ctx);
			await ctx.emulator.configure({ speed: FAULTS_SPEED, webhookRetryBaseMs: 500 });
			const before = await ctx.emulator.callbacks();
			await ctx.emulator.addCallbackFaults([
				{ action: { type: 'lose', attempts: 2 }, times: 3 },
				{ action: { type: 'duplicate' }, skip: 3, times: 3 },
				{ action: { type: 'delay', ms: 2000 }, skip: 6, times: 3 },
				{ action: { type: 'early', ms: 1500 }, skip: 9, times: -1 },
			]);
			try {
				const groupsBefore = (await ctx.emulator.counters()).runsCreated;
				const executionId = await api.runWorkflow(IDS.faults, START_NODE);
				const taskGroupId = await groupCreatedSince(ctx, groupsBefore, 12);
				await waitForStatus(api, executionId, 'waiting');
				const [first] = await ctx.emulator.runInputs(taskGroupId);
				const callbackUrl = (first.input.webhook as { url: string }).url;
				const body = JSON.stringify({ type: 'task_run.status', data: first.run });
				const unsigned = await fetch(callbackUrl, { method: 'POST', body });
				expectEqual(
					unsigned.status,
					401,
					'answer to an unsigned callback (credential has the secret)',
				);

				const execution = await api.waitForExecution(executionId, 120_000);
				expectEqual(execution.status, 'success', 'execution status once resumed');
				await observeQuietPeriod(5_000);
				expectWrittenBackOnce(receiver, 12);
				expectEqual((await api.executions(IDS.faults)).length, 1, 'executions of the workflow');
				const after = await ctx.emulator.callbacks();
				const callbacks = {
					lost: after.lost - before.lost,
					duplicated: after.duplicated - before.duplicated,
					delayed: after.delayed - before.delayed,
					early: after.early - before.early,
				};
				expectEqual(callbacks.lost, 6, 'lost callback attempts');
				// Counted per attempt sent twice: a retried duplicate counts again.
				expectTrue(callbacks.duplicated >= 3, `duplicated attempts (${callbacks.duplicated})`);
				expectEqual(callbacks.delayed, 3, 'late callbacks');
				expectEqual(callbacks.early, 3, 'early callbacks');
				const counters = await ctx.emulator.counters();
				expectEqual(counters.runsCreated[taskGroupId], 12, 'runs created (none twice)');
				figure(
					`pause faults (${ctx.tag}): 12 runs, ${callbacks.lost} lost, ${callbacks.duplicated} duplicated, ${callbacks.delayed} late, ${callbacks.early} early callbacks, 1 forged: resumed once`,
				);
				log(`  pause: resumed once under callback faults`);
			} finally {
				await ctx.emulator.clearFaults();
				await ctx.emulator.configure({ speed: FAST_SPEED, webhookRetryBaseMs: 5000 });
			}
		},

		async close() {
			await longReceiver?.close();
			await faultsReceiver?.close();
		},
	};
}

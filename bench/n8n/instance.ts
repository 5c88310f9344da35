/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/require-node-api-error -- benchmarks run in Node, not in n8n */
// A real n8n 2.x server with the packed package installed (the e2e harness's install), for the
// bench: manual runs through n8n's REST API with the workflow's parameters set per measurement,
// the execution record read back through the public API, and the server's memory from /proc.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { EMULATOR_CREDENTIAL, parallelCredential } from '../../test/e2e/harness/credentials';
import { ensureN8nBuilds } from '../../test/e2e/harness/install';
import { N8nApi } from '../../test/e2e/harness/n8nApi';
import type { ExecutionSummary } from '../../test/e2e/harness/n8nApi';
import { N8nInstance } from '../../test/e2e/harness/n8nInstance';
import { buildAndPack, installIntoN8n } from '../../test/e2e/harness/pack';
import { makeRunDir } from '../../test/e2e/harness/paths';
import { waitFor } from '../../test/e2e/harness/poll';
import { ProcessRegistry } from '../../test/e2e/harness/processes';
import { E2E_OWNER } from '../../test/e2e/harness/suite';
import type { WorkflowJson, WorkflowNode } from '../../test/e2e/harness/workflows';
import { API_KEY } from '../lib/emulatorProcess';

export interface BenchN8n {
	version: string;
	pid: number;
	url: string;
	api: N8nApi;
	/** Saves a workflow with its nodes' parameters changed by `patch` (public API). */
	save(workflowId: string, patch: (node: WorkflowNode) => void): Promise<void>;
	/** The server's output so far. */
	log(): string;
	/** Add-runs POSTs so far, in epoch ms: when n8n created each request and when its answer ended. */
	posts(): { starts: number[]; ends: number[] };
	/**
	 * Runs a saved workflow manually, its nodes' parameters changed by `patch` first (n8n runs the
	 * workflow data it is sent), and waits for the execution to end. The server's peak RSS during
	 * the run is measured (VmHWM reset before the run).
	 */
	run(
		workflowId: string,
		startNode: string,
		patch: (node: WorkflowNode) => void,
		timeoutMs?: number,
	): Promise<{ execution: ExecutionSummary; rssBefore: number; peakRss: number }>;
	/**
	 * As `run`, with the workflow set not to save manual executions: n8n deletes the execution when
	 * it ends, without writing its data. Only the memory figures are returned.
	 */
	runUnsaved(
		workflowId: string,
		startNode: string,
		patch: (node: WorkflowNode) => void,
		timeoutMs?: number,
	): Promise<{ rssBefore: number; peakRss: number }>;
	/** Stops and starts the server again (same database and URL): a fresh heap. */
	restart(): Promise<void>;
	close(): Promise<void>;
}

function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
	const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(
		readFileSync(`/proc/${pid}/status`, 'utf8'),
	);
	return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Installs (or reuses) n8n 2.41.1, packs this package into it and starts the server. */
export async function startBenchN8n(
	emulatorUrl: string,
	workflows: WorkflowJson[],
): Promise<BenchN8n> {
	const registry = new ProcessRegistry();
	const { runDir, logDir } = makeRunDir('parallel-bench-n8n');
	try {
		const build = (await ensureN8nBuilds([2])).get(2)!;
		const pkg = await buildAndPack(registry, runDir, logDir);
		const instance = await N8nInstance.create(build, registry, {
			root: join(runDir, `n8n-${build.version}`),
			logDir,
			label: `n8n-${build.version}`,
		});
		// BENCH_N8N_NODE_OPTIONS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles n8n.
		const timeline = join(runDir, 'post-timeline.txt');
		instance.extraEnv.NODE_OPTIONS = [
			`--require "${join(__dirname, 'postTimeline.cjs')}"`,
			process.env.BENCH_N8N_NODE_OPTIONS ?? '',
		].join(' ');
		instance.extraEnv.BENCH_POST_TIMELINE_FILE = timeline;
		// The bench's executions hold up to 100,000 items; n8n's default payload cap is 16 MB.
		instance.extraEnv.N8N_PAYLOAD_SIZE_MAX = '512';
		// Under load the Code node's task runner can take longer than the default 30 s to connect.
		instance.extraEnv.N8N_RUNNERS_GRANT_TOKEN_TTL = '300';
		await installIntoN8n(registry, pkg, instance.userFolder, logDir);
		await instance.importCredentials([
			parallelCredential(EMULATOR_CREDENTIAL, API_KEY, emulatorUrl),
		]);
		await instance.importWorkflows(workflows);
		// A loaded 2-core machine can take minutes to start n8n.
		await instance.start(600_000);
		const api = new N8nApi(instance.url);
		await api.setupOwner(E2E_OWNER);
		await api.createApiKey();
		const save = async (
			workflowId: string,
			patch: (node: WorkflowNode) => void,
			// n8n keeps settings that a later save leaves out: state this one every time.
			extraSettings: Record<string, unknown> = { saveManualExecutions: true },
		) => {
			const saved = await api.public<WorkflowJson>('GET', `/workflows/${workflowId}`);
			saved.nodes.forEach(patch);
			const { name, nodes, connections, settings } = saved;
			await api.public('PUT', `/workflows/${workflowId}`, {
				name,
				nodes,
				connections,
				settings: { executionOrder: settings?.executionOrder ?? 'v1', ...extraSettings },
			});
		};
		/** Starts a saved workflow manually with its RSS high-water mark reset first. */
		const start = async (workflowId: string, startNode: string) => {
			const workflowData = await api.rest<WorkflowJson>('GET', `/workflows/${workflowId}`);
			const pid = instance.serverPid!;
			writeFileSync(`/proc/${pid}/clear_refs`, '5');
			const rssBefore = statusKb(pid, 'VmRSS');
			const started = await api.rest<{ executionId: string }>(
				'POST',
				`/workflows/${workflowId}/run`,
				{ workflowData, triggerToStartFrom: { name: startNode } },
			);
			return { id: String(started.executionId), pid, rssBefore };
		};
		return {
			version: build.version,
			get pid() {
				return instance.serverPid!;
			},
			url: instance.url,
			api,
			save,
			log: () => instance.currentLog,
			posts() {
				const lines = existsSync(timeline) ? readFileSync(timeline, 'utf8').split('\n') : [];
				const at = (what: string) =>
					lines
						.filter((line) => line.startsWith(`${what} `))
						.map((line) => Number(line.slice(what.length + 1)));
				return { starts: at('start'), ends: at('end') };
			},
			async run(workflowId, startNode, patch, timeoutMs = 600_000) {
				// n8n runs the saved workflow: save the changed parameters first.
				await save(workflowId, patch);
				const { id, pid, rssBefore } = await start(workflowId, startNode);
				// Polled without its data: reading 100,000 items back would load the server.
				await waitFor(
					`execution ${id} to end`,
					async () => {
						const summary = await api.public<{ status: string }>('GET', `/executions/${id}`);
						return ['success', 'error', 'crashed', 'canceled'].includes(summary.status);
					},
					{ timeoutMs, intervalMs: 200 },
				);
				const peakRss = statusKb(pid, 'VmHWM');
				return { execution: await api.execution(id), rssBefore, peakRss };
			},
			async runUnsaved(workflowId, startNode, patch, timeoutMs = 600_000) {
				await save(workflowId, patch, { saveManualExecutions: false });
				const { id, pid, rssBefore } = await start(workflowId, startNode);
				await waitFor(
					`execution ${id} to end and be deleted`,
					async () =>
						await api.public('GET', `/executions/${id}`).then(
							() => false,
							(error: Error) => / HTTP 404 /.test(error.message),
						),
					{ timeoutMs, intervalMs: 200 },
				);
				return { rssBefore, peakRss: statusKb(pid, 'VmHWM') };
			},
			async restart() {
				await instance.stop();
				await instance.start(600_000);
			},
			async close() {
				await instance.stop();
				await registry.stopAll();
				await registry.killAdopted();
				rmSync(runDir, { recursive: true, force: true });
			},
		};
	} catch (error) {
		await registry.stopAll();
		await registry.killAdopted();
		throw new Error(`${(error as Error).message} (logs in ${logDir})`);
	}
}

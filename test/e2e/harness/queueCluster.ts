/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e harness runs in Node, not in n8n */
// n8n's queue mode as an operator runs it (../shared/n8n-scale-and-wait.md §1): one main
// (`n8n start`: editor, triggers, enqueues executions) and workers (`n8n worker`), each with its
// own user folder holding the packed package in `.n8n/nodes`, all on one Postgres database and
// one Redis queue, with one encryption key. Manual runs go to the workers too.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import type { N8nBuild } from './install';
import { N8nInstance } from './n8nInstance';
import type { PackedPackage } from './pack';
import { installIntoN8n } from './pack';
import type { ProcessRegistry } from './processes';
import type { PostgresService, RedisService } from './queueServices';

export interface QueueClusterOptions {
	root: string;
	logDir: string;
	redis: RedisService;
	postgres: PostgresService;
	workers: number;
	concurrency: number;
}

/** A worker's log line naming the execution it runs (n8n 2.x job processor). */
const WORKER_STARTED = /Worker started execution (\d+)/g;

export class QueueCluster {
	private constructor(
		readonly main: N8nInstance,
		readonly workers: N8nInstance[],
		readonly concurrency: number,
	) {}

	static async create(
		build: N8nBuild,
		registry: ProcessRegistry,
		options: QueueClusterOptions,
	): Promise<QueueCluster> {
		const encryptionKey = randomBytes(24).toString('hex');
		const shared: Record<string, string> = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: options.redis.host,
			QUEUE_BULL_REDIS_PORT: String(options.redis.port),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: options.postgres.host,
			DB_POSTGRESDB_PORT: String(options.postgres.port),
			DB_POSTGRESDB_DATABASE: options.postgres.database,
			DB_POSTGRESDB_USER: options.postgres.user,
			DB_POSTGRESDB_PASSWORD: '',
			DB_POSTGRESDB_SCHEMA: 'public',
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			// A worker started again on a loaded machine took longer than the default 30 s to
			// connect its task runner ("invalid or expired grant token").
			N8N_RUNNERS_GRANT_TOKEN_TTL: '120',
		};
		const make = async (label: string) => {
			const instance = await N8nInstance.create(build, registry, {
				root: join(options.root, label),
				logDir: options.logDir,
				label: `queue-${label}`,
				encryptionKey,
			});
			instance.extraEnv = { ...shared };
			return instance;
		};
		const main = await make('main');
		const workers: N8nInstance[] = [];
		for (let index = 1; index <= options.workers; index++) {
			const worker = await make(`worker${index}`);
			// The readiness probe (GET /healthz/readiness) listens on the worker's own port.
			worker.extraEnv.QUEUE_HEALTH_CHECK_ACTIVE = 'true';
			worker.extraEnv.QUEUE_HEALTH_CHECK_PORT = String(worker.port);
			workers.push(worker);
		}
		return new QueueCluster(main, workers, options.concurrency);
	}

	get all(): N8nInstance[] {
		return [this.main, ...this.workers];
	}

	/** The packed package into every process's `.n8n/nodes` (a worker without it fails jobs). */
	async install(registry: ProcessRegistry, pkg: PackedPackage, logDir: string): Promise<void> {
		for (const instance of this.all)
			await installIntoN8n(registry, pkg, instance.userFolder, logDir);
	}

	async startWorkers(): Promise<number[]> {
		const times: number[] = [];
		for (const worker of this.workers) times.push(await worker.startWorker(this.concurrency));
		return times;
	}

	async stopAll(): Promise<void> {
		for (const instance of [...this.all].reverse()) await instance.stop();
	}

	/** Which worker ran each execution, from the workers' logs (every start of each worker). */
	executionsByWorker(): Map<string, string> {
		const byExecution = new Map<string, string>();
		for (const worker of this.workers) {
			for (const match of worker.serverLog.matchAll(WORKER_STARTED))
				byExecution.set(match[1], worker.label);
		}
		return byExecution;
	}

	/** "queue-worker1: 12, queue-worker2: 9" for the given executions (unknown: not in a log). */
	perWorker(executionIds: string[]): Record<string, number> {
		const byExecution = this.executionsByWorker();
		const counts: Record<string, number> = Object.fromEntries(
			this.workers.map((worker) => [worker.label, 0]),
		);
		for (const id of executionIds) {
			const worker = byExecution.get(id) ?? 'unknown';
			counts[worker] = (counts[worker] ?? 0) + 1;
		}
		return counts;
	}
}

export function describeCounts(counts: Record<string, number>): string {
	return Object.entries(counts)
		.map(([name, count]) => `${name.replace(/^queue-/, '')} ${count}`)
		.join(', ');
}

/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e harness runs in Node, not in n8n */
// The queue-mode part of `npm run test:e2e` (n8n 2.x): Redis and Postgres (installed from
// Debian's packages when missing), one main and two workers with the packed package, the
// scenarios, then everything stopped by PID, also when a step fails. See docs/e2e.md.
import { join } from 'node:path';

import { EMULATOR_CREDENTIAL, parallelCredential } from '../../harness/credentials';
import type { N8nBuild } from '../../harness/install';
import { figure, seconds, step } from '../../harness/log';
import { N8nApi } from '../../harness/n8nApi';
import { QueueCluster } from '../../harness/queueCluster';
import { ensureQueueServices, startPostgres, startRedis } from '../../harness/queueServices';
import type { PostgresService, RedisService } from '../../harness/queueServices';
import type { SuiteContext } from '../../harness/suite';
import type { WorkflowJson } from '../../harness/workflows';
import { E2E_OWNER } from '../../harness/suite';
import type { QueueContext, QueueScenario } from './context';
import { concurrentExecutions, enrichThousand, workerKilledMidEnrich } from './enrichScenarios';
import { mainRestarts, triggerUnderStreamFaults, twoWorkflowsOneGroup } from './triggerScenarios';

const WORKERS = 2;
const CONCURRENCY = 5;

/** In the order they run: the pair while both workers are fresh, the restarts last (longest). */
export function queueScenarios(): QueueScenario[] {
	return [
		enrichThousand(),
		triggerUnderStreamFaults(),
		twoWorkflowsOneGroup(),
		concurrentExecutions(),
		workerKilledMidEnrich(),
		mainRestarts(),
	];
}

export type ScenarioRunner = (name: string, work: () => Promise<void>) => Promise<void>;

export async function runQueueSuite(
	suite: SuiteContext,
	build: N8nBuild,
	scenario: ScenarioRunner,
	wanted: (title: string) => boolean,
): Promise<void> {
	const tag = `n8n ${build.version} queue mode`;
	const scenarios = queueScenarios().filter((entry) => wanted(`${tag}: ${entry.title}`));
	if (!scenarios.length) return;
	const started = Date.now();
	const root = join(suite.runDir, 'queue');
	const { registry, logDir, emulator } = suite;
	let redis: RedisService | undefined;
	let postgres: PostgresService | undefined;
	let cluster: QueueCluster | undefined;
	try {
		const builds = await step(`${tag}: Redis and Postgres from Debian's packages`, async () => {
			const found = await ensureQueueServices();
			figure(`queue mode: redis-server ${found.redisVersion}, postgres ${found.pgVersion}`);
			return found;
		});
		redis = await step(`${tag}: start Redis on a free port`, () =>
			startRedis(registry, builds, join(root, 'redis'), logDir),
		);
		postgres = await step(`${tag}: initdb and start Postgres on a free port`, () =>
			startPostgres(registry, builds, logDir),
		);
		const ready = await QueueCluster.create(build, registry, {
			root,
			logDir,
			redis,
			postgres,
			workers: WORKERS,
			concurrency: CONCURRENCY,
		});
		cluster = ready;
		await step(`${tag}: the packed package into main's and each worker's .n8n/nodes`, () =>
			ready.install(registry, suite.pkg, logDir),
		);
		await step(`${tag}: import the credential (first command: migrations on Postgres)`, () =>
			ready.main.importCredentials([
				parallelCredential(EMULATOR_CREDENTIAL, emulator.apiKey, emulator.url),
			]),
		);
		const base = { registry, emulator, cluster: ready, tag };
		const workflows: WorkflowJson[] = [];
		for (const entry of scenarios) workflows.push(...(await entry.prepare(base)));
		await step(`${tag}: import ${workflows.length} workflows`, () =>
			ready.main.importWorkflows(workflows),
		);
		const api = new N8nApi(ready.main.url);
		await step(
			`${tag}: start main, ${WORKERS} workers (--concurrency=${CONCURRENCY})`,
			async () => {
				const mainMs = await ready.main.start();
				await api.setupOwner(E2E_OWNER);
				await api.createApiKey();
				const workerMs = await ready.startWorkers();
				figure(
					`${tag} start: main ${seconds(mainMs)}, workers ${workerMs.map(seconds).join(', ')}`,
				);
			},
		);
		const ctx: QueueContext = { ...base, api };
		for (const entry of scenarios) await scenario(`${tag}: ${entry.title}`, () => entry.run(ctx));
	} finally {
		await step(`${tag}: stop main, workers, Postgres and Redis by PID`, async () => {
			if (cluster) await cluster.stopAll();
			if (postgres) await postgres.stop();
			if (redis) await registry.stop(redis.process, 10_000);
		}).catch(() => undefined);
		figure(`${tag}: whole queue-mode suite ${seconds(Date.now() - started)}`);
	}
}

/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/require-node-api-error -- e2e harness runs in Node, not in n8n */
// Redis (Bull's queue) and Postgres (the database main and workers share) for the queue-mode
// scenarios: Debian's builds (install-queue-services.sh installs them when missing), each started
// by the harness on a free 127.0.0.1 port in a folder of the run, registered with the process
// registry so teardown stops them by PID, failure or not. Nothing of the machine's own services
// (systemd units, /var/lib, /var/run) is used.
import { execFileSync } from 'node:child_process';
import { chownSync, chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runInstallScript } from './install';
import { freePort } from './ports';
import type { ManagedProcess, ProcessRegistry } from './processes';
import { tail } from './processes';

export interface QueueServiceBuilds {
	redisServer: string;
	redisVersion: string;
	pgBin: string;
	pgVersion: string;
}

export interface RedisService {
	host: string;
	port: number;
	process: ManagedProcess;
}

export interface PostgresService {
	host: string;
	port: number;
	user: string;
	database: string;
	process: ManagedProcess;
	/** Stops the server by PID and removes its folder. */
	stop(): Promise<void>;
}

/** Installs Redis and Postgres with apt-get when missing (as root), and says what is there. */
export async function ensureQueueServices(): Promise<QueueServiceBuilds> {
	const stdout = await runInstallScript('install-queue-services.sh', process.env);
	const fields = (name: string) =>
		stdout
			.split('\n')
			.find((line) => line.startsWith(`${name} `))
			?.split(' ') ?? [];
	const [, redisServer, redisVersion] = fields('redis');
	const [, pgBin, pgVersion] = fields('postgres');
	if (!redisServer || !pgBin)
		throw new Error(`install-queue-services.sh printed no builds:\n${stdout}`);
	return { redisServer, redisVersion, pgBin, pgVersion };
}

export async function startRedis(
	registry: ProcessRegistry,
	builds: QueueServiceBuilds,
	dir: string,
	logDir: string,
): Promise<RedisService> {
	mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const managed = registry.spawn(
		`redis-server :${port}`,
		builds.redisServer,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--dir',
			dir,
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
			'--protected-mode',
			'yes',
		],
		{ env: { PATH: process.env.PATH }, logFile: join(logDir, 'redis.log') },
	);
	await registry.waitForOutput(managed, /Ready to accept connections/, 30_000);
	return { host: '127.0.0.1', port, process: managed };
}

/** Postgres refuses to run as root: as root, its commands run as the `postgres` user. */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
	if (process.getuid?.() !== 0) return [command, args];
	return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', command, ...args]];
}

function postgresIds(): { uid: number; gid: number } | undefined {
	if (process.getuid?.() !== 0) return undefined;
	const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
	return { uid, gid };
}

/**
 * `initdb` into a fresh folder of the system temp dir (the run folder is private to this user;
 * as root, the cluster belongs to the postgres user), with trust authentication as it listens
 * only on 127.0.0.1 for this run; then `postgres` on a free port with no Unix socket.
 */
export async function startPostgres(
	registry: ProcessRegistry,
	builds: QueueServiceBuilds,
	logDir: string,
): Promise<PostgresService> {
	const dir = mkdtempSync(join(tmpdir(), 'parallel-e2e-postgres-'));
	const dataDir = join(dir, 'data');
	const ids = postgresIds();
	if (ids) {
		chownSync(dir, ids.uid, ids.gid);
		chmodSync(dir, 0o700);
	}
	const env = { PATH: process.env.PATH, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TZ: 'UTC' };
	const [initCommand, initArgs] = asPostgresUser(join(builds.pgBin, 'initdb'), [
		'-D',
		dataDir,
		'-U',
		'postgres',
		'--auth=trust',
		'--encoding=UTF8',
		'--no-sync',
	]);
	const init = await registry.run('initdb', initCommand, initArgs, {
		env,
		cwd: '/',
		logFile: join(logDir, 'postgres-initdb.log'),
		timeoutMs: 120_000,
	});
	if (init.code !== 0) {
		rmSync(dir, { recursive: true, force: true });
		throw new Error(`initdb exited ${init.code}:\n${tail(init.output, 20)}`);
	}

	const port = await freePort();
	const [command, args] = asPostgresUser(join(builds.pgBin, 'postgres'), [
		'-D',
		dataDir,
		'-p',
		String(port),
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		'unix_socket_directories=',
		'-c',
		'fsync=off',
		'-c',
		'max_connections=200',
	]);
	const managed = registry.spawn(`postgres :${port}`, command, args, {
		env,
		cwd: '/',
		logFile: join(logDir, 'postgres.log'),
	});
	const stop = async () => {
		// SIGTERM is Postgres's "smart" shutdown: it waits for clients, which are gone by now.
		await registry.stop(managed, 30_000);
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		await registry.waitForOutput(managed, /database system is ready to accept connections/, 60_000);
	} catch (error) {
		await stop();
		throw error;
	}
	// The `postgres` database exists after initdb; n8n creates its tables in its `public` schema.
	return {
		host: '127.0.0.1',
		port,
		user: 'postgres',
		database: 'postgres',
		process: managed,
		stop,
	};
}

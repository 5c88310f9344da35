/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- e2e harness runs in Node, not in n8n */
// One n8n user folder driven through the real CLI and server: the environment that keeps n8n
// offline and quiet (../shared/n8n-runtime.md), CLI imports and headless `execute`, and a server
// that can be started, stopped and restarted on the same folder. Each instance has its own HTTP
// and task-broker ports, so several can coexist.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { N8nBuild } from './install';
import { registerSecret } from './log';
import type { CommandResult, ManagedProcess, ProcessRegistry } from './processes';
import { tail } from './processes';
import { freePort } from './ports';
import type { RunResult } from './runData';
import { parseRawOutput } from './runData';
import type { WorkflowJson } from './workflows';

export interface CredentialJson {
	id: string;
	name: string;
	type: string;
	data: Record<string, string>;
}

export interface ExecuteResult extends CommandResult {
	run: RunResult;
}

export interface InstanceOptions {
	/** Folder for this instance: n8n's user folder and its import files live below it. */
	root: string;
	logDir: string;
	label: string;
	/** Fixed HTTP port (the sandbox), else a free one. */
	port?: number;
	/** Shared by every process of one queue-mode cluster; else a random key per instance. */
	encryptionKey?: string;
}

export class N8nInstance {
	readonly userFolder: string;

	port = 0;

	private brokerPort = 0;

	private readonly encryptionKey: string;

	private server: ManagedProcess | undefined;

	private readonly servers: ManagedProcess[] = [];

	/** Added to the environment of the next server start (and CLI commands), e.g. WEBHOOK_URL. */
	extraEnv: Record<string, string> = {};

	private constructor(
		readonly build: N8nBuild,
		private readonly registry: ProcessRegistry,
		private readonly options: InstanceOptions,
	) {
		this.userFolder = join(options.root, 'user');
		this.encryptionKey = options.encryptionKey ?? randomBytes(24).toString('hex');
		registerSecret(this.encryptionKey);
	}

	static async create(
		build: N8nBuild,
		registry: ProcessRegistry,
		options: InstanceOptions,
	): Promise<N8nInstance> {
		const instance = new N8nInstance(build, registry, options);
		mkdirSync(instance.userFolder, { recursive: true });
		instance.port = options.port ?? (await freePort());
		instance.brokerPort = await freePort();
		return instance;
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	get label(): string {
		return this.options.label;
	}

	/** The running server's process ID (the n8n main process), e.g. for its memory in /proc. */
	get serverPid(): number | undefined {
		return this.running ? this.server?.pid : undefined;
	}

	get running(): boolean {
		return this.server !== undefined && this.server.exitCode() === undefined;
	}

	/** Everything every server process of this instance printed, restarts included. */
	get serverLog(): string {
		return this.servers.map((server) => server.output()).join('\n');
	}

	env(): NodeJS.ProcessEnv {
		const nodeBinDir = dirname(this.build.nodeBin);
		const env: NodeJS.ProcessEnv = {
			PATH: `${nodeBinDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
			HOME: process.env.HOME,
			LANG: process.env.LANG ?? 'C.UTF-8',
			TZ: 'UTC',
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			DB_TYPE: 'sqlite',
			DB_SQLITE_POOL_SIZE: '1',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PORT: String(this.port),
			N8N_PROTOCOL: 'http',
			N8N_SECURE_COOKIE: 'false',
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_DYNAMIC_BANNERS_ENABLED: 'false',
			N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
			N8N_AI_ENABLED: 'false',
			N8N_VERIFIED_PACKAGES_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			N8N_GIT_NODE_DISABLE_BARE_REPOS: 'true',
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
			N8N_LOG_LEVEL: process.env.N8N_E2E_LOG_LEVEL ?? 'info',
		};
		// 2.x: its MCP registry task calls api.n8n.io at every start. 1.x does not know the module
		// (UnknownModuleError) and needs runners switched on explicitly.
		if (this.build.major === 2) env.N8N_DISABLED_MODULES = 'mcp-registry';
		else env.N8N_RUNNERS_ENABLED = 'true';
		return { ...env, ...this.extraEnv };
	}

	/** Runs one n8n CLI command (import, execute, publish...) to its end. */
	async cli(args: string[], timeoutMs = 120_000, stdoutToFile = false): Promise<CommandResult> {
		if (this.running) throw new Error(`n8n CLI '${args[0]}' while the server runs would race it`);
		const base = join(this.options.logDir, `${this.options.label}-${args[0]}-${Date.now()}`);
		return await this.registry.run(
			`n8n ${this.build.version} ${args[0]}`,
			this.build.nodeBin,
			[this.build.n8nBin, ...args],
			{
				env: this.env(),
				logFile: `${base}.log`,
				stdoutFile: stdoutToFile ? `${base}.stdout` : undefined,
				timeoutMs,
			},
		);
	}

	private async cliOrThrow(args: string[]): Promise<CommandResult> {
		const result = await this.cli(args);
		if (result.code !== 0)
			throw new Error(`n8n ${args.join(' ')} exited ${result.code}:\n${tail(result.output, 20)}`);
		return result;
	}

	async importCredentials(credentials: CredentialJson[]): Promise<CommandResult> {
		for (const credential of credentials) registerSecret(credential.data.apiKey);
		const file = join(this.options.root, 'import-credentials.json');
		writeFileSync(file, JSON.stringify(credentials));
		try {
			return await this.cliOrThrow(['import:credentials', `--input=${file}`]);
		} finally {
			// The file holds plain API keys; n8n has them encrypted now.
			rmSync(file, { force: true });
		}
	}

	async importWorkflows(workflows: WorkflowJson[]): Promise<CommandResult> {
		const dir = join(this.options.root, `import-workflows-${Date.now()}`);
		mkdirSync(dir, { recursive: true });
		for (const workflow of workflows)
			writeFileSync(join(dir, `${workflow.id}.json`), JSON.stringify(workflow, null, 2));
		return await this.cliOrThrow(['import:workflow', '--separate', `--input=${dir}`]);
	}

	/** `n8n execute --id --rawOutput`: the headless runner. Exit code 1 means the run failed. */
	async execute(workflowId: string, timeoutMs = 180_000): Promise<ExecuteResult> {
		const result = await this.cli(
			['execute', `--id=${workflowId}`, '--rawOutput'],
			timeoutMs,
			true,
		);
		return { ...result, run: parseRawOutput(result.stdout, result.output) };
	}

	/** `n8n start` until the editor is reachable (printed after workflows were activated). */
	async start(timeoutMs = 300_000): Promise<number> {
		// A loaded machine (several suites at once) took over 2 minutes.
		return await this.launch(['start'], /Editor is now accessible via/, timeoutMs);
	}

	/** `n8n worker` (queue mode) until it reports that it takes jobs. */
	async startWorker(concurrency: number, timeoutMs = 300_000): Promise<number> {
		return await this.launch(
			['worker', `--concurrency=${concurrency}`],
			/n8n worker is now ready/,
			timeoutMs,
		);
	}

	private async launch(args: string[], ready: RegExp, timeoutMs = 120_000): Promise<number> {
		if (this.running) throw new Error(`${this.label} is already running`);
		const started = Date.now();
		this.server = this.registry.spawn(
			`n8n ${this.build.version} ${this.options.label} ${args[0]}`,
			this.build.nodeBin,
			[this.build.n8nBin, ...args],
			{
				env: this.env(),
				logFile: join(
					this.options.logDir,
					`${this.options.label}-${args[0]}-${this.servers.length + 1}.log`,
				),
			},
		);
		this.servers.push(this.server);
		await this.registry.waitForOutput(this.server, ready, timeoutMs);
		return Date.now() - started;
	}

	/** SIGKILL to the process group: a crash, as far as n8n can tell. */
	async kill(): Promise<void> {
		if (this.server) await this.registry.kill(this.server);
		this.server = undefined;
	}

	/** The output of the running (or last) process only. */
	get currentLog(): string {
		return this.servers.at(-1)?.output() ?? '';
	}

	/** SIGTERM and wait until the process group is gone. */
	async stop(): Promise<number> {
		const started = Date.now();
		if (this.server) await this.registry.stop(this.server, 20_000);
		this.server = undefined;
		return Date.now() - started;
	}
}

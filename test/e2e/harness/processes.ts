/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- e2e harness runs in Node, not in n8n */
// Every process the harness starts (emulator, n8n, n8n CLI commands, chromium) is spawned in its
// own process group and registered here, so teardown can stop it, and whatever it spawned, by PID:
// SIGTERM to the group, SIGKILL after a grace period. `leftovers()` lists registered groups that
// still have members, read from `ps`, for the final check.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';

import { redact } from './log';
import { waitFor } from './poll';

// `n8n execute --rawOutput` of a 20,000-item execution (the paging scenario) prints ~15 MB.
const MAX_BUFFER_CHARS = 40_000_000;

export interface ManagedProcess {
	name: string;
	pid: number;
	logFile: string;
	child: ChildProcess;
	/** Resolves with the exit code (or the signal name) when the process exits. */
	exited: Promise<number | string>;
	exitCode(): number | string | undefined;
	/** Everything written to stdout and stderr so far (both interleaved, as in the log file). */
	output(): string;
	stdout(): string;
}

export interface SpawnOptions {
	env: NodeJS.ProcessEnv;
	cwd?: string;
	logFile: string;
	/**
	 * Sends stdout to this file instead of a pipe. n8n 1.x `execute --rawOutput` exits before a
	 * pipe has taken a multi-megabyte document (seen cut at about 1 MB); writes to a file are
	 * synchronous, so the file holds all of it once the process has exited.
	 */
	stdoutFile?: string;
}

export interface CommandResult {
	code: number | string;
	stdout: string;
	output: string;
	ms: number;
}

function groupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pgid, signal);
	} catch {
		// Already gone.
	}
}

export class ProcessRegistry {
	private readonly processes: ManagedProcess[] = [];

	private readonly groups = new Set<number>();

	private closed = false;

	/** Starts `command` in a new process group; its output goes to `logFile` and to memory. */
	spawn(name: string, command: string, args: string[], options: SpawnOptions): ManagedProcess {
		if (this.closed) throw new Error(`Not starting ${name}: the run is being torn down`);
		writeFileSync(options.logFile, `$ ${name}\n`);
		const stdoutFd = options.stdoutFile ? openSync(options.stdoutFile, 'w') : undefined;
		let child: ChildProcess;
		try {
			child = spawn(command, args, {
				cwd: options.cwd,
				env: options.env,
				detached: true,
				stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'],
			});
		} finally {
			// The child holds its own copy of the descriptor.
			if (stdoutFd !== undefined) closeSync(stdoutFd);
		}
		if (child.pid === undefined) throw new Error(`Could not start ${name} (${command})`);
		const pid = child.pid;
		this.groups.add(pid);
		let all = '';
		let out = '';
		const keep = (text: string, chunk: string) => {
			const next = text + chunk;
			return next.length > MAX_BUFFER_CHARS ? next.slice(-MAX_BUFFER_CHARS) : next;
		};
		child.stdout?.setEncoding('utf8');
		child.stderr?.setEncoding('utf8');
		child.stdout?.on('data', (chunk: string) => {
			all = keep(all, chunk);
			out = keep(out, chunk);
			appendFileSync(options.logFile, redact(chunk));
		});
		child.stderr?.on('data', (chunk: string) => {
			all = keep(all, chunk);
			appendFileSync(options.logFile, redact(chunk));
		});
		let code: number | string | undefined;
		const exited = new Promise<number | string>((resolve) => {
			child.on('error', (error) => {
				all += `\n[spawn error] ${error.message}\n`;
				code = code ?? 'spawn-error';
				resolve(code);
			});
			child.on('close', (exitCode, signal) => {
				if (options.stdoutFile) {
					const written = readFileSync(options.stdoutFile, 'utf8');
					out = keep(out, written);
					all = keep(all, written);
					appendFileSync(
						options.logFile,
						`${tail(written, 40)}\n[all of stdout: ${options.stdoutFile}]\n`,
					);
				}
				code = exitCode ?? signal ?? 'unknown';
				resolve(code);
			});
		});
		const managed: ManagedProcess = {
			name,
			pid,
			logFile: options.logFile,
			child,
			exited,
			exitCode: () => code,
			output: () => all,
			stdout: () => out,
		};
		this.processes.push(managed);
		return managed;
	}

	/** Runs a command to its end (or kills it after `timeoutMs`) and returns what it printed. */
	async run(
		name: string,
		command: string,
		args: string[],
		options: SpawnOptions & { timeoutMs: number },
	): Promise<CommandResult> {
		const started = Date.now();
		const managed = this.spawn(name, command, args, options);
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			void this.stop(managed, 2_000);
		}, options.timeoutMs);
		try {
			const code = await managed.exited;
			if (timedOut) {
				throw new Error(
					`${name} did not finish within ${options.timeoutMs / 1000} s; last output:\n${tail(managed.output(), 25)}`,
				);
			}
			return { code, stdout: managed.stdout(), output: managed.output(), ms: Date.now() - started };
		} finally {
			clearTimeout(timer);
			await this.stop(managed, 2_000);
		}
	}

	/** Waits until the process prints a line matching `pattern`; fails early if it exits. */
	async waitForOutput(
		managed: ManagedProcess,
		pattern: RegExp,
		timeoutMs: number,
	): Promise<RegExpMatchArray> {
		return await waitFor(
			`${managed.name} to print ${pattern}`,
			() => managed.output().match(pattern) ?? undefined,
			{
				timeoutMs,
				intervalMs: 100,
				abortIf: () => {
					const code = managed.exitCode();
					return code === undefined
						? undefined
						: `it exited (${code}); last output:\n${tail(managed.output(), 25)}`;
				},
			},
			() => `last output:\n${tail(managed.output(), 25)}`,
		);
	}

	/** SIGTERM to the process group, SIGKILL to whatever is left after `graceMs`. */
	async stop(managed: ManagedProcess, graceMs = 10_000): Promise<void> {
		const pgid = managed.pid;
		if (!groupAlive(pgid)) return;
		signalGroup(pgid, 'SIGTERM');
		try {
			await waitFor(`${managed.name} to exit`, () => !groupAlive(pgid), {
				timeoutMs: graceMs,
				intervalMs: 100,
			});
		} catch {
			signalGroup(pgid, 'SIGKILL');
			await waitFor(`${managed.name} to die`, () => !groupAlive(pgid), {
				timeoutMs: 5_000,
				intervalMs: 100,
			}).catch(() => undefined);
		}
	}

	/** SIGKILL to the process group at once (a crash), then waits until it is gone. */
	async kill(managed: ManagedProcess): Promise<void> {
		signalGroup(managed.pid, 'SIGKILL');
		await waitFor(`${managed.name} to die`, () => !groupAlive(managed.pid), {
			timeoutMs: 10_000,
			intervalMs: 100,
		});
	}

	/** Refuses new processes from now on, then stops every registered one, the most recent first. */
	async stopAll(): Promise<void> {
		this.closed = true;
		for (const managed of [...this.processes].reverse()) await this.stop(managed);
	}

	/** Processes still alive in any group this registry created (`pid pgid command`), from ps. */
	leftovers(): string[] {
		const listing = execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' });
		return listing
			.split('\n')
			.map((line) => line.trim())
			.filter((line) => {
				const [, pgid] = line.split(/\s+/);
				return pgid !== undefined && this.groups.has(Number(pgid));
			});
	}

	/** Registers a process group started elsewhere (e.g. by Playwright) for teardown checks. */
	adopt(pid: number): void {
		this.groups.add(pid);
		if (this.closed) signalGroup(pid, 'SIGKILL');
	}

	/** Kills any adopted group that is still alive and waits until it is gone. */
	async killAdopted(): Promise<void> {
		const own = new Set(this.processes.map((managed) => managed.pid));
		const adopted = [...this.groups].filter((pgid) => !own.has(pgid) && groupAlive(pgid));
		for (const pgid of adopted) signalGroup(pgid, 'SIGKILL');
		await waitFor('adopted processes to die', () => !adopted.some(groupAlive), {
			timeoutMs: 5_000,
			intervalMs: 100,
		}).catch(() => undefined);
	}
}

export function tail(text: string, lines: number): string {
	return redact(text.split('\n').slice(-lines).join('\n'));
}

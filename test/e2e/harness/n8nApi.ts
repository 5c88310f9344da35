// A running n8n's HTTP APIs, the calls both majors answer the same way (checked in
// ../shared/n8n-runtime.md): owner setup (session cookie), an API key for the public API,
// the credential test the editor's "Test" button uses, manual runs, activation and executions.
import { registerSecret } from './log';
import { waitFor } from './poll';
import type { RunResult } from './runData';
import { toRunResult } from './runData';

export interface Owner {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

export interface CredentialTestResult {
	status: string;
	message: string;
}

export interface ExecutionSummary {
	id: string;
	status: string;
	mode: string;
	startedAt: string;
	stoppedAt?: string | null;
	workflowId: string;
	run: RunResult;
}

interface RawExecution {
	id: string | number;
	status: string;
	mode: string;
	startedAt: string;
	stoppedAt?: string | null;
	workflowId: string;
	data?: Parameters<typeof toRunResult>[0]['data'];
}

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

export class N8nApi {
	private cookie = '';

	private apiKey = '';

	constructor(readonly baseUrl: string) {}

	private async request<T>(
		method: string,
		path: string,
		body?: unknown,
		headers: Record<string, string> = {},
	): Promise<{ status: number; body: T; headers: Headers }> {
		const response = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers: {
				accept: 'application/json',
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
				...headers,
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			// Not JSON: keep the text for the error message.
		}
		if (!response.ok) {
			throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 400)}`);
		}
		return { status: response.status, body: parsed as T, headers: response.headers };
	}

	/** The internal API, as the editor calls it (session cookie). */
	async rest<T>(method: string, path: string, body?: unknown): Promise<T> {
		if (!this.cookie) throw new Error('No n8n session: call setupOwner first');
		const result = await this.request<{ data: T }>(method, `/rest${path}`, body, {
			cookie: this.cookie,
		});
		return result.body.data;
	}

	/** The public API (X-N8N-API-KEY). */
	async public<T>(method: string, path: string, body?: unknown): Promise<T> {
		if (!this.apiKey) throw new Error('No n8n API key: call createApiKey first');
		const result = await this.request<T>(method, `/api/v1${path}`, body, {
			'x-n8n-api-key': this.apiKey,
		});
		return result.body;
	}

	async setupOwner(owner: Owner): Promise<void> {
		const result = await this.request<unknown>('POST', '/rest/owner/setup', owner);
		const cookies = result.headers.getSetCookie();
		const auth = cookies.find((cookie) => cookie.startsWith('n8n-auth='));
		if (!auth) throw new Error('Owner setup returned no n8n-auth cookie');
		this.cookie = auth.split(';')[0];
		registerSecret(this.cookie.slice('n8n-auth='.length));
	}

	/** Session cookie for a browser context (so the editor opens signed in, if wanted). */
	get sessionCookie(): string {
		return this.cookie;
	}

	async createApiKey(): Promise<void> {
		const scopes = await this.rest<string[]>('GET', '/api-keys/scopes');
		const created = await this.rest<{ rawApiKey: string }>('POST', '/api-keys', {
			label: `e2e ${Date.now()}`,
			expiresAt: null,
			scopes,
		});
		this.apiKey = created.rawApiKey;
		registerSecret(this.apiKey);
	}

	/**
	 * What the editor's credential "Test" button does for a saved credential: load it (secrets
	 * come back redacted), send it back to /credentials/test, and n8n fills in the stored secret.
	 */
	async testStoredCredential(id: string): Promise<CredentialTestResult> {
		const stored = await this.rest<{ id: string; name: string; type: string; data: unknown }>(
			'GET',
			`/credentials/${id}?includeData=true`,
		);
		return await this.rest<CredentialTestResult>('POST', '/credentials/test', {
			credentials: { id: stored.id, name: stored.name, type: stored.type, data: stored.data },
		});
	}

	/** Starts a manual run of a saved workflow from `startNode`; returns the execution ID. */
	async runWorkflow(workflowId: string, startNode: string): Promise<string> {
		const workflowData = await this.rest<unknown>('GET', `/workflows/${workflowId}`);
		const started = await this.rest<{ executionId: string }>(
			'POST',
			`/workflows/${workflowId}/run`,
			{
				workflowData,
				triggerToStartFrom: { name: startNode },
			},
		);
		return String(started.executionId);
	}

	async execution(id: string): Promise<ExecutionSummary> {
		const raw = await this.public<RawExecution>('GET', `/executions/${id}?includeData=true`);
		return summarize(raw);
	}

	async waitForExecution(id: string, timeoutMs: number): Promise<ExecutionSummary> {
		return await waitFor(
			`execution ${id} to finish`,
			async () => {
				const execution = await this.execution(id);
				return FINISHED.has(execution.status) ? execution : undefined;
			},
			{ timeoutMs, intervalMs: 300 },
		);
	}

	/** Every execution of a workflow, with data, oldest first. */
	async executions(workflowId: string): Promise<ExecutionSummary[]> {
		const all: ExecutionSummary[] = [];
		let cursor: string | undefined;
		do {
			const page = await this.public<{ data: RawExecution[]; nextCursor?: string | null }>(
				'GET',
				`/executions?workflowId=${workflowId}&includeData=true&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
			);
			all.push(...page.data.map(summarize));
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		return all.sort((a, b) => Number(a.id) - Number(b.id));
	}

	async activate(workflowId: string): Promise<void> {
		await this.public('POST', `/workflows/${workflowId}/activate`);
	}

	async deactivate(workflowId: string): Promise<void> {
		await this.public('POST', `/workflows/${workflowId}/deactivate`);
	}

	async workflow(workflowId: string): Promise<{ active: boolean; name: string }> {
		return await this.public('GET', `/workflows/${workflowId}`);
	}
}

function summarize(raw: RawExecution): ExecutionSummary {
	return {
		id: String(raw.id),
		status: raw.status,
		mode: raw.mode,
		startedAt: raw.startedAt,
		stoppedAt: raw.stoppedAt,
		workflowId: raw.workflowId,
		run: toRunResult({ status: raw.status, data: raw.data }),
	};
}

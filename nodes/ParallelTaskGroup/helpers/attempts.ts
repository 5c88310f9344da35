import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

const STORE = 'parallelAttempts';
const KEEP_MS = 24 * 60 * 60 * 1000;

interface Attempt {
	at: number;
	taskGroupId?: string;
}

/**
 * Remembers, in the node's static data, that this node already started sending runs in this
 * execution. n8n's Retry On Fail runs the node again inside the same execution; the second try
 * then reads the group before sending, and Enrich reuses the group it created, so a retry never
 * pays twice for a run.
 */
export class AttemptMarker {
	private readonly store: Record<string, Attempt>;

	readonly key: string;

	/** Whether an earlier try of this node in this execution already started sending runs. */
	readonly isRetry: boolean;

	constructor(context: IExecuteFunctions, executionKey: string) {
		const data = context.getWorkflowStaticData('node') as IDataObject;
		data[STORE] = (data[STORE] as IDataObject | undefined) ?? {};
		this.store = data[STORE] as unknown as Record<string, Attempt>;
		this.key = executionKey;
		const now = Date.now();
		for (const [key, attempt] of Object.entries(this.store)) {
			if (now - attempt.at > KEEP_MS) delete this.store[key];
		}
		this.isRetry = this.store[this.key] !== undefined;
	}

	get previous(): Attempt | undefined {
		return this.store[this.key];
	}

	mark(taskGroupId?: string): void {
		this.store[this.key] = {
			at: Date.now(),
			taskGroupId: taskGroupId ?? this.previous?.taskGroupId,
		};
	}

	clear(): void {
		delete this.store[this.key];
	}
}

/** Identifies this run of this node in this execution: stable across Retry On Fail tries. */
export function executionKey(context: IExecuteFunctions): string {
	// Without an execution ID there is nothing a retry could share: never match an earlier run.
	const executionId =
		context.getExecutionId() ||
		`local-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
	const runIndex = context.getWorkflowDataProxy(0).$runIndex ?? 0;
	return `${executionId}:${context.getNode().id}:${runIndex}`;
}

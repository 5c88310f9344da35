import type { IContextObject, IExecuteFunctions } from 'n8n-workflow';

const STORE = 'parallelAttempts';

interface Attempt {
	at: number;
	taskGroupId?: string;
}

/**
 * Remembers, in this execution's own node context, that this node already started sending runs.
 * n8n's Retry On Fail runs the node again inside the same execution (after an error, or when the
 * first output item is an error item) with the same context; the next try then reads the group
 * before sending, and Enrich goes on with the group it created, so a retry never pays twice.
 * The context belongs to the execution: nothing is written to the workflow's static data, which
 * queue-mode workers save last-writer-wins and which holds the trigger's cursor.
 */
export class AttemptMarker {
	private readonly store: Record<string, Attempt>;

	readonly key: string;

	/** Whether an earlier try of this node in this execution already started sending runs. */
	readonly isRetry: boolean;

	constructor(context: IExecuteFunctions, executionKey: string) {
		const nodeContext = context.getContext('node') as IContextObject;
		nodeContext[STORE] = (nodeContext[STORE] as IContextObject | undefined) ?? {};
		this.store = nodeContext[STORE] as unknown as Record<string, Attempt>;
		this.key = executionKey;
		this.isRetry = this.store[this.key] !== undefined;
	}

	get previous(): Attempt | undefined {
		return this.store[this.key];
	}

	/** Kept for the whole execution: n8n may retry even after the node returned items. */
	mark(taskGroupId?: string): void {
		this.store[this.key] = {
			at: Date.now(),
			taskGroupId: taskGroupId ?? this.previous?.taskGroupId,
		};
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

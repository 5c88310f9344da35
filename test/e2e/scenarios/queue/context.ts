// What every queue-mode scenario gets: the cluster (main and workers), its API, the emulator.
import { expectEqual } from '../../harness/expect';
import { figure } from '../../harness/log';
import type { EmulatorProcess } from '../../harness/emulator';
import type { ExecutionSummary, N8nApi } from '../../harness/n8nApi';
import type { ProcessRegistry } from '../../harness/processes';
import type { QueueCluster } from '../../harness/queueCluster';
import { describeCounts } from '../../harness/queueCluster';
import type { WorkflowJson } from '../../harness/workflows';

export interface QueueContext {
	registry: ProcessRegistry;
	emulator: EmulatorProcess;
	cluster: QueueCluster;
	api: N8nApi;
	tag: string;
}

export interface QueueScenario {
	title: string;
	/** Before the workflows are imported: groups the workflows name. */
	prepare(ctx: Omit<QueueContext, 'api'>): Promise<WorkflowJson[]>;
	run(ctx: QueueContext): Promise<void>;
}

/** Every execution ran on a worker, none on main; the figure says how many on which. */
export function reportWorkers(
	ctx: QueueContext,
	label: string,
	executions: ExecutionSummary[],
	extra: string,
): Record<string, number> {
	const counts = ctx.cluster.perWorker(executions.map((execution) => execution.id));
	figure(`${ctx.tag} ${label}: executions per worker: ${describeCounts(counts)}; ${extra}`);
	expectEqual(counts.unknown ?? 0, 0, `${label}: executions no worker's log names`);
	return counts;
}

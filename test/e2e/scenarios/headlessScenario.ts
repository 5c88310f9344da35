// A headless scenario: one variant of an example workflow (stand-ins, fixture rows, credential),
// run with `n8n execute`, and the checks on what each node produced.
import type { ExecuteResult } from '../harness/n8nInstance';
import type { MajorContext } from '../harness/suite';
import type { WorkflowJson } from '../harness/workflows';

export interface HeadlessScenario {
	title: string;
	/** Before the workflows are imported: e.g. a task group the workflow names. */
	prepare?(ctx: MajorContext): Promise<void>;
	/** Right before `n8n execute`: e.g. faults for the emulator. */
	before?(ctx: MajorContext): Promise<void>;
	workflow(ctx: MajorContext): WorkflowJson;
	verify(result: ExecuteResult, ctx: MajorContext): void | Promise<void>;
	/** After the checks, passed or failed: e.g. clear the faults. */
	after?(ctx: MajorContext): Promise<void>;
}

// A headless scenario: one variant of an example workflow (stand-ins, fixture rows, credential),
// run with `n8n execute`, and the checks on what each node produced.
import type { ExecuteResult } from '../harness/n8nInstance';
import type { MajorContext } from '../harness/suite';
import type { WorkflowJson } from '../harness/workflows';

export interface HeadlessScenario {
	title: string;
	workflow(ctx: MajorContext): WorkflowJson;
	verify(result: ExecuteResult, ctx: MajorContext): void;
}

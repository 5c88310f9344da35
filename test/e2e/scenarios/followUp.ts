// "Follow-up research chained in real n8n": the scheduled enrichment example with a second Enrich
// after the first: it asks each row a follow-up on that row's first run, mapping the first run's
// interaction_id into Previous Interaction ID. The emulator records what each run was created
// with: every second run must name its own row's first interaction, none another row's.
import { EMULATOR_CREDENTIAL } from '../harness/credentials';
import { expectEqual, expectMatch, expectTrue } from '../harness/expect';
import { companyRows } from '../harness/fixtures';
import { outputItems, pairedIndex } from '../harness/runData';
import { EXAMPLES, loadExample, withStandIns } from '../harness/workflows';
import type { WorkflowJson } from '../harness/workflows';
import type { HeadlessScenario } from './headlessScenario';

const ROWS = companyRows(5);
const FIRST = 'Research companies';
const FOLLOW_UP = 'Ask a follow-up';

function withFollowUp(workflow: WorkflowJson): WorkflowJson {
	const first = workflow.nodes.find((node) => node.name === FIRST)!;
	first.parameters.options = {
		...(first.parameters.options as Record<string, unknown>),
		includeRunInfo: true,
	};
	const followUp = {
		...first,
		id: 'b3a1c0de-0000-4000-8000-00000000f011',
		name: FOLLOW_UP,
		position: [first.position[0] + 220, first.position[1] - 200] as [number, number],
		parameters: {
			resource: 'taskGroup',
			operation: 'enrich',
			inputMode: 'text',
			inputText: '={{ "Who founded " + $json.company + "?" }}',
			processor: 'lite',
			outputSchemaType: 'text',
			outputDescription: 'The founders',
			maxWaitSeconds: 120,
			options: {
				previousInteractionId: '={{ $json.interaction_id }}',
				outputKey: 'follow_up',
				includeRunInfo: true,
			},
		},
	};
	workflow.nodes.push(followUp);
	const connections = workflow.connections as Record<string, { main: unknown[][] }>;
	const afterFirst = connections[FIRST].main[0];
	connections[FIRST].main[0] = [{ node: FOLLOW_UP, type: 'main', index: 0 }];
	connections[FOLLOW_UP] = { main: [afterFirst] };
	return workflow;
}

export const followUpChain: HeadlessScenario = {
	title: 'follow-up research: Enrich → Enrich on each row’s first run (interaction IDs)',
	workflow: () =>
		withFollowUp(
			withStandIns(loadExample(EXAMPLES.enrich), {
				id: 'E2eFollowUpChain',
				name: 'e2e: follow-up on each row',
				rows: ROWS,
				credential: EMULATOR_CREDENTIAL,
			}),
		),
	async verify(result, ctx) {
		expectEqual(result.code, 0, 'the exit code of n8n execute');
		expectEqual(result.run.status, 'success', 'the execution status');
		const firsts = outputItems(result.run, FIRST, 0);
		const seconds = outputItems(result.run, FOLLOW_UP, 0);
		expectEqual(firsts.length, ROWS.length, 'first answers');
		expectEqual(seconds.length, ROWS.length, 'follow-up answers');
		expectEqual(outputItems(result.run, FOLLOW_UP, 1).length, 0, 'follow-ups on the error output');
		const firstGroup = await ctx.emulator.group(String(firsts[0].json.taskgroup_id));
		const secondGroup = await ctx.emulator.group(String(seconds[0].json.taskgroup_id));
		const firstRuns = new Map(firstGroup.runs.map((run) => [run.run_id, run]));
		const secondRuns = new Map(secondGroup.runs.map((run) => [run.run_id, run]));
		ROWS.forEach((row, index) => {
			const first = firsts[index];
			const second = seconds[index];
			expectEqual(pairedIndex(second), index, `follow-up ${index}'s pairedItem`);
			expectEqual(second.json.company, row.company, `follow-up ${index}'s company (its row)`);
			const firstRun = firstRuns.get(String(first.json.run_id));
			expectTrue(firstRun !== undefined, `row ${index}'s first run is in the first group`);
			expectEqual(
				first.json.interaction_id,
				firstRun!.interaction_id,
				`row ${index}'s first interaction_id`,
			);
			const secondRun = secondRuns.get(String(second.json.run_id));
			expectTrue(secondRun !== undefined, `row ${index}'s follow-up run is in the second group`);
			expectEqual(
				secondRun!.previous_interaction_id,
				firstRun!.interaction_id,
				`row ${index}'s follow-up was created with its own first run's interaction ID`,
			);
			expectEqual(
				secondRun!.input,
				`Who founded ${row.company}?`,
				`row ${index}'s follow-up question`,
			);
			expectMatch(
				(second.json.follow_up as { output?: unknown } | undefined)?.output,
				new RegExp(`Who founded ${row.company}`),
				`row ${index}'s follow-up answer (text, under follow_up)`,
			);
		});
		for (const run of firstGroup.runs)
			expectEqual(run.previous_interaction_id, null, 'a first run is not a follow-up');
	},
};

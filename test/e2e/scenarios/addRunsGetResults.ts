// "Add runs then get results paired back": Create task group, Add runs (one per row), Wait for
// completion, then Get results on Add runs' items. Each result must carry its own item's run_id,
// be paired with it, and n8n must resolve `$('Read rows').item` from the results back through the
// Merge and Add runs to the right sheet row (the "Match to rows" step).
import { EMULATOR_CREDENTIAL } from '../harness/credentials';
import { expectEqual, expectMatch, expectTrue } from '../harness/expect';
import { companyRows } from '../harness/fixtures';
import { figure, seconds } from '../harness/log';
import { nodeTask, outputItems, pairedIndex } from '../harness/runData';
import { EXAMPLES, loadExample, withStandIns } from '../harness/workflows';
import type { HeadlessScenario } from './headlessScenario';

const ROWS = companyRows(6);

export const addRunsGetResults: HeadlessScenario = {
	title: 'add runs, wait, get results paired back to the rows',
	workflow: () =>
		withStandIns(loadExample(EXAMPLES.addRunsGetResults), {
			id: 'E2eAddRunsGetRes',
			name: 'e2e: add runs then get results',
			rows: ROWS,
			credential: EMULATOR_CREDENTIAL,
		}),
	verify(result) {
		expectEqual(result.code, 0, 'the exit code of n8n execute');
		expectEqual(result.run.status, 'success', 'the execution status');
		const [group] = outputItems(result.run, 'Create task group');
		const groupId = group?.json.taskgroup_id;
		expectMatch(groupId, /^tgrp_/, 'the created task group ID');

		const added = outputItems(result.run, 'Add runs');
		expectEqual(added.length, ROWS.length, 'items from Add runs');
		added.forEach((item, index) => {
			expectMatch(item.json.run_id, /^trun_/, `Add runs item ${index}'s run_id`);
			expectEqual(item.json.taskgroup_id, groupId, `Add runs item ${index}'s taskgroup_id`);
			expectEqual(pairedIndex(item), index, `Add runs item ${index}'s pairedItem`);
		});
		expectEqual(
			new Set(added.map((item) => item.json.run_id)).size,
			ROWS.length,
			'distinct run IDs',
		);

		const [waited] = outputItems(result.run, 'Wait for completion');
		expectEqual(waited?.json.completed, true, "Wait for completion's 'completed'");

		const results = outputItems(result.run, 'Get results');
		expectEqual(results.length, ROWS.length, 'items from Get results');
		results.forEach((item, index) => {
			expectEqual(item.json.run_id, added[index].json.run_id, `result ${index}'s run_id`);
			expectEqual(pairedIndex(item), index, `result ${index}'s pairedItem`);
			expectEqual(item.json.status, 'completed', `result ${index}'s status`);
			expectTrue(typeof item.json.ceo_name === 'string', `result ${index} to have a ceo_name`);
		});

		const matched = outputItems(result.run, 'Match to rows');
		expectEqual(
			matched.map((item) => [item.json.row_number, item.json.company, item.json.run_id]),
			ROWS.map((row, index) => [row.row_number, row.company, added[index].json.run_id]),
			"the rows n8n found through $('Read rows').item for each result",
		);
		const waitTask = nodeTask(result.run, 'Wait for completion');
		figure(
			`add runs + get results (${ROWS.length} rows): wait ${seconds(waitTask?.executionTime ?? 0)}, whole n8n execute ${seconds(result.ms)}`,
		);
	},
};

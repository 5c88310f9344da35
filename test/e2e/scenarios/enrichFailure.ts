// "A run that fails routed to the error output with its input item": three rows, the middle one
// fails on Parallel's side. With the example's "On Error: Continue (using error output)", the two
// others stay on the main output, and the failed one must reach the error branch as its sheet row
// (row number and company) plus the error, so "Mark failed rows" can find the row to mark.
import { EMULATOR_CREDENTIAL } from '../harness/credentials';
import { expectEqual, expectMatch } from '../harness/expect';
import { companyRows } from '../harness/fixtures';
import { outputItems, pairedIndex } from '../harness/runData';
import { EXAMPLES, loadExample, withStandIns } from '../harness/workflows';
import type { HeadlessScenario } from './headlessScenario';

const ROWS = companyRows(3, { failing: [1] });

export const enrichFailure: HeadlessScenario = {
	title: 'a failed run goes to the error output with its input row',
	workflow: () =>
		withStandIns(loadExample(EXAMPLES.enrich), {
			id: 'E2eEnrichFailure',
			name: 'e2e: enrich with a failing row',
			rows: ROWS,
			credential: EMULATOR_CREDENTIAL,
		}),
	verify(result) {
		expectEqual(result.code, 0, 'the exit code of n8n execute');
		expectEqual(result.run.status, 'success', 'the execution status');
		const enriched = outputItems(result.run, 'Research companies', 0);
		const failed = outputItems(result.run, 'Research companies', 1);
		expectEqual(
			enriched.map((item) => item.json.row_number),
			[ROWS[0].row_number, ROWS[2].row_number],
			'row numbers on the main output',
		);
		expectEqual(failed.length, 1, 'items on the error output');
		const [item] = failed;
		expectMatch(item.json.error, /fail/i, "the failed item's error");
		expectEqual(pairedIndex(item), 1, "the failed item's pairedItem");
		expectEqual(item.json.company, ROWS[1].company, "the failed item's company (its input row)");
		expectEqual(
			item.json.row_number,
			ROWS[1].row_number,
			"the failed item's row_number (its input row)",
		);

		const marked = outputItems(result.run, 'Mark failed rows');
		expectEqual(marked.length, 1, 'rows marked as failed');
		expectEqual(marked[0].json.row_number, ROWS[1].row_number, 'the row marked as failed');
		expectMatch(marked[0].json.research_error, /fail/i, 'research_error of the marked row');
	},
};

// "A bad credential giving a clear error", both ways a user meets it with the enrichment example:
// - as published, with "On Error: Continue (using error output)": nothing may reach the
//   write-back step (it would stamp rows as researched with no answer); every row must come out
//   of the error output with the reason and its row number, so "Mark failed rows" can mark it;
// - with n8n's default "On Error: Stop Workflow": the run fails, and n8n reports on the Parallel
//   node a message that names the API key and a hint that points at the credential.
import { BAD_KEY_CREDENTIAL } from '../harness/credentials';
import { expectEqual, expectMatch } from '../harness/expect';
import { companyRows } from '../harness/fixtures';
import { figure } from '../harness/log';
import { outputItems } from '../harness/runData';
import { EXAMPLES, loadExample, withStandIns } from '../harness/workflows';
import type { HeadlessScenario } from './headlessScenario';

const ROWS = companyRows(2);
const NODE = 'Research companies';

export const badCredentialErrorOutput: HeadlessScenario = {
	title: 'a wrong API key: every row on the error output, none written back',
	workflow: () =>
		withStandIns(loadExample(EXAMPLES.enrich), {
			id: 'E2eBadKeyErrOut1',
			name: 'e2e: enrich with a wrong API key (error output)',
			rows: ROWS,
			credential: BAD_KEY_CREDENTIAL,
		}),
	verify(result) {
		expectEqual(result.code, 0, 'the exit code of n8n execute');
		const written = result.run.runData['Write back to sheet']
			? outputItems(result.run, 'Write back to sheet')
			: [];
		expectEqual(
			written.map((item) => item.json.row_number),
			[],
			'rows written back as researched although Parallel rejected the key',
		);
		const failed = outputItems(result.run, NODE, 1);
		expectEqual(
			failed.map((item) => item.json.row_number),
			ROWS.map((row) => row.row_number),
			'row numbers on the error output',
		);
		for (const item of failed) expectMatch(item.json.error, /API key/i, 'the error of a row');
	},
};

export const badCredentialStops: HeadlessScenario = {
	title: 'a wrong API key stops the run with a clear error (On Error: Stop Workflow)',
	workflow: () =>
		withStandIns(loadExample(EXAMPLES.enrich), {
			id: 'E2eBadKeyStops01',
			name: 'e2e: enrich with a wrong API key (stop)',
			rows: ROWS,
			credential: BAD_KEY_CREDENTIAL,
			settings: { [NODE]: { onError: 'stopWorkflow' } },
		}),
	verify(result) {
		expectEqual(result.code, 1, 'the exit code of n8n execute');
		expectEqual(result.run.status, 'error', 'the execution status');
		const error = result.run.runData[NODE]?.[0]?.error;
		expectMatch(error?.message, /API key/i, `the error n8n shows on '${NODE}'`);
		expectMatch(error?.description ?? '', /credential/i, 'the hint under the error');
		expectEqual(
			result.run.runData['Add research date'],
			undefined,
			'the write-back branch (must not run)',
		);
		figure(`wrong API key: "${error?.message}"`);
	},
};

// "Enrich 25 items (json schema)": the scheduled enrichment example with 26 sheet rows, one of
// them already researched. The 25 others must come out of Enrich in input order, paired with
// their rows, keeping their own fields, with answers that satisfy the example's JSON schema;
// the write-back step must receive all 25 with a research date.
import Ajv from 'ajv';

import { EMULATOR_CREDENTIAL } from '../harness/credentials';
import { expectEqual, expectMatch, expectTrue } from '../harness/expect';
import { companyRows } from '../harness/fixtures';
import { figure, seconds } from '../harness/log';
import { nodeTask, outputItems, pairedIndex } from '../harness/runData';
import { EXAMPLES, loadExample, withStandIns } from '../harness/workflows';
import type { HeadlessScenario } from './headlessScenario';

const ROWS = companyRows(26, { researched: [3] });
const TO_RESEARCH = ROWS.filter((row) => row.researched_at === '');

function outputSchema(): { properties: Record<string, unknown> } {
	const node = loadExample(EXAMPLES.enrich).nodes.find((n) => n.name === 'Research companies');
	return JSON.parse(String(node?.parameters.outputJsonSchema)) as {
		properties: Record<string, unknown>;
	};
}

export const enrichRows: HeadlessScenario = {
	title: 'enrich 25 sheet rows (JSON schema) and write them back',
	workflow: () =>
		withStandIns(loadExample(EXAMPLES.enrich), {
			id: 'E2eEnrich25Rows1',
			name: 'e2e: enrich 25 rows',
			rows: ROWS,
			credential: EMULATOR_CREDENTIAL,
		}),
	verify(result) {
		expectEqual(result.code, 0, 'the exit code of n8n execute');
		expectEqual(result.run.status, 'success', 'the execution status');
		expectEqual(TO_RESEARCH.length, 25, 'the number of rows to research (fixture)');
		expectEqual(
			outputItems(result.run, 'Not researched yet').length,
			25,
			'rows left by the filter',
		);

		const enriched = outputItems(result.run, 'Research companies', 0);
		const failed = outputItems(result.run, 'Research companies', 1);
		expectEqual(failed.length, 0, 'items on the error output');
		expectEqual(enriched.length, 25, 'enriched items');

		const schema = outputSchema();
		const validate = new Ajv({ allErrors: true }).compile(schema);
		const answerKeys = Object.keys(schema.properties);
		enriched.forEach((item, index) => {
			const row = TO_RESEARCH[index];
			expectEqual(pairedIndex(item), index, `item ${index}'s pairedItem`);
			for (const key of ['row_number', 'company', 'website'])
				expectEqual(item.json[key], row[key], `item ${index}'s ${key} (kept from its row)`);
			const answer = Object.fromEntries(answerKeys.map((key) => [key, item.json[key]]));
			expectTrue(
				validate(answer),
				`item ${index}'s answer to satisfy the schema: ${JSON.stringify(validate.errors)}`,
			);
			expectTrue(!('basis' in item.json), `item ${index} without basis (Include Basis off)`);
		});

		const written = outputItems(result.run, 'Write back to sheet');
		expectEqual(written.length, 25, 'rows written back');
		expectEqual(
			written.map((item) => item.json.row_number),
			TO_RESEARCH.map((row) => row.row_number),
			'the row numbers written back, in order',
		);
		for (const item of written)
			expectMatch(item.json.researched_at, /^\d{4}-\d\d-\d\dT/, 'researched_at of a written row');
		const enrichTask = nodeTask(result.run, 'Research companies');
		figure(
			`enrich 25 rows: node ${seconds(enrichTask?.executionTime ?? 0)}, whole n8n execute ${seconds(result.ms)}`,
		);
	},
};

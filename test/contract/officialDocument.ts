/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- tests run in Node, not in n8n */
// Where Parallel's OpenAPI document is looked for: PARALLEL_OPENAPI_FILE, or the shared contract
// folder beside the repo. It is never copied into the repo; a clone without it still passes every
// test, and the checks that need it say they were skipped and why.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export const OFFICIAL_DOCUMENT_FILE =
	process.env.PARALLEL_OPENAPI_FILE ??
	path.resolve(__dirname, '../../../shared/contract/parallel-openapi-tasks.json');

export type OfficialDocument =
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an OpenAPI document of any shape
	{ found: true; file: string; document: Record<string, any> } | { found: false; reason: string };

export function readOfficialDocument(): OfficialDocument {
	const file = OFFICIAL_DOCUMENT_FILE;
	if (!existsSync(file)) {
		return {
			found: false,
			reason:
				`Parallel's OpenAPI document is not at ${file} (set PARALLEL_OPENAPI_FILE to ` +
				'parallel-openapi-tasks.json to run the checks against it)',
		};
	}
	return { found: true, file, document: JSON.parse(readFileSync(file, 'utf8')) };
}

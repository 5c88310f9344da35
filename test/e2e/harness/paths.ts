/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- e2e harness runs in Node, not in n8n */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../..');
export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');
export const DOCS_DIR = join(REPO_ROOT, 'docs');

/** A fresh folder for one run's tarball and n8n user folders, with a `logs` folder inside. */
export function makeRunDir(prefix: string): { runDir: string; logDir: string } {
	const base = process.env.N8N_E2E_WORK_DIR ?? tmpdir();
	mkdirSync(base, { recursive: true });
	const runDir = mkdtempSync(join(base, `${prefix}-`));
	const logDir = join(runDir, 'logs');
	mkdirSync(logDir);
	return { runDir, logDir };
}

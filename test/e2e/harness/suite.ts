// What every scenario gets: the processes, the emulator, the packed package, and for one n8n
// major its instance and (once the server runs) its API client.
import { randomBytes } from 'crypto';

import type { EmulatorProcess } from './emulator';
import type { N8nBuild } from './install';
import type { N8nApi, Owner } from './n8nApi';
import type { N8nInstance } from './n8nInstance';
import type { PackedPackage } from './pack';
import type { ProcessRegistry } from './processes';

export interface SuiteContext {
	registry: ProcessRegistry;
	runDir: string;
	logDir: string;
	emulator: EmulatorProcess;
	pkg: PackedPackage;
}

export interface MajorContext extends SuiteContext {
	build: N8nBuild;
	instance: N8nInstance;
	owner: Owner;
	/** Set once the server runs and the owner exists. */
	api?: N8nApi;
	/** e.g. "n8n 2.41.1", prefixed to step names. */
	tag: string;
}

/** A throwaway owner per run; the password is random (8+ characters, a digit, an uppercase). */
export const E2E_OWNER: Owner = {
	email: 'e2e-owner@example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	password: `E2e-${randomBytes(9).toString('base64url')}-9`,
};

/** The emulator speed for runs that should end at once (lite: 10-60 s becomes 20-120 ms). */
export const FAST_SPEED = 0.002;

export function apiOf(ctx: MajorContext): N8nApi {
	if (!ctx.api) throw new Error(`${ctx.tag}: the server is not running`);
	return ctx.api;
}

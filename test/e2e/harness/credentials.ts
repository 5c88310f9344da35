// The Parallel credentials the harness imports into n8n (plain JSON; n8n encrypts them on import).
import type { CredentialJson } from './n8nInstance';
import { CREDENTIAL_TYPE } from './workflows';

export interface CredentialRef {
	id: string;
	name: string;
}

export const EMULATOR_CREDENTIAL: CredentialRef = {
	id: 'PrlCredEmulator1',
	name: 'Parallel (emulator)',
};
export const BAD_KEY_CREDENTIAL: CredentialRef = {
	id: 'PrlCredBadKey001',
	name: 'Parallel (wrong key, e2e)',
};
/** The emulator's key plus its webhook secret: callbacks to paused executions must be signed. */
export const SIGNED_CREDENTIAL: CredentialRef = {
	id: 'PrlCredSigned001',
	name: 'Parallel (emulator, webhook secret)',
};
export const REAL_API_CREDENTIAL: CredentialRef = { id: 'PrlCredRealApi01', name: 'Parallel' };

export function parallelCredential(
	ref: CredentialRef,
	apiKey: string,
	baseUrl: string,
	extra: Record<string, string> = {},
): CredentialJson {
	return { ...ref, type: CREDENTIAL_TYPE, data: { apiKey, baseUrl, ...extra } };
}

// The credential test through n8n itself: what the "Test" button in the credential dialog does,
// for the stored credential with the emulator's key and for the one with a wrong key.
import { BAD_KEY_CREDENTIAL, EMULATOR_CREDENTIAL } from '../harness/credentials';
import { expectAtLeast, expectEqual, expectTrue } from '../harness/expect';
import { figure } from '../harness/log';
import { apiOf } from '../harness/suite';
import type { MajorContext } from '../harness/suite';

export async function credentialTest(ctx: MajorContext): Promise<void> {
	const api = apiOf(ctx);
	const before = (await ctx.emulator.counters()).responses;
	const valid = await api.testStoredCredential(EMULATOR_CREDENTIAL.id);
	expectEqual(valid.status, 'OK', `the test of '${EMULATOR_CREDENTIAL.name}' (${valid.message})`);
	const invalid = await api.testStoredCredential(BAD_KEY_CREDENTIAL.id);
	expectEqual(invalid.status, 'Error', `the test of '${BAD_KEY_CREDENTIAL.name}'`);
	expectTrue(invalid.message.length > 0, 'a message for the failed test');
	const after = (await ctx.emulator.counters()).responses;
	const delta = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
	expectEqual(delta('GET /monitors 200'), 1, 'credential tests answered 200 by the API');
	// n8n may retry a request that got a 401 once (2.41 does), so at least one.
	expectAtLeast(delta('GET /monitors 401'), 1, 'credential test requests answered 401 by the API');
	figure(
		`credential test: valid "${valid.message}", wrong key "${invalid.message}" (${delta('GET /monitors 401')} request(s) answered 401)`,
	);
}

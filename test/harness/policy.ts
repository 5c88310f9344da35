import { POLICY } from '../../nodes/shared/transport/policy';

type Tuning = { [Section in keyof typeof POLICY]?: Partial<(typeof POLICY)[Section]> };

/**
 * Shortens numbers of the transport policy for the tests of one file (the nodes run in this
 * process and read the same object), and puts them back after the file's tests.
 */
export function tunePolicyForSuite(tuning: Tuning): void {
	const saved = new Map<string, object>();
	beforeAll(() => {
		for (const [section, values] of Object.entries(tuning)) {
			const target = POLICY[section as keyof typeof POLICY] as object;
			saved.set(section, { ...target });
			Object.assign(target, values);
		}
	});
	afterAll(() => {
		for (const [section, values] of saved)
			Object.assign(POLICY[section as keyof typeof POLICY], values);
	});
}

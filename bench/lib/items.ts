import type { IDataObject } from 'n8n-workflow';

/** Input rows like the tests' `companies()` (test/harness/parallel.ts). */
export const companies = (count: number): IDataObject[] =>
	Array.from({ length: count }, (_, index) => ({
		row: index + 1,
		company: `Company ${index + 1}`,
		website: `https://company${index + 1}.example`,
	}));

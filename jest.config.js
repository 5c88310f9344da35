// `npm test`: the fast loop (unit, transport, nodes, trigger, emulator, contract, install checks);
// no n8n install needed. The soak tests run with `npm run test:soak` (jest.soak.config.js), the
// real-n8n suite with `npm run test:e2e`; `npm run test:all` runs all three.
const SOAK_TESTS = ['test/trigger/soak.test.ts'];

/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: [
		'/node_modules/',
		'<rootDir>/test/e2e/',
		...SOAK_TESTS.map((file) => `<rootDir>/${file}`),
	],
	transform: {
		'^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
		// eventsource-parser, @noble/hashes and @scure/base ship only ES modules; the published build
		// bundles them (gulpfile.js).
		'^.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }],
	},
	// Node files are imported as `X.node.js`: without the suffix tsx would pick the codex file
	// X.node.json that n8n wants beside each node.
	moduleNameMapper: { '^(\\.{1,2}/.*\\.node)\\.js$': '$1.ts' },
	transformIgnorePatterns: ['/node_modules/(?!(eventsource-parser|@noble/hashes|@scure/base)/)'],
	setupFiles: ['<rootDir>/test/setup/quietN8n.ts'],
	testTimeout: 30_000,
};
// Not a jest option: jest.soak.config.js reads it (non-enumerable, so jest does not see it).
Object.defineProperty(module.exports, 'SOAK_TESTS', { value: SOAK_TESTS });

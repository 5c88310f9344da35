/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
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

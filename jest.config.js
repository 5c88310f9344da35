/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	transform: {
		'^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
		// eventsource-parser ships only ES modules; the published build bundles it (gulpfile.js).
		'^.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }],
	},
	transformIgnorePatterns: ['/node_modules/(?!eventsource-parser/)'],
	setupFiles: ['<rootDir>/test/setup/quietN8n.ts'],
	testTimeout: 30_000,
};

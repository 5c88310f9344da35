// `npm run test:soak`: the long soak tests that `npm test` leaves out (see jest.config.js).
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
	...base,
	testMatch: base.SOAK_TESTS.map((file) => `<rootDir>/${file}`),
	testPathIgnorePatterns: ['/node_modules/'],
};

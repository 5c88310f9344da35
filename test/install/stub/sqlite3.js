// The stub's sqlite3: like the real module, it throws on load until its native binding is built.
const fs = require('node:fs');
const path = require('node:path');

if (!fs.existsSync(path.join(__dirname, 'binding.txt'))) {
	throw new Error('Could not locate the bindings file (stub sqlite3 was never built)');
}
exports.Database = class {
	get(_sql, callback) {
		callback(null, { one: 1 });
	}
	close() {}
};

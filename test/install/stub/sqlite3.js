// The stub's sqlite3: like the real module, it throws on load until its native binding is built.
const fs = require('node:fs');
const path = require('node:path');

const binding = path.join(__dirname, 'build', 'binding.txt');
if (!fs.existsSync(binding)) {
	throw new Error('Could not locate the bindings file (stub sqlite3 was never built)');
}
// STUB_SQLITE3_COPY_BROKEN: a binding copied from another folder does not load.
if (
	process.env.STUB_SQLITE3_COPY_BROKEN &&
	fs.readFileSync(binding, 'utf8').trim() !== fs.realpathSync(__dirname)
) {
	throw new Error('stub sqlite3: this binding was built for another folder');
}
exports.Database = class {
	get(_sql, callback) {
		callback(null, { one: 1 });
	}
	close() {}
};

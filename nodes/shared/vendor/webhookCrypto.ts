// The build replaces this file's output with a bundled copy of @noble/hashes (HMAC-SHA256) and
// @scure/base (base64), audited libraries without dependencies (see gulpfile.js), so the
// published package needs no runtime dependency and no Node built-in.
export { hmac } from '@noble/hashes/hmac.js';
export { sha256 } from '@noble/hashes/sha2.js';
export { base64 } from '@scure/base';

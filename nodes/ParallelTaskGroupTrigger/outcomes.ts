/** HTTP codes after which retrying cannot help: the key, the group or the request is wrong. */
const PERMANENT_CODES = new Set(['400', '401', '402', '403', '404', '422']);

export function isPermanentFailure(error: unknown): boolean {
	return PERMANENT_CODES.has(String((error as { httpCode?: unknown }).httpCode ?? ''));
}

/** A 404: for a request about one run, it concerns that run only. */
export function isNotFound(error: unknown): boolean {
	return String((error as { httpCode?: unknown }).httpCode ?? '') === '404';
}

/** Limits the API enforces (contract notes section 7). */
export const MAX_RUNS_PER_REQUEST = 1000;
/** Task spec plus input, in characters. */
export const MAX_SPEC_AND_INPUT_CHARS = 25_000;
export const MAX_SPEC_CHARS = 15_000;
export const MAX_SCHEMA_DEPTH = 5;
export const MAX_SCHEMA_PROPERTIES = 100;
/** Run metadata: keys up to 16 characters, values up to 512. */
export const MAX_METADATA_KEY = 16;
export const MAX_METADATA_VALUE = 512;
/** No documented limit; far above any run or interaction ID, so a pasted document is caught. */
export const MAX_INTERACTION_ID = 200;
/**
 * Add-runs POSTs in flight at once, by default. Parallel allows about 2,000 run-creating POSTs a
 * minute (notes section 7). One execution sends one POST per 1,000 items, so 100,000 items use 100
 * of them whatever the concurrency; and 10 in flight stay under 33 POSTs a second (2,000 a
 * minute) as long as a 1,000-input POST takes 0.3 s or more. 10 sends 10,000 items in one wave.
 */
export const DEFAULT_CONCURRENT_POSTS = 10;

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

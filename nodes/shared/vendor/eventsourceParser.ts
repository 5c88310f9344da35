// The build replaces this file's output with a bundled copy of eventsource-parser (see gulpfile.js),
// so the published package needs no runtime dependency.
export { createParser } from 'eventsource-parser';
export type { EventSourceMessage, EventSourceParser, ParseError } from 'eventsource-parser';

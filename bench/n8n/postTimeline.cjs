// Preloaded into the bench's n8n (`--require`): appends one line per add-runs POST to the file
// in BENCH_POST_TIMELINE_FILE, "start|end <epoch ms>", when n8n created the request and when its
// answer ended. bench/n8n.ts places them against the node's start in the execution record.
const diagnostics = require('node:diagnostics_channel');
const { appendFileSync } = require('node:fs');

const file = process.env.BENCH_POST_TIMELINE_FILE;
const addsRuns = (request) =>
	request.method === 'POST' && /\/tasks\/groups\/[^/?]+\/runs/.test(request.path);
const note = (what) => (message) => {
	if (file && addsRuns(message.request))
		appendFileSync(file, `${what} ${(performance.timeOrigin + performance.now()).toFixed(1)}\n`);
};

diagnostics.subscribe('http.client.request.start', note('start'));
diagnostics.subscribe('http.client.response.finish', note('end'));

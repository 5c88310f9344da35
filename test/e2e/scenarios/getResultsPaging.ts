// Get Results in pages, as a workflow pages through a large group: Return All off, Limit 5,000,
// Start After from the last result's `next_cursor`, in a loop (a Code node turns a full page into
// the next cursor and stops on a short one). 20,000 finished runs: every run once, in the
// group's order, in 4 full pages and one empty one, and one /runs request per page. Run on the
// server (REST API) and read from the execution record: `n8n execute --rawOutput` cuts its output
// off at about 1 MB, and the record of 20,000 items is larger.
import { EMULATOR_CREDENTIAL } from '../harness/credentials';
import { expectEqual, expectTrue } from '../harness/expect';
import { figure, seconds } from '../harness/log';
import { waitFor } from '../harness/poll';
import type { RunResult } from '../harness/runData';
import { apiOf } from '../harness/suite';
import type { MajorContext } from '../harness/suite';
import { ACTION_NODE_TYPE, CREDENTIAL_TYPE, manualStart } from '../harness/workflows';
import type { WorkflowJson } from '../harness/workflows';

const RUNS = 20_000;
const PAGE = 5_000;
const NODE = 'Get results';
const RUNS_ROUTE = 'GET /tasks/groups/:id/runs';

const groups = new Map<string, string>();
const groupOf = (ctx: MajorContext) => {
	const group = groups.get(ctx.tag);
	if (!group) throw new Error(`${ctx.tag}: no task group prepared`);
	return group;
};

const NEXT_PAGE_CODE = `const page = $input.all();
if (page.length < ${PAGE}) return [];
return [{ json: { cursor: page[page.length - 1].json.next_cursor } }];`;

function workflow(ctx: MajorContext): WorkflowJson {
	const id = `E2ePaging${ctx.build.major}0000000`.slice(0, 16);
	const code = (name: string, x: number, jsCode: string) => ({
		id: `${id}-${x}`,
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [x, 0] as [number, number],
		parameters: { jsCode },
	});
	return {
		id,
		name: 'e2e: get results in pages of 5,000',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			manualStart(`${id}-start`),
			code('First page', 200, "return [{ json: { cursor: '' } }];"),
			{
				id: `${id}-node`,
				name: NODE,
				type: ACTION_NODE_TYPE,
				typeVersion: 1,
				position: [400, 0],
				parameters: {
					resource: 'taskGroup',
					operation: 'getResults',
					taskGroupId: groupOf(ctx),
					returnAll: false,
					limit: PAGE,
					// Without the outputs: `n8n execute` prints every item of every page.
					options: { startAfter: '={{ $json.cursor }}', includeOutput: false },
				},
				credentials: { [CREDENTIAL_TYPE]: { ...EMULATOR_CREDENTIAL } },
			},
			code('Next page', 600, NEXT_PAGE_CODE),
		],
		connections: {
			Start: { main: [[{ node: 'First page', type: 'main', index: 0 }]] },
			'First page': { main: [[{ node: NODE, type: 'main', index: 0 }]] },
			[NODE]: { main: [[{ node: 'Next page', type: 'main', index: 0 }]] },
			'Next page': { main: [[{ node: NODE, type: 'main', index: 0 }]] },
		},
	};
}

function pagesOf(run: RunResult): string[][] {
	return (run.runData[NODE] ?? []).map((task) =>
		(task.data?.main?.[0] ?? []).map((item) => String(item.json.run_id)),
	);
}

export const getResultsPaging = {
	title: 'get results: 20,000 runs in pages of 5,000 through a loop, each run once',
	async prepare(ctx: MajorContext) {
		const group = await ctx.emulator.createGroup({ e2e: 'paging' });
		groups.set(ctx.tag, group);
		for (let start = 0; start < RUNS; start += 1000) {
			await ctx.emulator.addRuns(
				group,
				Array.from({ length: 1000 }, (_, index) => ({ row: start + index })),
			);
		}
		await waitFor(
			`the ${RUNS} runs of ${group} to finish`,
			async () => {
				const { runs } = await ctx.emulator.group(group);
				return runs.length === RUNS && runs.every((run) => run.status === 'completed');
			},
			{ timeoutMs: 120_000, intervalMs: 1000 },
		);
	},
	workflow,
	async run(ctx: MajorContext) {
		const api = apiOf(ctx);
		const runsReadsBefore = (await ctx.emulator.counters()).requests[RUNS_ROUTE] ?? 0;
		const started = Date.now();
		const id = await api.runWorkflow(workflow(ctx).id, 'Start');
		// Polled without its data (20,000 items), then read once with it.
		await waitFor(
			`execution ${id} to end`,
			async () => {
				const { status } = await api.public<{ status: string }>('GET', `/executions/${id}`);
				return ['success', 'error', 'crashed', 'canceled'].includes(status);
			},
			{ timeoutMs: 300_000, intervalMs: 500 },
		);
		const ms = Date.now() - started;
		const { run } = await api.execution(id);
		expectEqual(run.status ?? 'success', 'success', 'the execution status');
		expectTrue(!run.error, `no execution error (${run.error?.message ?? ''})`);
		const pages = pagesOf(run);
		expectEqual(
			pages.map((page) => page.length),
			[PAGE, PAGE, PAGE, PAGE, 0],
			'the items of each Get results run (page)',
		);
		const { runs } = await ctx.emulator.group(groupOf(ctx));
		const read = pages.flat();
		expectEqual(new Set(read).size, RUNS, 'distinct run IDs over all pages');
		expectTrue(
			read.every((runId, index) => runId === runs[index].run_id),
			"every page's runs in the group's order, each once",
		);
		const reads = ((await ctx.emulator.counters()).requests[RUNS_ROUTE] ?? 0) - runsReadsBefore;
		expectEqual(reads, pages.length, '/runs requests (one per page)');
		const times = (run.runData[NODE] ?? []).map((task) => task.executionTime);
		figure(
			`get results, ${RUNS} runs in pages of ${PAGE}: pages ${times.map((ms) => `${ms} ms`).join(', ')}; whole execution ${seconds(ms)}`,
		);
	},
};

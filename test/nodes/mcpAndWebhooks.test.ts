/* eslint-disable @n8n/community-nodes/no-restricted-imports -- a local webhook receiver for the test */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { newGroup, waitFor } from '../emulator/helpers';
import { parallelBench } from '../harness/parallel';
import { useForSuite } from '../harness/useForSuite';

const bench = useForSuite(() => parallelBench({ webhookRetryBaseMs: 50 }));
// Each test reads the emulator's counters (beta headers) from zero.
beforeEach(() => bench.emulator.reset());

const SECRET_TOKEN = 'Bearer mcp-secret-token-123';

const addRuns = (taskGroupId: string, options: IDataObject): INodeParameters => ({
	resource: 'taskGroup',
	operation: 'addRuns',
	taskGroupId,
	processor: 'lite',
	inputMode: 'text',
	inputText: '={{ $json.q }}',
	options: options as INodeParameters,
});

const crm = {
	name: 'crm',
	url: 'https://mcp.example.com/mcp',
	headers: JSON.stringify({ Authorization: SECRET_TOKEN }),
	allowedTools: 'search_accounts, get_account',
};

describe('MCP servers', () => {
	it('sends each server with its headers and tools, with the MCP beta, and never outputs the headers', async () => {
		const group = await newGroup(bench.emulator);
		const added = await bench.run(addRuns(group, { mcpServers: { servers: [crm] } }), [
			{ q: 'Acme' },
			{ q: 'Beta' },
		]);
		expect(added.error).toBeUndefined();
		for (const run of bench.emulator.group(group)!.runs) {
			expect(run.mcp_servers).toEqual([
				{
					type: 'url',
					name: 'crm',
					url: 'https://mcp.example.com/mcp',
					headers: { Authorization: SECRET_TOKEN },
					allowed_tools: ['search_accounts', 'get_account'],
				},
			]);
		}
		expect(bench.emulator.counters().betaHeaders['POST /tasks/groups/:id/runs']).toEqual({
			'mcp-server-2025-07-17': 1,
		});
		const results = await bench.run(
			{
				resource: 'taskGroup',
				operation: 'getResults',
				taskGroupId: group,
				simplify: false,
				options: { includeInput: true },
			},
			[{}],
		);
		expect(results.items).toHaveLength(2);
		expect(JSON.stringify(results.items)).not.toContain('mcp-secret-token');
		expect(results.items[0].json.input).toMatchObject({
			mcp_servers: [{ name: 'crm', headers: { Authorization: '***' } }],
		});
	});

	it('fails only the item whose server is wrong, without repeating its headers', async () => {
		const group = await newGroup(bench.emulator);
		const run = await bench.run(
			addRuns(group, {
				mcpServers: {
					servers: [{ ...crm, headers: '={{ $json.headers }}', url: '={{ $json.url }}' }],
				},
			}),
			[
				{ q: 'Acme', url: 'ftp://mcp.example.com', headers: '{}' },
				{ q: 'Beta', url: 'https://mcp.example.com', headers: `not json ${SECRET_TOKEN}` },
				{ q: 'Gamma', url: 'https://mcp.example.com', headers: '{"X-Key": "abc"}' },
			],
			{ onError: 'continueErrorOutput' },
		);
		expect(run.errorItems.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(run.errorItems[0].json.error).toBe(
			"Item 0: the URL of MCP server 'crm' is not an http(s) URL ('ftp://mcp.example.com')",
		);
		expect(run.errorItems[1].json.error).toBe(
			"Item 1: the Headers of MCP server 'crm' are not a JSON object of text values",
		);
		// The item's own fields stay on it; what the node adds never repeats the header text.
		for (const item of run.errorItems) {
			expect(`${item.json.error} ${item.json.message}`).not.toContain('mcp-secret-token');
		}
		expect(run.items.map((item) => item.pairedItem)).toEqual([{ item: 2 }]);
	});
});

describe('Per-run webhook (Add Runs > Webhook URL)', () => {
	it("Parallel calls the user's URL when each run ends, and the webhook beta is sent", async () => {
		const received: IDataObject[] = [];
		const receiver = createServer((req, res) => {
			let body = '';
			req.on('data', (chunk) => (body += chunk));
			req.on('end', () => {
				received.push({ path: req.url, body: JSON.parse(body) });
				res.end('ok');
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		const { port } = receiver.address() as AddressInfo;
		try {
			const group = await newGroup(bench.emulator);
			const added = await bench.run(
				addRuns(group, { webhookUrl: `http://127.0.0.1:${port}/runs?from=n8n` }),
				[{ q: 'Acme' }, { q: 'Beta' }],
			);
			expect(added.error).toBeUndefined();
			const runIds = added.items.map((item) => item.json.run_id);
			await waitFor(() => received.length >= 2 || undefined, 30_000);
			expect(received.map((call) => call.path)).toEqual(['/runs?from=n8n', '/runs?from=n8n']);
			expect(
				received.map((call) => ((call.body as IDataObject).data as IDataObject).run_id).sort(),
			).toEqual([...runIds].sort());
			expect(received.every((call) => (call.body as IDataObject).type === 'task_run.status')).toBe(
				true,
			);
			expect(bench.emulator.counters().betaHeaders['POST /tasks/groups/:id/runs']).toEqual({
				'webhook-2025-08-12': 1,
			});
		} finally {
			await new Promise((resolve) => receiver.close(resolve));
		}
	});

	it('refuses Webhook URL together with Call Back This Execution, sending nothing', async () => {
		const group = await newGroup(bench.emulator);
		const before = bench.emulator.counters().runsCreatedTotal;
		const run = await bench.run(
			addRuns(group, { webhookUrl: 'https://example.com/hook', callBackExecution: true }),
			[{ q: 'Acme' }],
		);
		expect(run.error?.message).toBe("'Webhook URL' and 'Call Back This Execution' are both set");
		expect(bench.emulator.counters().runsCreatedTotal).toBe(before);
	});

	it('fails only the item whose Webhook URL is not a URL', async () => {
		const group = await newGroup(bench.emulator);
		const run = await bench.run(
			addRuns(group, { webhookUrl: '={{ $json.hook }}' }),
			[
				{ q: 'Acme', hook: 'example.com/hook' },
				{ q: 'Beta', hook: 'https://example.com/hook' },
			],
			{ onError: 'continueErrorOutput' },
		);
		expect(run.errorItems[0].json.error).toBe(
			"Item 0: 'Webhook URL' is not an http(s) URL ('example.com/hook')",
		);
		expect(run.items.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
	});
});

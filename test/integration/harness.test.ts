/* eslint-disable @n8n/community-nodes/no-restricted-imports -- tests run in Node, not in n8n */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { getTaskGroup } from '../../nodes/shared/api';
import { TransportProbe } from '../harness/probeNode';
import { runNode } from '../harness/workflow';

test('a request goes through n8n-core with the credential header', async () => {
	const seen: Array<{ url?: string; key?: string | string[] }> = [];
	const server = createServer((req, res) => {
		seen.push({ url: req.url, key: req.headers['x-api-key'] });
		res.setHeader('content-type', 'application/json');
		res.end(JSON.stringify({ taskgroup_id: 'tgrp_1', status: {}, created_at: null }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	TransportProbe.script = async (client) => await getTaskGroup(client, 'tgrp_1');
	const run = await runNode({
		nodeType: new TransportProbe(),
		parameters: {},
		items: [{}],
		credentials: { apiKey: 'secret-key', baseUrl: `http://127.0.0.1:${port}/` },
	});
	server.close();
	expect(run.error).toBeUndefined();
	expect(run.items[0].json).toEqual({
		result: { taskgroup_id: 'tgrp_1', status: {}, created_at: null },
	});
	expect(seen).toEqual([{ url: '/v1/tasks/groups/tgrp_1', key: 'secret-key' }]);
});

import type { INode } from 'n8n-workflow';

import {
	apiErrorFromResponse,
	networkError,
	parseErrorBody,
} from '../../nodes/shared/transport/errors';

const node: INode = {
	id: '1',
	name: 'Parallel',
	type: 'n8n-nodes-parallel-task-group.parallelTaskGroup',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const ECHOED_KEY = ['test', 'key', 'echoed', 'back'].join('-');

function everything(error: Error): string {
	return JSON.stringify({
		...error,
		message: error.message,
		description: (error as { description?: string }).description,
	});
}

describe('error bodies', () => {
	it('reads the ErrorResponse shape with type and ref_id', () => {
		expect(
			parseErrorBody({
				type: 'error',
				error: { ref_id: 'abc', message: 'TaskGroup not found', detail: {} },
			}),
		).toEqual({ message: 'TaskGroup not found', refId: 'abc', fieldErrors: [] });
	});

	it('reads the docs shape without type and ref_id', () => {
		expect(parseErrorBody({ error: { message: 'Payment required', detail: { need: 1 } } })).toEqual(
			{
				message: 'Payment required',
				refId: undefined,
				fieldErrors: [],
			},
		);
	});

	it('reads FastAPI validation errors with field locations', () => {
		const parsed = parseErrorBody({
			detail: [
				{ loc: ['body', 'inputs', 3, 'processor'], msg: 'Field required', type: 'missing' },
				{ loc: ['query', 'refresh_status'], msg: 'Input should be a valid boolean', type: 'bool' },
			],
		});
		expect(parsed.fieldErrors).toEqual([
			'inputs.3.processor: Field required',
			'refresh_status: Input should be a valid boolean',
		]);
	});

	it('reads a JSON string, plain text and an HTML page from a proxy', () => {
		expect(parseErrorBody('{"error":{"message":"x"}}').message).toBe('x');
		expect(parseErrorBody('upstream connect error').message).toBe('upstream connect error');
		expect(parseErrorBody('<html>\n<body>502   Bad Gateway</body></html>').message).toBe(
			'<html> <body>502 Bad Gateway</body></html>',
		);
	});
});

describe('NodeApiError mapping', () => {
	it.each([
		[401, /API Key/],
		[402, /credit/],
		[403, /Processor/],
		[404, /task group 'tgrp_x'/],
		[422, /inputs\.0\.input: Field required/],
		[429, /2,000 task requests per minute/],
		[503, /temporary/],
	])('%i says how to fix it', (status, fix) => {
		const error = apiErrorFromResponse(node, {
			status,
			body:
				status === 422
					? { detail: [{ loc: ['body', 'inputs', 0, 'input'], msg: 'Field required' }] }
					: { type: 'error', error: { ref_id: 'ref-1', message: 'Something', detail: null } },
			subject: { taskGroupId: 'tgrp_x', itemIndex: 2 },
		});
		expect(error.httpCode).toBe(String(status));
		expect(error.description).toMatch(fix);
		expect(error.context.itemIndex).toBe(2);
	});

	it('keeps Parallel message and ref_id', () => {
		const error = apiErrorFromResponse(node, {
			status: 404,
			body: { type: 'error', error: { ref_id: 'fcb2b4f3', message: 'TaskGroup not found' } },
			subject: { taskGroupId: 'tgrp_1' },
		});
		expect(error.message).toBe(
			'Parallel could not find the requested resource: TaskGroup not found',
		);
		expect(error.description).toContain('ref_id fcb2b4f3');
	});

	it('never carries the API key, even when the server echoes it', () => {
		const error = apiErrorFromResponse(node, {
			status: 401,
			body: {
				error: {
					message: `Invalid key ${ECHOED_KEY}`,
					detail: { errors: [{ loc: ['header', ECHOED_KEY], msg: ECHOED_KEY }] },
				},
			},
			secret: ECHOED_KEY,
		});
		expect(everything(error)).not.toContain(ECHOED_KEY);
		expect(error.message).toContain('***');
	});

	it('never carries an MCP header value the request sent, even when the server echoes it', () => {
		const header = 'Bearer mcp-token-9f8e7d';
		const error = apiErrorFromResponse(node, {
			status: 422,
			body: {
				error: {
					message: `Bad MCP server headers {"Authorization": "${header}"}`,
					detail: { errors: [{ loc: ['body', 'inputs', 0, 'mcp_servers'], msg: header }] },
				},
			},
			secret: [ECHOED_KEY, header],
		});
		expect(everything(error)).not.toContain('mcp-token-9f8e7d');
		expect(error.message).toContain('***');
	});

	it('describes a request that got no answer', () => {
		const error = networkError(node, 'ECONNREFUSED', 'http://127.0.0.1:9');
		expect(error.message).toBe('Could not reach Parallel at http://127.0.0.1:9');
		expect(error.description).toMatch(/ECONNREFUSED\. Check the Base URL/);
	});
});

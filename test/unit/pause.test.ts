import { parseCallback } from '../../nodes/ParallelTaskGroup/helpers/pauseDecision';
import { isPrivateHost, runWebhook } from '../../nodes/ParallelTaskGroup/helpers/pauseMode';
import { checkSignature } from '../../nodes/ParallelTaskGroup/helpers/pauseSignature';
import { signature } from '../emulator/webhooks';

describe('isPrivateHost', () => {
	it.each([
		'localhost',
		'n8n.localhost',
		'127.0.0.1',
		'10.1.2.3',
		'172.16.0.1',
		'172.31.255.255',
		'192.168.1.10',
		'169.254.169.254',
		'100.64.0.1',
		'0.0.0.0',
		'[::1]',
		'fd12:3456::1',
		'fe80::1',
		'n8n',
		'box.local',
		'n8n.internal',
	])('%s is private', (host) => expect(isPrivateHost(host)).toBe(true));

	it.each(['api.parallel.ai', 'n8n.example.com', '8.8.8.8', '172.32.0.1', '2001:db8::1'])(
		'%s is public',
		(host) => expect(isPrivateHost(host)).toBe(false),
	);
});

describe('runWebhook', () => {
	it('appends the path before the query, keeping the 2.x token, with the group', () => {
		expect(
			runWebhook('https://n8n.example.com/webhook-waiting/42?signature=abc', 'tgrp_1').url,
		).toBe(
			'https://n8n.example.com/webhook-waiting/42/parallel-run-status?signature=abc&taskgroup=tgrp_1',
		);
		expect(runWebhook('http://127.0.0.1:5678/webhook-waiting/7', 'tgrp_2')).toEqual({
			url: 'http://127.0.0.1:5678/webhook-waiting/7/parallel-run-status?taskgroup=tgrp_2',
			event_types: ['task_run.status'],
		});
	});
});

describe('checkSignature (Standard Webhooks)', () => {
	const body = '{"type":"task_run.status","data":{"run_id":"trun_1"}}';
	const now = 1_760_000_000;
	const headers = (secret: string, id = 'whevent_1', at = now) => ({
		'webhook-id': id,
		'webhook-timestamp': String(at),
		'webhook-signature': signature(secret, id, at, body),
	});
	const whsec = `whsec_${Buffer.from('a secret of 24 bytes....').toString('base64')}`;

	it('accepts a whsec_ secret (base64 key) and a plain secret (its bytes)', () => {
		expect(
			checkSignature(whsec, { headers: headers(whsec), rawBody: Buffer.from(body) }, now),
		).toEqual({ ok: true });
		expect(
			checkSignature('plain-secret', { headers: headers('plain-secret'), rawBody: body }, now),
		).toEqual({ ok: true });
	});

	it('accepts any of several signatures (secret rotation)', () => {
		const signed = headers(whsec);
		signed['webhook-signature'] = `v1,AAAA ${signed['webhook-signature']}`;
		expect(checkSignature(whsec, { headers: signed, rawBody: body }, now).ok).toBe(true);
	});

	it('refuses another secret, a changed body, a stale timestamp and missing headers', () => {
		expect(checkSignature(whsec, { headers: headers('other'), rawBody: body }, now)).toEqual({
			ok: false,
			reason: 'no signature matches the webhook secret',
		});
		expect(checkSignature(whsec, { headers: headers(whsec), rawBody: `${body} ` }, now).ok).toBe(
			false,
		);
		expect(
			checkSignature(whsec, { headers: headers(whsec, 'id', now - 301), rawBody: body }, now),
		).toEqual({
			ok: false,
			reason: 'webhook-timestamp is too far from now',
		});
		expect(checkSignature(whsec, { headers: {}, rawBody: body }, now)).toEqual({
			ok: false,
			reason: 'signature headers missing',
		});
		expect(checkSignature(whsec, { headers: headers(whsec) }, now).ok).toBe(false);
	});
});

describe('parseCallback', () => {
	it('reads the group from the query and the run from the payload, tolerating junk', () => {
		expect(
			parseCallback(
				{
					type: 'task_run.status',
					timestamp: 'x',
					data: { run_id: 'trun_1', status: 'completed' },
				},
				{ taskgroup: 'tgrp_1' },
			),
		).toEqual({
			taskGroupId: 'tgrp_1',
			type: 'task_run.status',
			runId: 'trun_1',
			status: 'completed',
		});
		expect(parseCallback('not json', undefined)).toEqual({
			taskGroupId: '',
			type: undefined,
			runId: undefined,
			status: undefined,
		});
	});
});

/* eslint-disable no-console -- says why the check was skipped */
// The project's contract agrees with Parallel's OpenAPI document: every endpoint, query parameter,
// status, field, enum value and required flag the project relies on. The document is not in the
// repo; without it this one check is skipped and says why, and every other test still runs.
import { disagreements } from './agreement';
import { ENDPOINTS } from './endpoints';
import { readOfficialDocument } from './officialDocument';
import { ProjectContract } from './projectContract';

const official = readOfficialDocument();

describe("the project's contract", () => {
	it('lists every endpoint the package calls, each with a success answer and an error body', () => {
		const names = ENDPOINTS.map((e) => `${e.method} ${e.path}`);
		expect(names).toEqual(
			expect.arrayContaining([
				'POST /tasks/groups',
				'GET /tasks/groups/{taskgroup_id}',
				'POST /tasks/groups/{taskgroup_id}/runs',
				'GET /tasks/groups/{taskgroup_id}/runs',
				'GET /tasks/groups/{taskgroup_id}/events',
				'GET /tasks/runs/{run_id}',
				'GET /tasks/runs/{run_id}/input',
				'GET /tasks/runs/{run_id}/result',
				'GET /monitors',
			]),
		);
		for (const endpoint of ENDPOINTS) {
			const statuses = Object.keys(endpoint.responses).map(Number);
			expect([endpoint.path, statuses.some((s) => s < 300)]).toEqual([endpoint.path, true]);
			expect([endpoint.path, statuses.includes(401)]).toEqual([endpoint.path, true]);
		}
	});

	it('rejects what breaks it: a run without processor, an unknown run status, a stray event type', () => {
		const contract = new ProjectContract();
		expect(() => contract.assertValid('TaskRunInput', { input: 'x' }, 'input')).toThrow(
			/must have required property 'processor'/,
		);
		const run = {
			run_id: 'trun_1',
			interaction_id: 'trun_1',
			status: 'finished',
			is_active: false,
			processor: 'lite',
			created_at: null,
			modified_at: null,
		};
		expect(() => contract.checkJson('GET', '/v1/tasks/runs/trun_1', 200, run)).toThrow(/status/);
		expect(() =>
			contract.checkJson('GET', '/v1/tasks/runs/trun_1', 200, { ...run, status: 'failed' }),
		).not.toThrow();
		expect(() => contract.checkJson('GET', '/v1/tasks/runs/trun_1', 418, {})).toThrow(
			/does not list/,
		);
		expect(() =>
			contract.checkEvents('/v1/tasks/groups/tgrp_1/runs', [
				{ type: 'task_group_status', event_id: '1', status: {} },
			]),
		).toThrow(/carries task_run.state, error/);
	});
});

describe("agreement with Parallel's OpenAPI document", () => {
	if (!official.found) {
		console.log(
			`SKIPPED: the agreement check with Parallel's OpenAPI document. ${official.reason}`,
		);
		it.skip(`agrees with Parallel's OpenAPI document (skipped: ${official.reason})`, () =>
			undefined);
		return;
	}

	it(`agrees with Parallel's OpenAPI document (${official.file})`, () => {
		expect(disagreements(official.document)).toEqual([]);
	});

	it('notices a disagreement: a renamed field, a new enum value, a dropped required flag, a missing path', () => {
		const changed = JSON.parse(JSON.stringify(official.document));
		const schemas = changed.components.schemas;
		schemas.TaskGroupRunResponse.properties.run_id_list =
			schemas.TaskGroupRunResponse.properties.run_ids;
		delete schemas.TaskGroupRunResponse.properties.run_ids;
		schemas.TaskRun.properties.status.enum?.push('paused');
		schemas.TaskGroupStatus.required = schemas.TaskGroupStatus.required.filter(
			(name: string) => name !== 'is_active',
		);
		delete changed.paths['/v1beta/tasks/groups/{taskgroup_id}/events'];
		const problems = disagreements(changed).join('\n');
		expect(problems).toContain('.run_ids: the project declares it; the document does not have it');
		expect(problems).toContain('.is_active: required in the project, optional in the document');
		expect(problems).toContain(
			'GET /v1beta/tasks/groups/{taskgroup_id}/events: not in the document',
		);
		expect(problems).toMatch(/\.status: values .*"paused"/);
	});
});

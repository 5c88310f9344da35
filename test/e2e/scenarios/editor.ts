/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- e2e harness runs in Node, not in n8n */
// The editor of the running n8n in Chromium, as a user meets the package: search "Parallel" in
// the nodes panel, add the trigger and look at its parameters, add the action node, go through
// its operations, its processor list and its output schema fields, and check the credential
// selector. What must be listed is read from the built node descriptions (dist/), so the check
// follows the nodes' wording; screenshots go to docs/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Locator, Page } from 'playwright-core';

import { openBrowser, signIn } from '../harness/browser';
import { EMULATOR_CREDENTIAL } from '../harness/credentials';
import { expectEqual, expectTrue } from '../harness/expect';
import { figure, log } from '../harness/log';
import { DOCS_DIR } from '../harness/paths';
import { waitFor } from '../harness/poll';
import type { MajorContext } from '../harness/suite';
import { exampleFiles, loadExample } from '../harness/workflows';
import type { WorkflowJson } from '../harness/workflows';
import { nodeDescriptions } from './nodeDescriptions';
import type { OptionInfo } from './nodeDescriptions';

const SCREENSHOTS = join(DOCS_DIR, 'screenshots');

/** The examples exactly as published; run.ts imports them into the n8n 2.x instance. */
export function exampleWorkflows(): Array<{ file: string; workflow: WorkflowJson }> {
	return exampleFiles().map((file) => ({
		file: file.replace(/\.json$/, ''),
		workflow: loadExample(file),
	}));
}

async function screenshot(page: Page, name: string): Promise<string> {
	mkdirSync(SCREENSHOTS, { recursive: true });
	const file = join(SCREENSHOTS, `${name}.png`);
	await page.screenshot({ path: file, animations: 'disabled' });
	return `docs/screenshots/${name}.png`;
}

const ndv = (page: Page) => page.locator('[data-test-id="ndv"]');

function parameter(page: Page, name: string): Locator {
	return ndv(page).locator(`[data-test-id="parameter-input-${name}"]`).first();
}

/** The names of the parameters the node details view shows right now (one page evaluation). */
async function visibleParameterNames(page: Page): Promise<string[]> {
	const names = await ndv(page)
		.locator('[data-test-id^="parameter-input-"]')
		.evaluateAll((elements) =>
			elements
				.filter((element) => (element as { offsetParent: unknown }).offsetParent !== null)
				.map((element) => element.getAttribute('data-test-id') ?? ''),
		);
	return [...new Set(names.map((id) => id.slice('parameter-input-'.length)))];
}

const OPEN_LIST = '.el-popper[aria-hidden="false"] [role="listbox"]';
const LIST_ITEM = '[role="option"], .el-select-dropdown__item';

/** The dropdown list that is open now. */
async function openList(page: Page): Promise<Locator> {
	const list = page.locator(OPEN_LIST).last();
	await list.waitFor();
	return list;
}

/** Option labels of a list: an option's headline when a description sits under it. */
async function rawLabels(list: Locator): Promise<string[]> {
	return await list.locator(LIST_ITEM).evaluateAll((items) =>
		items.map((item) => {
			const headline = item.querySelector('.option-headline') ?? item;
			return ((headline as { innerText?: string }).innerText ?? '').split('\n')[0].trim();
		}),
	);
}

async function listLabels(list: Locator): Promise<string[]> {
	return (await rawLabels(list)).filter(Boolean);
}

async function pickFromList(page: Page, list: Locator, label: string): Promise<void> {
	const labels = await rawLabels(list);
	const index = labels.indexOf(label);
	if (index < 0) throw new Error(`No option '${label}' in the open list (${labels.join(', ')})`);
	await list.locator(LIST_ITEM).nth(index).click();
	await waitForListsClosed(page);
}

async function waitForListsClosed(page: Page): Promise<void> {
	await waitFor(
		'the dropdown to close',
		async () => (await page.locator(OPEN_LIST).count()) === 0,
		{
			timeoutMs: 10_000,
			intervalMs: 50,
		},
	);
}

async function closeList(page: Page): Promise<void> {
	await page.keyboard.press('Escape');
	await waitForListsClosed(page);
}

/** Opens a select parameter's dropdown and returns the option labels it lists. */
async function dropdownOptions(page: Page, name: string): Promise<string[]> {
	await parameter(page, name).click();
	return await listLabels(await openList(page));
}

async function chooseOption(page: Page, name: string, label: string): Promise<void> {
	await parameter(page, name).click();
	await pickFromList(page, await openList(page), label);
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function expectIncludesAll(actual: string[], expected: string[], what: string): void {
	const missing = expected.filter((entry) => !actual.includes(entry));
	expectEqual(missing, [], `${what} missing from the editor (it showed ${actual.join(', ')})`);
}

async function searchNodesPanel(page: Page, text: string): Promise<void> {
	const search = page.locator(
		'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]',
	);
	await search.first().fill(text);
}

function creatorItem(page: Page, text: string): Locator {
	return page
		.locator('[data-test-id="node-creator"] [data-test-id="node-creator-item-name"]')
		.filter({ hasText: new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`) })
		.first();
}

async function creatorItemNames(page: Page): Promise<string[]> {
	const texts = await page
		.locator('[data-test-id="node-creator"] [data-test-id="node-creator-item-name"]')
		.allInnerTexts();
	return texts.map((text) => text.trim());
}

export async function editorScenario(ctx: MajorContext): Promise<void> {
	const described = nodeDescriptions();
	const browser = await openBrowser(ctx.registry);
	const shots: string[] = [];
	try {
		const { page } = browser;
		await signIn(page, ctx.instance.url, ctx.owner.email, ctx.owner.password);
		shots.push(...(await checkExamples(page)));
		shots.push(await researchToolParameters(page));
		await page.goto(`${ctx.instance.url}/workflow/new`);
		await page.locator('[data-test-id="canvas-plus-button"]').click();

		// The nodes panel finds the package by "Parallel".
		await searchNodesPanel(page, 'Parallel');
		await creatorItem(page, described.panelName).waitFor();
		shots.push(await screenshot(page, 'nodes-panel-search'));
		await creatorItem(page, described.panelName).click();
		for (const event of described.triggerEvents) await creatorItem(page, event).waitFor();
		shots.push(await screenshot(page, 'nodes-panel-parallel'));

		// The trigger: its parameters and the credential selector.
		await creatorItem(page, described.runCompletedEvent).click();
		await ndv(page).waitFor();
		const triggerParameters = await visibleParameterNames(page);
		expectIncludesAll(triggerParameters, ['taskGroupId', 'events'], 'trigger parameters');
		await selectCredential(page);
		await ndv(page)
			.locator('[data-test-id="collection-parameter-add"], button:has-text("Add option")')
			.first()
			.click();
		const triggerOptions = await listLabels(await openList(page));
		expectIncludesAll(triggerOptions, described.triggerOptions, 'trigger options');
		shots.push(await screenshot(page, 'trigger-options'));
		await closeList(page);
		shots.push(await screenshot(page, 'trigger-parameters'));
		await closeNdv(page);

		// The action node, added after the trigger: its actions in the panel.
		await page.locator('[data-test-id="canvas-handle-plus"]').first().click();
		await searchNodesPanel(page, 'Parallel');
		await creatorItem(page, described.panelName).click();
		const actions = await creatorItemNames(page);
		expectIncludesAll(actions, described.actions, 'actions of the node');
		shots.push(await screenshot(page, 'nodes-panel-actions'));
		await creatorItem(page, described.enrichAction).click();
		await ndv(page).waitFor();
		await selectCredential(page);
		shots.push(await screenshot(page, 'enrich-parameters'));

		// Operations of each resource, and what each one asks for.
		const seen: string[] = [];
		for (const resource of described.resources) {
			await chooseOption(page, 'resource', resource.name);
			const operations = await dropdownOptions(page, 'operation');
			await closeList(page);
			expectIncludesAll(
				operations,
				resource.operations.map((op) => op.name),
				`${resource.name} operations`,
			);
			for (const operation of resource.operations) {
				await chooseOption(page, 'operation', operation.name);
				const shown = await visibleParameterNames(page);
				expectIncludesAll(
					shown,
					operation.parameters,
					`parameters of ${resource.name} > ${operation.name}`,
				);
				seen.push(`${resource.name} > ${operation.name}: ${shown.length} parameters`);
			}
		}

		// Enrich: the processor list and the output schema fields.
		await chooseOption(page, 'resource', described.resources[0].name);
		await chooseOption(page, 'operation', described.enrichOperation);
		const processors = await dropdownOptions(page, 'processor');
		expectIncludesAll(
			processors,
			described.processors.map((option: OptionInfo) => option.name),
			'processors',
		);
		shots.push(await screenshot(page, 'processor-list'));
		await closeList(page);
		const schemaTypes = await dropdownOptions(page, 'outputSchemaType');
		await closeList(page);
		expectIncludesAll(
			schemaTypes,
			described.schemaTypes.map((option) => option.name),
			'output schema types',
		);
		for (const schemaType of described.schemaTypes) {
			await chooseOption(page, 'outputSchemaType', schemaType.name);
			const shown = await visibleParameterNames(page);
			expectIncludesAll(
				shown,
				schemaType.parameters,
				`fields for output schema type ${schemaType.name}`,
			);
		}
		await chooseOption(page, 'outputSchemaType', 'JSON Schema');
		shots.push(await screenshot(page, 'json-schema'));

		// The run options for follow-ups, MCP tools and progress, and Task Run > Get Progress.
		await ndv(page)
			.locator('[data-test-id="collection-parameter-add"], button:has-text("Add option")')
			.first()
			.click();
		const runOptions = await listLabels(await openList(page));
		expectIncludesAll(
			runOptions,
			['Previous Interaction ID', 'MCP Servers', 'Enable Progress Events'],
			'run options of Enrich Items',
		);
		shots.push(await screenshot(page, 'enrich-run-options'));
		await closeList(page);
		await chooseOption(page, 'resource', 'Task Run');
		await chooseOption(page, 'operation', 'Get Progress');
		shots.push(await screenshot(page, 'get-progress-parameters'));

		expectEqual(browser.externalRequests, [], 'requests the editor made outside 127.0.0.1');
		figure(
			`editor: ${seen.length} operations checked, ${processors.length} processors listed; ${browser.npmLookups.length} npm registry lookups by the editor answered offline`,
		);
		log(`  screenshots: ${shots.join(', ')}`);
	} catch (error) {
		// What the page showed when a step failed, for whoever reads the run's logs.
		const failed = join(ctx.logDir, `editor-failure-${ctx.build.major}.png`);
		await browser.page.screenshot({ path: failed }).catch(() => undefined);
		log(`  the page at the failure: ${failed}`);
		throw error;
	} finally {
		await browser.close();
	}
}

/**
 * The published examples, as imported: each opens from the workflows list and every node renders
 * on the canvas (an uninstalled or unknown node type would not carry its name).
 */
async function checkExamples(page: Page): Promise<string[]> {
	const shots: string[] = [];
	for (const { file, workflow: example } of exampleWorkflows()) {
		await openExample(page, example);
		const expected = example.nodes
			.filter((node) => node.type !== 'n8n-nodes-base.stickyNote')
			.map((node) => node.name)
			.sort();
		const canvasNodes = page.locator('[data-test-id="canvas-node"][data-node-name]');
		await canvasNodes.first().waitFor();
		const names = await canvasNodes.evaluateAll((elements) =>
			elements.map((element) => element.getAttribute('data-node-name') ?? ''),
		);
		expectEqual(names.sort(), expected, `nodes on the canvas of '${example.name}'`);
		await page.mouse.move(700, 880); // no hover toolbar in the picture
		shots.push(await screenshot(page, `example-${file}`));
		await backToWorkflowList(page);
	}
	return shots;
}

async function openExample(page: Page, example: WorkflowJson): Promise<void> {
	const card = page
		.locator('[data-test-id="resources-list-item-workflow"]')
		.filter({
			has: page.locator('[data-test-id="workflow-card-name"]', { hasText: example.name }),
		})
		.first();
	await card.locator('[data-test-id="workflow-card-name"]').click();
	await page.waitForURL((url) => url.pathname.includes(example.id));
}

/**
 * The research tool of the AI Agent example, opened on the canvas: the parameters a tool node of
 * version 1.1 shows (its own description, the processor, the wait, the basis toggle).
 */
async function researchToolParameters(page: Page): Promise<string> {
	const isResearchTool = (node: WorkflowJson['nodes'][number]) =>
		node.type.endsWith('.parallelTaskGroupTool') && node.parameters.operation === 'enrich';
	const example = exampleWorkflows().find(({ workflow }) => workflow.nodes.some(isResearchTool));
	if (!example) throw new Error('No example uses the Parallel research tool');
	const tool = example.workflow.nodes.find(isResearchTool)!;
	await openExample(page, example.workflow);
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${tool.name}"]`).dblclick();
	await ndv(page).waitFor();
	const shown = await visibleParameterNames(page);
	expectIncludesAll(
		shown,
		['toolDescription', 'processor', 'maxWaitSeconds', 'includeFullBasis'],
		`parameters of the tool '${tool.name}'`,
	);
	expectTrue(!shown.includes('whileWaiting'), `the tool '${tool.name}' offers no pause mode`);
	const shot = await screenshot(page, 'agent-tool-parameters');
	await closeNdv(page);
	await backToWorkflowList(page);
	return shot;
}

/**
 * Back from a workflow to the list. Opening a node can fill in its credential, and n8n then asks
 * whether to save before leaving: the check leaves the published example unchanged.
 */
async function backToWorkflowList(page: Page): Promise<void> {
	await page.goBack();
	const listItem = page.locator('[data-test-id="resources-list-item-workflow"]').first();
	const leave = page.getByRole('button', { name: 'Leave without saving' });
	await listItem.or(leave).first().waitFor();
	if (await leave.isVisible()) await leave.click();
	await listItem.waitFor();
}

async function selectCredential(page: Page): Promise<void> {
	const select = ndv(page).locator('[data-test-id="node-credentials-select"]').first();
	await select.click();
	const list = await openList(page);
	const names = await listLabels(list);
	expectTrue(
		names.includes(EMULATOR_CREDENTIAL.name),
		`the credential selector to list '${EMULATOR_CREDENTIAL.name}' (it lists ${names.join(', ')})`,
	);
	await pickFromList(page, list, EMULATOR_CREDENTIAL.name);
}

async function closeNdv(page: Page): Promise<void> {
	await page.locator('[data-test-id="ndv-close-button"]').first().click();
	await ndv(page).waitFor({ state: 'hidden' });
}

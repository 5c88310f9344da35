/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/require-node-api-error -- e2e harness runs in Node, not in n8n */
// Debian's Chromium driven by playwright-core (no browser download is possible here). The browser
// runs as a Playwright browser server so the harness knows its PID and can tear it down with the
// rest. Every request the page makes is recorded, to prove the editor stayed on the loopback.
import { existsSync } from 'node:fs';

import { chromium } from 'playwright-core';
import type { Browser, BrowserServer, Page } from 'playwright-core';

import type { ProcessRegistry } from './processes';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface EditorBrowser {
	page: Page;
	/** Requests to anything but 127.0.0.1 (and data:/blob: URLs), except the npm lookups below. */
	externalRequests: string[];
	/**
	 * The editor asks registry.npmjs.org about a community package when it shows the package's
	 * node; the harness answers those with a network error (no reliance on the registry) and
	 * counts them here.
	 */
	npmLookups: string[];
	close(): Promise<void>;
}

export async function openBrowser(registry: ProcessRegistry): Promise<EditorBrowser> {
	if (!existsSync(CHROMIUM_PATH))
		throw new Error(
			`No Chromium at ${CHROMIUM_PATH}: install it with 'apt-get install -y chromium' (or set CHROMIUM_PATH)`,
		);
	const server: BrowserServer = await chromium.launchServer({
		executablePath: CHROMIUM_PATH,
		headless: true,
		// Playwright's own handlers would exit the process before the harness tears down n8n and
		// the emulator; the registry kills the browser's process group instead.
		handleSIGINT: false,
		handleSIGTERM: false,
		handleSIGHUP: false,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--disable-dev-shm-usage',
		],
	});
	const pid = server.process().pid;
	if (pid) registry.adopt(pid);
	let browser: Browser | undefined;
	try {
		browser = await chromium.connect(server.wsEndpoint());
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const page = await context.newPage();
		// A bound for each page step, not a speed check: a loaded 2-core machine needs more than 20 s.
		page.setDefaultTimeout(60_000);
		const externalRequests: string[] = [];
		const npmLookups: string[] = [];
		await context.route(/^https:\/\/registry\.npmjs\.org\//, async (route) => {
			npmLookups.push(route.request().url());
			await route.abort('internetdisconnected');
		});
		page.on('request', (request) => {
			const url = request.url();
			if (/^https:\/\/registry\.npmjs\.org\//.test(url)) return;
			if (!/^(https?:\/\/127\.0\.0\.1[:/]|data:|blob:)/.test(url)) externalRequests.push(url);
		});
		const connected = browser;
		return {
			page,
			externalRequests,
			npmLookups,
			async close() {
				await connected.close().catch(() => undefined);
				await server.close().catch(() => undefined);
			},
		};
	} catch (error) {
		await browser?.close().catch(() => undefined);
		await server.close().catch(() => undefined);
		throw error;
	}
}

/** Signs in through the sign-in form, as a user does. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string) {
	await page.goto(`${baseUrl}/signin`);
	await page.locator('#emailOrLdapLoginId, input[name="email"]').first().fill(email);
	await page.locator('input[type="password"]').first().fill(password);
	await page.locator('[data-test-id="form-submit-button"]').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
}

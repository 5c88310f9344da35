/** Where the credential lets the API key go: its Base URL's origin, and nowhere else. */

export const DEFAULT_BASE_URL = 'https://api.parallel.ai';

export type Endpoint =
	| { ok: true; baseUrl: string; origin: string }
	| { ok: false; message: string; description: string };

/** localhost, *.localhost, 127.0.0.0/8 and ::1: traffic that never leaves this machine. */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
	if (host === 'localhost' || host.endsWith('.localhost')) return true;
	if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
	return /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The credential's Base URL, checked: an http(s) URL, and https unless the host is this machine
 * or the user allowed plain http explicitly (the key would cross the network unencrypted).
 */
export function endpointOf(rawBaseUrl: unknown, allowHttp: unknown): Endpoint {
	const baseUrl = (String(rawBaseUrl ?? '').trim() || DEFAULT_BASE_URL).replace(/\/+$/, '');
	let url: URL;
	try {
		url = new URL(baseUrl);
	} catch {
		return {
			ok: false,
			message: `The Base URL in the Parallel Task Group API credential is not a URL ('${baseUrl}')`,
			description: `Use ${DEFAULT_BASE_URL}, or the full address of your proxy, e.g. https://proxy.example.com.`,
		};
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return {
			ok: false,
			message: `The Base URL in the Parallel Task Group API credential must start with https:// ('${baseUrl}')`,
			description: `Use ${DEFAULT_BASE_URL}, or the https:// address of your proxy.`,
		};
	}
	if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && allowHttp !== true) {
		return {
			ok: false,
			message: `The Base URL in the Parallel Task Group API credential uses plain http:// to ${url.host}`,
			description:
				"The API key would cross the network unencrypted. Use https://, or, only for a proxy on a network you trust, turn on 'Allow Plain HTTP' in the credential.",
		};
	}
	return { ok: true, baseUrl, origin: url.origin };
}

/** The origin of a request's URL (resolved against `baseURL` when relative), or undefined. */
export function originOf(url: string | undefined, baseURL?: string): string | undefined {
	try {
		return new URL(url ?? '', baseURL).origin;
	} catch {
		return undefined;
	}
}

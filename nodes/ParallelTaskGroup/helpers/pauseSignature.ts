import { base64, hmac, sha256 } from '../../shared/vendor/webhookCrypto';

/** Standard Webhooks: a signature older or newer than this is refused (replay protection). */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export interface SignedRequest {
	headers: Record<string, unknown>;
	/** The body exactly as received: a signature covers bytes, not re-serialized JSON. */
	rawBody?: Uint8Array | string;
}

const encoder = new TextEncoder();

function header(headers: Record<string, unknown>, name: string): string {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return String(Array.isArray(value) ? value[0] : (value ?? '')).trim();
}

function decodeBase64(text: string): Uint8Array | undefined {
	try {
		const padded = text + '='.repeat((4 - (text.length % 4)) % 4);
		return base64.decode(padded);
	} catch {
		return undefined;
	}
}

/**
 * The HMAC keys a secret may stand for. Standard Webhooks secrets look like `whsec_<base64>` and
 * the key is the decoded bytes. Parallel's docs do not say which form its dashboard shows, so a
 * secret without the prefix is tried as its own bytes and, when it is valid base64, decoded.
 */
function candidateKeys(secret: string): Uint8Array[] {
	const trimmed = secret.trim();
	if (trimmed.startsWith('whsec_')) {
		const key = decodeBase64(trimmed.slice('whsec_'.length));
		return key?.length ? [key] : [];
	}
	const keys: Uint8Array[] = [encoder.encode(trimmed)];
	const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? decodeBase64(trimmed) : undefined;
	if (decoded?.length) keys.push(decoded);
	return keys;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	let difference = 0;
	for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
	return difference === 0;
}

/**
 * Checks a Standard Webhooks signature: `webhook-signature` holds one or more space-separated
 * `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">` entries; one must match.
 */
export function checkSignature(
	secret: string,
	request: SignedRequest,
	nowSeconds: number,
): SignatureCheck {
	const id = header(request.headers, 'webhook-id');
	const timestamp = header(request.headers, 'webhook-timestamp');
	const signatures = header(request.headers, 'webhook-signature');
	if (!id || !timestamp || !signatures) return { ok: false, reason: 'signature headers missing' };
	const seconds = Number(timestamp);
	if (!Number.isInteger(seconds)) return { ok: false, reason: 'webhook-timestamp is not a number' };
	if (Math.abs(nowSeconds - seconds) > SIGNATURE_TOLERANCE_SECONDS) {
		return { ok: false, reason: 'webhook-timestamp is too far from now' };
	}
	if (request.rawBody === undefined) return { ok: false, reason: 'the raw body is not available' };
	const body =
		typeof request.rawBody === 'string' ? encoder.encode(request.rawBody) : request.rawBody;
	const prefix = encoder.encode(`${id}.${timestamp}.`);
	const signed = new Uint8Array(prefix.length + body.length);
	signed.set(prefix);
	signed.set(body, prefix.length);

	const keys = candidateKeys(secret);
	if (!keys.length) return { ok: false, reason: 'the webhook secret is not valid base64' };
	const expected = keys.map((key) => hmac(sha256, Uint8Array.from(key), signed));
	for (const entry of signatures.split(/\s+/)) {
		const [version, value] = entry.split(',', 2);
		if (version !== 'v1' || !value) continue;
		const given = decodeBase64(value);
		if (given && expected.some((mac) => sameBytes(mac, given))) return { ok: true };
	}
	return { ok: false, reason: 'no signature matches the webhook secret' };
}

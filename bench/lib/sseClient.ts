import { API_KEY } from './emulatorProcess';
import type { Json } from './plainApi';

/**
 * A minimal SSE reader over fetch for the baselines: calls `onEvent` with each `data:` line's
 * JSON as soon as its line is complete, and resolves when the server ends the stream.
 */
export async function readEvents(url: string, onEvent: (event: Json) => void): Promise<void> {
	const response = await fetch(url, {
		headers: { 'x-api-key': API_KEY, accept: 'text/event-stream' },
	});
	if (!response.ok || !response.body) throw new Error(`${url}: ${response.status}`);
	const decoder = new TextDecoder();
	let rest = '';
	for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
		const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
		rest = lines.pop() ?? '';
		for (const line of lines)
			if (line.startsWith('data: ')) onEvent(JSON.parse(line.slice(6)) as Json);
	}
}

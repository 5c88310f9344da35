/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console -- test infrastructure runs in Node, not in n8n */
// `npm run emulator -- [--port N] [--speed X] [--latency MS] [--api-key K]`
// (or PARALLEL_EMULATOR_PORT / _SPEED / _LATENCY_MS / _API_KEY).
import { DEFAULT_API_KEY, startEmulator } from './index';

function argValue(name: string): string | undefined {
	const args = process.argv.slice(2);
	const index = args.indexOf(`--${name}`);
	if (index >= 0) return args[index + 1];
	const inline = args.find((arg) => arg.startsWith(`--${name}=`));
	return inline?.slice(name.length + 3);
}

function numberSetting(flag: string, envName: string, fallback: number): number {
	const raw = argValue(flag) ?? process.env[envName];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < 0) {
		console.error(`Invalid --${flag} / ${envName}: ${raw}`);
		process.exit(2);
	}
	return value;
}

async function main(): Promise<void> {
	const apiKey = argValue('api-key') ?? process.env.PARALLEL_EMULATOR_API_KEY ?? DEFAULT_API_KEY;
	const emulator = await startEmulator({
		port: numberSetting('port', 'PARALLEL_EMULATOR_PORT', 0),
		speed: numberSetting('speed', 'PARALLEL_EMULATOR_SPEED', 0.05) || 0.05,
		latencyMs: numberSetting('latency', 'PARALLEL_EMULATOR_LATENCY_MS', 0),
		apiKeys: [apiKey],
	});
	console.log(`Parallel emulator listening on ${emulator.url} (API key: ${apiKey})`);
	let closing = false;
	const shutdown = () => {
		if (closing) return;
		closing = true;
		emulator.close().then(
			() => process.exit(0),
			(error: Error) => {
				console.error(error);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

main().catch((error: Error) => {
	console.error(`Parallel emulator failed to start: ${error.message}`);
	process.exit(1);
});

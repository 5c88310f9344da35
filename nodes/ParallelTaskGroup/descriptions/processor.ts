import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

// Latency and price per Parallel's docs (choose-a-processor, pricing); -fast variants cost the same
// and answer sooner with fresher-but-shallower research.
const TIERS = [
	{
		value: 'lite',
		name: 'Lite',
		latency: '10 s-60 s',
		price: 5,
		use: 'simple lookups, basic metadata',
	},
	{
		value: 'base',
		name: 'Base',
		latency: '15 s-100 s',
		price: 10,
		use: 'reliable standard enrichment',
	},
	{
		value: 'core',
		name: 'Core',
		latency: '1-5 min',
		price: 25,
		use: 'cross-referenced, moderately complex outputs',
	},
	{
		value: 'core2x',
		name: 'Core2x',
		latency: '1-10 min',
		price: 50,
		use: 'high-complexity cross-referenced outputs',
	},
	{ value: 'pro', name: 'Pro', latency: '2-10 min', price: 100, use: 'exploratory web research' },
	{
		value: 'ultra',
		name: 'Ultra',
		latency: '5-25 min',
		price: 300,
		use: 'advanced multi-source deep research',
	},
	{
		value: 'ultra2x',
		name: 'Ultra2x',
		latency: '5-50 min',
		price: 600,
		use: 'difficult deep research',
	},
	{
		value: 'ultra4x',
		name: 'Ultra4x',
		latency: '5-90 min',
		price: 1200,
		use: 'very difficult deep research',
	},
	{
		value: 'ultra8x',
		name: 'Ultra8x',
		latency: '5 min-2 h',
		price: 2400,
		use: 'the most difficult deep research',
	},
] as const;

export const PROCESSOR_NAMES: string[] = TIERS.flatMap((tier) => [
	tier.value,
	`${tier.value}-fast`,
]);

export function isKnownProcessor(name: string): boolean {
	return PROCESSOR_NAMES.includes(name);
}

const options: INodePropertyOptions[] = TIERS.flatMap((tier) => [
	{
		name: tier.name,
		value: tier.value,
		description: `${tier.latency}, about $${tier.price} per 1,000 runs: ${tier.use}`,
	},
	{
		name: `${tier.name} Fast`,
		value: `${tier.value}-fast`,
		description: `Faster than ${tier.name}, same price ($${tier.price} per 1,000 runs)`,
	},
]).sort((a, b) => a.name.localeCompare(b.name));

export const processorProperty = (operations: string[]): INodeProperties => ({
	displayName: 'Processor',
	name: 'processor',
	type: 'options',
	options,
	default: 'core',
	description:
		'How deep Parallel researches each item. Slower processors cost more. On n8n Cloud, prefer lite, base or core with Enrich; use Add Runs and the trigger for pro and above.',
	displayOptions: { show: { resource: ['taskGroup'], operation: operations } },
});

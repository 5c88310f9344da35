import type { IExecuteFunctions, NodeParameterValueType } from 'n8n-workflow';

function containsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(containsExpression);
	if (value && typeof value === 'object') return Object.values(value).some(containsExpression);
	return false;
}

function rawValue(parameters: unknown, path: string): unknown {
	let current = parameters;
	for (const part of path.split('.')) {
		if (!current || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}

/**
 * Reads node parameters per item, but resolves a parameter without any expression only once:
 * with 10,000 items, evaluating constant parameters per item would dominate Add Runs.
 */
export class ParameterReader {
	private readonly constants = new Map<string, unknown>();

	private readonly derivedConstants = new Map<string, unknown>();

	private readonly filledIn = new Map<string, boolean>();

	/** The raw parameters, read once: n8n's getNode() deep-copies the whole node at every call. */
	private readonly raw: unknown;

	constructor(private readonly context: IExecuteFunctions) {
		this.raw = context.getNode().parameters;
	}

	get<T = NodeParameterValueType>(name: string, itemIndex: number, fallback?: T): T {
		if (this.constants.has(name)) return this.constants.get(name) as T;
		const value = this.context.getNodeParameter(name, itemIndex, fallback) as T;
		if (!containsExpression(rawValue(this.raw, name))) {
			this.constants.set(name, value);
		}
		return value;
	}

	/**
	 * What `compute` makes of some parameters: computed once when none of `names` holds an
	 * expression (a schema parsed and checked once for 10,000 items), else for every item.
	 */
	derive<T>(key: string, names: string[], compute: () => T): T {
		if (this.derivedConstants.has(key)) return this.derivedConstants.get(key) as T;
		const value = compute();
		if (names.every((name) => !containsExpression(rawValue(this.raw, name)))) {
			this.derivedConstants.set(key, value);
		}
		return value;
	}

	/** Whether the parameter is filled in (before expressions are resolved). */
	isSet(name: string): boolean {
		let set = this.filledIn.get(name);
		if (set === undefined) {
			const raw = rawValue(this.raw, name);
			set = raw !== undefined && raw !== null && raw !== '' && raw !== '=';
			this.filledIn.set(name, set);
		}
		return set;
	}
}

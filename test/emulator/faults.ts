import type { FaultAction, FaultRule, RouteName } from './types';

const ROUTES: ReadonlyArray<FaultRule['route']> = [
	'createGroup',
	'getGroup',
	'addRuns',
	'runs',
	'events',
	'getRun',
	'result',
	'input',
	'monitors',
	'createRun',
	'runEvents',
	'*',
];
const STREAM_ACTIONS = new Set([
	'dropStream',
	'endStream',
	'stallStream',
	'duplicateEvents',
	'errorEvent',
]);
const ENDING_ACTIONS = new Set([
	'status',
	'statusAfterApply',
	'dropResponse',
	'applyLate',
	'redirect',
]);
const ALL_ACTIONS = new Set([...STREAM_ACTIONS, ...ENDING_ACTIONS, 'latency', 'lagResults']);

type StatusAction = Extract<FaultAction, { type: 'status' }>;
type AfterWorkAction = Extract<FaultAction, { type: 'statusAfterApply' | 'dropResponse' }>;
type LateAction = Extract<FaultAction, { type: 'applyLate' }>;
type RedirectAction = Extract<FaultAction, { type: 'redirect' }>;

/** What the stream faults of one connection ask for; thresholds count every event sent. */
export interface StreamFaults {
	dropAfter?: number;
	endAfter?: number;
	stallAfter?: number;
	/** Keep-alives go on while stalled. */
	stallKeepAlive?: boolean;
	duplicate: boolean;
	errorEvents: Array<{ afterEvents: number; message?: string }>;
}

/** The faults one request gets. */
export interface FaultPlan {
	latencyMs: number;
	/** Results of runs completed less than this long ago are not ready (see `lagResults`). */
	resultLagMs: number;
	/** Answer with this error before doing anything. */
	before?: StatusAction;
	/** Do the work, then answer with this error or drop the connection. */
	after?: AfterWorkAction;
	/** Answer (or drop) at once, and do the work later. */
	late?: LateAction;
	/** Answer with a redirect instead of doing anything. */
	redirect?: RedirectAction;
	stream: StreamFaults;
}

interface RuleState {
	rule: FaultRule;
	seen: number;
	applied: number;
}

export function checkFaultRule(rule: unknown): FaultRule {
	const candidate = rule as FaultRule;
	if (!candidate || typeof candidate !== 'object')
		throw new Error('A fault rule must be an object');
	if (!ROUTES.includes(candidate.route)) throw new Error(`Unknown fault route: ${candidate.route}`);
	if (!candidate.action || !ALL_ACTIONS.has(candidate.action.type)) {
		throw new Error(`Unknown fault action: ${JSON.stringify(candidate.action)}`);
	}
	const { action } = candidate;
	if (action.type === 'applyLate' && !(typeof action.afterMs === 'number' && action.afterMs >= 0)) {
		throw new Error('An applyLate fault needs afterMs >= 0');
	}
	if (action.type === 'lagResults' && !(typeof action.ms === 'number' && action.ms >= 0)) {
		throw new Error('A lagResults fault needs ms >= 0');
	}
	if (
		action.type === 'redirect' &&
		action.status !== undefined &&
		!(action.status >= 300 && action.status < 400)
	) {
		throw new Error('A redirect fault needs a 3xx status');
	}
	return candidate;
}

/**
 * Fault rules, checked in the order added. A rule counts every request that reaches it and
 * matches its route (stream actions only match the two stream routes); it fires on the requests
 * after its `skip` ones, `times` times. The first firing status / statusAfterApply / dropResponse
 * rule ends the check: rules after it do not see that request.
 */
export class FaultBook {
	private rules: RuleState[] = [];

	add(rule: FaultRule): void {
		this.rules.push({ rule: checkFaultRule(rule), seen: 0, applied: 0 });
	}

	clear(): void {
		this.rules = [];
	}

	get size(): number {
		return this.rules.length;
	}

	/**
	 * Picks the faults for one request (about run `runId`, if any); `onInjected` is called once
	 * per non-stream fault used.
	 */
	plan(
		route: RouteName,
		isStreamRoute: boolean,
		onInjected: () => void,
		runId?: string,
	): FaultPlan {
		const plan: FaultPlan = {
			latencyMs: 0,
			resultLagMs: 0,
			stream: { duplicate: false, errorEvents: [] },
		};
		for (const state of this.rules) {
			const { rule } = state;
			if (rule.route !== '*' && rule.route !== route) continue;
			if (rule.runId !== undefined && rule.runId !== runId) continue;
			if (STREAM_ACTIONS.has(rule.action.type) && !isStreamRoute) continue;
			state.seen++;
			const times = rule.times ?? 1;
			if (state.seen <= (rule.skip ?? 0) || (times !== -1 && state.applied >= times)) continue;
			state.applied++;
			const action = rule.action;
			if (!STREAM_ACTIONS.has(action.type)) onInjected();
			switch (action.type) {
				case 'latency':
					plan.latencyMs += action.ms;
					break;
				case 'lagResults':
					plan.resultLagMs = Math.max(plan.resultLagMs, action.ms);
					break;
				case 'status':
					plan.before = action;
					return plan;
				case 'statusAfterApply':
				case 'dropResponse':
					plan.after = action;
					return plan;
				case 'applyLate':
					plan.late = action;
					return plan;
				case 'redirect':
					plan.redirect = action;
					return plan;
				case 'dropStream':
					plan.stream.dropAfter ??= action.afterEvents;
					break;
				case 'endStream':
					plan.stream.endAfter ??= action.afterEvents;
					break;
				case 'stallStream':
					if (plan.stream.stallAfter === undefined) {
						plan.stream.stallAfter = action.afterEvents;
						plan.stream.stallKeepAlive = action.keepAlive === true;
					}
					break;
				case 'duplicateEvents':
					plan.stream.duplicate = true;
					break;
				case 'errorEvent':
					plan.stream.errorEvents.push({
						afterEvents: action.afterEvents,
						message: action.message,
					});
					break;
			}
		}
		return plan;
	}
}

import type { Counters } from './types';

function bump(map: Record<string, number>, key: string, by = 1): void {
	map[key] = (map[key] ?? 0) + by;
}

/** What the emulator has seen and done, for assertions. Open streams are tracked by the caller. */
export class CounterBook {
	private requests: Record<string, number> = {};
	private responses: Record<string, number> = {};
	private runsCreated: Record<string, number> = {};
	private runsCreatedTotal = 0;
	private duplicateInputs: Record<string, number> = {};
	private duplicateInputsTotal = 0;
	private maxOpenStreams = 0;
	private streamsOpened = 0;
	private droppedResponses = 0;
	private injectedFaults = 0;
	private lateWorkDone = 0;
	private betaHeaders: Record<string, Record<string, number>> = {};

	constructor(private readonly openStreams: () => number) {}

	request(route: string): void {
		bump(this.requests, route);
	}

	/** The `parallel-beta` header a request carried ('' = none), per route. */
	beta(route: string, value: string): void {
		bump((this.betaHeaders[route] ??= {}), value);
	}

	response(route: string, status: number): void {
		bump(this.responses, `${route} ${status}`);
	}

	runs(groupId: string | null, created: number, duplicates: number): void {
		this.runsCreatedTotal += created;
		this.duplicateInputsTotal += duplicates;
		if (groupId === null) return;
		bump(this.runsCreated, groupId, created);
		if (duplicates > 0) bump(this.duplicateInputs, groupId, duplicates);
	}

	streamOpened(): void {
		this.streamsOpened++;
		this.maxOpenStreams = Math.max(this.maxOpenStreams, this.openStreams());
	}

	dropped(): void {
		this.droppedResponses++;
	}

	injected(): void {
		this.injectedFaults++;
	}

	lateDone(): void {
		this.lateWorkDone++;
	}

	reset(): void {
		this.requests = {};
		this.responses = {};
		this.runsCreated = {};
		this.runsCreatedTotal = 0;
		this.duplicateInputs = {};
		this.duplicateInputsTotal = 0;
		this.maxOpenStreams = this.openStreams();
		this.streamsOpened = 0;
		this.droppedResponses = 0;
		this.injectedFaults = 0;
		this.lateWorkDone = 0;
		this.betaHeaders = {};
	}

	snapshot(): Omit<Counters, 'redirectTarget'> {
		return {
			requests: { ...this.requests },
			responses: { ...this.responses },
			runsCreated: { ...this.runsCreated },
			runsCreatedTotal: this.runsCreatedTotal,
			duplicateInputs: { ...this.duplicateInputs },
			duplicateInputsTotal: this.duplicateInputsTotal,
			openStreams: this.openStreams(),
			maxOpenStreams: this.maxOpenStreams,
			streamsOpened: this.streamsOpened,
			droppedResponses: this.droppedResponses,
			injectedFaults: this.injectedFaults,
			lateWorkDone: this.lateWorkDone,
			betaHeaders: Object.fromEntries(
				Object.entries(this.betaHeaders).map(([route, values]) => [route, { ...values }]),
			),
		};
	}
}

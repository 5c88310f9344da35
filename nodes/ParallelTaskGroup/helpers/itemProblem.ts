/**
 * Why an item cannot become a run, phrased for the user: `message` names the parameter, and
 * `description` says how to fix it. The caller adds the item and turns it into a
 * NodeOperationError.
 */
export class ItemProblem {
	constructor(
		readonly message: string,
		readonly description: string,
	) {}
}

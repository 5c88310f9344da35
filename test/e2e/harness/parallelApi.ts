// The one Parallel API call the harness makes itself: creating the task group the dispatcher and
// trigger examples share (free: only runs are billed). Works against the emulator and the real API.
export async function createTaskGroup(
	baseUrl: string,
	apiKey: string,
	metadata?: Record<string, string>,
): Promise<string> {
	const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/v1/tasks/groups`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
		body: JSON.stringify(metadata ? { metadata } : {}),
	});
	const text = await response.text();
	if (!response.ok)
		throw new Error(`Creating a task group failed: HTTP ${response.status} ${text.slice(0, 300)}`);
	return (JSON.parse(text) as { taskgroup_id: string }).taskgroup_id;
}

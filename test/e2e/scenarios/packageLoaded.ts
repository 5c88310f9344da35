// n8n loaded the community package from its packages folder: the editor's node and credential
// type lists (what the nodes panel is built from) contain the package's nodes and credential.
import { expectEqual } from '../harness/expect';
import { figure } from '../harness/log';
import { apiOf } from '../harness/suite';
import type { MajorContext } from '../harness/suite';
import { ACTION_NODE_TYPE, CREDENTIAL_TYPE, TRIGGER_NODE_TYPE } from '../harness/workflows';

interface TypeEntry {
	name: string;
	displayName?: string;
}

export async function packageLoaded(ctx: MajorContext): Promise<void> {
	const api = apiOf(ctx);
	const fetchTypes = async (path: string) => {
		const response = await fetch(`${ctx.instance.url}${path}`, {
			headers: { cookie: api.sessionCookie },
		});
		if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
		return (await response.json()) as TypeEntry[];
	};
	const nodes = await fetchTypes('/types/nodes.json');
	const ours = nodes
		.filter((node) => node.name.startsWith('n8n-nodes-parallel-task-group.'))
		.map((node) => node.name)
		.sort();
	expectEqual(
		ours.filter((name) => name === ACTION_NODE_TYPE || name === TRIGGER_NODE_TYPE),
		[ACTION_NODE_TYPE, TRIGGER_NODE_TYPE],
		'the package node types n8n serves to the editor',
	);
	const credentials = await fetchTypes('/types/credentials.json');
	expectEqual(
		credentials.filter((credential) => credential.name === CREDENTIAL_TYPE).length,
		1,
		`credential type ${CREDENTIAL_TYPE} served to the editor`,
	);
	figure(`${ctx.tag} serves ${ours.join(', ')}`);
}

import { WAIT_INDEFINITELY } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { ParallelTaskGroup } from '../../nodes/ParallelTaskGroup/ParallelTaskGroup.node.js';
import { DEFAULT_API_KEY, startEmulator } from '../emulator';
import type { Emulator } from '../emulator';
import { companies } from '../harness/parallel';
import { useForSuite } from '../harness/useForSuite';
import { resumedOutput, WaitingEndpoint } from '../harness/waitingExecution';

const emulator = useForSuite(() => startEmulator({ speed: 0.0005, webhookRetryBaseMs: 50 }));
const n8n1 = useForSuite(() => WaitingEndpoint.start({ claim: 'none' }));

const enrich = (extra: IDataObject = {}) => ({
	resource: 'taskGroup',
	operation: 'enrich',
	whileWaiting: 'pause',
	processor: 'lite',
	outputSchemaType: 'example',
	outputExample: '{"ceo_name": "Jane Doe", "employee_count": 1200}',
	...extra,
});

const credentials = (emu: Emulator) => ({ apiKey: DEFAULT_API_KEY, baseUrl: emu.url });

describe('Enrich Items, Pause the Execution', () => {
	it('parks the execution, then resumes once with every answer in input order', async () => {
		const items = companies(12);
		const execution = n8n1.start(new ParallelTaskGroup(), enrich(), items, credentials(emulator));
		const parked = await execution.parked;
		expect(parked.waitTill).toEqual(WAIT_INDEFINITELY);
		const run = await execution.finished;
		const { items: output, errorItems } = resumedOutput(run);
		expect(execution.resumes).toBe(1);
		expect(errorItems).toHaveLength(0);
		expect(output).toHaveLength(12);
		output.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json).toMatchObject(items[index]);
			expect(item.json.ceo_name).toEqual(expect.stringContaining(`Company ${index + 1}`));
		});
		expect(emulator.counters().runsCreatedTotal).toBe(12);
	});
});

// Rows the stand-in "Read rows" step returns: what a sheet of companies would hold.
import type { Row } from './workflows';

const COMPANIES: Array<[string, string]> = [
	['Acme Robotics', 'acme-robotics.example'],
	['Globex Logistics', 'globex-logistics.example'],
	['Initech Software', 'initech.example'],
	['Umbrella Health', 'umbrella-health.example'],
	['Stark Materials', 'stark-materials.example'],
	['Wayne Foods', 'wayne-foods.example'],
	['Hooli Cloud', 'hooli.example'],
	['Vandelay Imports', 'vandelay.example'],
	['Soylent Nutrition', 'soylent-nutrition.example'],
	['Tyrell Genetics', 'tyrell.example'],
	['Cyberdyne Systems', 'cyberdyne.example'],
	['Wonka Confectionery', 'wonka.example'],
	['Oscorp Energy', 'oscorp.example'],
	['Aperture Labs', 'aperture-labs.example'],
	['Black Mesa Research', 'black-mesa.example'],
	['Pied Piper', 'piedpiper.example'],
	['Dunder Mifflin Paper', 'dundermifflin.example'],
	['Monarch Solutions', 'monarch.example'],
	['Gringotts Finance', 'gringotts.example'],
	['Nakatomi Trading', 'nakatomi.example'],
	['Massive Dynamic', 'massive-dynamic.example'],
	['Prestige Worldwide', 'prestige-worldwide.example'],
	['Bluth Homes', 'bluth-homes.example'],
	['Los Pollos Hermanos', 'lospollos.example'],
	['Sterling Cooper', 'sterling-cooper.example'],
	['Duff Beverages', 'duff.example'],
	['Krusty Foods', 'krusty.example'],
	['Gekko Capital', 'gekko.example'],
	['Virtucon Industries', 'virtucon.example'],
	['Cogswell Cogs', 'cogswell.example'],
];

export interface RowOptions {
	/** Zero-based indexes of rows whose company name makes the emulator fail the run. */
	failing?: number[];
	/** Zero-based indexes of rows already researched (a date in `researched_at`). */
	researched?: number[];
	/** First company to use (to get different companies in a second batch). */
	offset?: number;
}

/** `count` sheet rows, numbered like Google Sheets does (the header is row 1). */
export function companyRows(count: number, options: RowOptions = {}): Row[] {
	if (count + (options.offset ?? 0) > COMPANIES.length)
		throw new Error(`Only ${COMPANIES.length} fixture companies`);
	return Array.from({ length: count }, (_, index) => {
		const [company, domain] = COMPANIES[index + (options.offset ?? 0)];
		return {
			row_number: index + 2 + (options.offset ?? 0),
			// The emulator fails any run whose input contains this marker (test/emulator/README.md).
			company: options.failing?.includes(index) ? `${company} __fail__` : company,
			website: `https://${domain}`,
			researched_at: options.researched?.includes(index) ? '2026-01-05T07:00:00.000Z' : '',
		};
	});
}

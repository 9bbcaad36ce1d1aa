/**
 * `npx tsx bench/sync/measureFloors.ts [samba|openldap]...`: builds (once) and starts the benchmark
 * directories and prints the raw paged search floor and the reader's pass with peak RSS.
 */
import { Attribute, Change, Client } from 'ldapts';
import { incrementalPass, type ReadFigures, rawPagedSearch, readerPass } from './floors.ts';
import { buildOpenLdap100k } from './openLdapDirectory.ts';
import { type BenchDirectory, buildSambaDirectory10k } from './sambaDirectory.ts';

const builders: Record<string, () => Promise<BenchDirectory>> = {
  samba: () => buildSambaDirectory10k(),
  openldap: () => buildOpenLdap100k(),
};

/** Changes the title of the first 100 benchmark people over one connection. */
async function change100(directory: BenchDirectory): Promise<void> {
  const client = new Client({ url: directory.url, timeout: 30_000 });
  try {
    await client.bind(directory.bindDn, directory.bindPassword);
    const { searchEntries } = await client.search(directory.baseDn, {
      filter: '(&(objectClass=user)(employeeID=E*))',
      attributes: ['1.1'],
      sizeLimit: 100,
    });
    await Promise.all(
      // Samba answers the admin beyond sizeLimit: cut here.
      searchEntries.slice(0, 100).map((entry) =>
        client.modify(
          entry.dn,
          new Change({
            operation: 'replace',
            modification: new Attribute({ type: 'title', values: [`Changed ${Date.now()}`] }),
          }),
        ),
      ),
    );
  } finally {
    await client.unbind();
  }
}

function row(name: string, what: string, figures: ReadFigures): string {
  return `| ${name} | ${what} | ${figures.entries} | ${figures.seconds.toFixed(2)} s | ${figures.perSecond.toFixed(0)}/s | ${figures.peakRssMiB.toFixed(0)} MiB (from ${figures.baseRssMiB.toFixed(0)}) |`;
}

const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(builders);
const rows = [
  '| directory | pass | entries | time | rate | peak RSS (before) |',
  '|---|---|---|---|---|---|',
];
for (const name of names) {
  const build = builders[name];
  if (!build) throw new Error(`unknown directory ${name}`);
  const directory = await build();
  try {
    rows.push(row(name, 'raw paged search (floor)', await rawPagedSearch(directory.source)));
    rows.push(row(name, 'reader (stream, mapped)', await readerPass(directory.source)));
    rows.push(row(name, 'raw paged search again', await rawPagedSearch(directory.source)));
    if (directory.source.kind === 'active-directory')
      rows.push(
        row(
          name,
          'incremental after 100 changes',
          await incrementalPass(directory.source, () => change100(directory)),
        ),
      );
  } finally {
    await directory.stop();
  }
}
console.log(rows.join('\n'));

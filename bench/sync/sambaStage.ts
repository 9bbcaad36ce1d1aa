import { Attribute, Change } from 'ldapts';
import { directorySourceSchema, withBaseDns } from '../../server/shared/config/directorySources.ts';
import type { Services } from '../../server/shared/services.ts';
import { useReaderFactory } from '../../server/sources/registry.ts';
import { sambaMissing } from '../../test/support/samba.ts';
import { escapeDnValue } from '../../test/support/sambaPeople.ts';
import { fmt } from '../support/stats.ts';
import { applyChanges, incrementalWithDeletions } from './deletionRuns.ts';
import { phasedRun, sampleMemory, syncSource, timedRun } from './engineRuns.ts';
import { rawPagedSearch } from './floors.ts';
import { benchPerson, departmentName } from './people.ts';
import { buildSambaDirectory10k } from './sambaDirectory.ts';
import { sameIndexLoad } from './sameIndexFloor.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Samba AD, 10,000 people (a copy of the bench/.data/samba-10k template): the end-to-end full
 * sync against its floor (raw paged search of the same entries and attributes + a bulk insert
 * of the rows the reader makes of them), then two incremental runs: 100 people changed, and
 * one person moved between two mapped groups (the groups' current members are re-read).
 */
export async function sambaStage(
  services: Services,
  rows: string[][],
  options: { sampleSql?: boolean } = {},
): Promise<void> {
  if (sambaMissing) {
    rows.push(['Samba AD full sync', '10000', '', '', `not measured: ${sambaMissing}`]);
    return;
  }
  log('Samba DC from the 10k template…');
  const directory = await buildSambaDirectory10k();
  try {
    const { dc } = directory;
    const staff = `OU=Staff,${dc.baseDn}`;
    const groups = `OU=Groups,${dc.baseDn}`;
    const group = (d: number) => `CN=${escapeDnValue(`grp-${departmentName(d)}`)},${groups}`;
    const personDn = (n: number) =>
      `CN=${escapeDnValue(`${benchPerson(n).displayName} ${n}`)},${staff}`;
    // Two department groups mapped (one with filter metacharacters in its name): 400 members.
    const connection = directorySourceSchema.parse({
      ...withBaseDns(directory.source, [staff]),
      id: 'bench-samba',
      groupBaseDn: groups,
      groupMappings: [
        { group: group(1), spaces: ['Отдел 1'] },
        { group: group(7), spaces: ['R&D север'], organization: 'R&D' },
      ],
    });
    const source = syncSource(connection);
    useReaderFactory(services, null);
    log('raw paged search (floor)…');
    const raw = await rawPagedSearch(connection);
    log('full sync…');
    const memory = sampleMemory();
    const full = await phasedRun(services, source, options);
    const peak = memory.stop();
    log('same-index floor (one INSERT … SELECT into a copy of app_user)…');
    const load = await sameIndexLoad(services, connection, source.id);
    const floor = raw.seconds + load.seconds;
    const entries = full.run.counts.read ?? 0;
    const rate = entries / full.seconds;
    rows.push([
      'Samba AD full sync (end to end)',
      String(entries),
      fmt(full.seconds),
      `${fmt(rate)}/s; ${full.phases}; same-index floor ${fmt(floor)} s (search ${fmt(raw.seconds)} s + one load of ${load.rows} rows into a copy of app_user with its ${load.indexes} indexes ${fmt(load.seconds)} s); ${fmt(full.seconds / floor)}× floor; peak RSS ${fmt(peak.rssMiB)} MiB, heap ${fmt(peak.heapMiB)} MiB`,
      `≥ 2,000/s: ${rate >= 2_000 ? 'yes' : '**no**'}; ≤ 1.5× floor: ${full.seconds <= 1.5 * floor ? 'yes' : '**no**'}`,
    ]);

    log('100 changes: 98 titles, 1 deletion, 1 move out of the base DN…');
    const leavers = `OU=Уволенные,${dc.baseDn}`;
    rows.push(
      await incrementalWithDeletions(
        services,
        connection,
        'Samba AD incremental sync with deletion detection, 100 changes (98 titles, 1 deleted, 1 moved out; 2 groups mapped)',
        () =>
          applyChanges(
            directory,
            {
              titles: Array.from({ length: 98 }, (_, n) => personDn(n)),
              deleted: personDn(98),
              moved: {
                dn: personDn(99),
                newDn: personDn(99).replace(`,${staff}`, `,${leavers}`),
              },
            },
            {
              dn: leavers,
              attributes: [new Attribute({ type: 'objectClass', values: ['organizationalUnit'] })],
            },
          ),
      ),
    );

    log('one person moved between mapped groups…');
    // Person 1 is in department 1's group; moving them changes two groups, not the person.
    await dc.asAdmin(async (client) => {
      const member = (operation: 'add' | 'delete') =>
        new Change({
          operation,
          modification: new Attribute({ type: 'member', values: [personDn(1)] }),
        });
      await client.modify(group(1), member('delete'));
      await client.modify(group(7), member('add'));
    });
    const moved = await timedRun(services, source, 'incremental');
    rows.push([
      'Samba AD incremental sync, 1 person moved between 2 mapped groups',
      String(moved.run.counts.read ?? 0),
      fmt(moved.seconds),
      `updates ${moved.run.counts.update ?? 0} (both groups' 400 members re-read)`,
      `< 1 s: ${moved.seconds < 1 ? 'yes' : '**no**'}`,
    ]);
  } finally {
    await directory.stop();
  }
}

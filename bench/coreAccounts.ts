/**
 * `npm run bench -- core-accounts [--people N] [--rounds R]`: what the core-account trigger
 * (migration CoreAccounts: one index probe and one assignment per inserted person) costs a bulk
 * insert of people, the shape of a sync's or an import's creates. Each round inserts N people in
 * one `INSERT … SELECT` with the trigger, and the same statement with the trigger disabled (the
 * floor: same table, same 20+ indexes, same connection), alternating which goes first; rows are
 * deleted outside the clock. Prints a markdown table for docs/benchmarks.md.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { openBenchDatabase } from './support/database.ts';
import { fmt, median, table } from './support/stats.ts';

const INSERT = `
insert into app_user (id, username, family_name, given_name, display_name, email, status,
                      source, created_at, updated_at, version)
select gen_random_uuid(), $1 || n, 'Фамилия' || n, 'Имя', 'Имя Фамилия' || n,
       $1 || n || '@corp.example', 'active', 'manual', now(), now(), 1
  from generate_series(1, $2::int) n`;

function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(`--${name}`);
  const value = index >= 0 ? Number(args[index + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Runs the benchmark (see the file comment). */
export async function runCoreAccountsBenchmark(args: string[]): Promise<void> {
  const people = option(args, 'people', 100_000);
  const rounds = option(args, 'rounds', 3);
  const database = await openBenchDatabase('core-accounts', { fresh: true, poolMax: 2 });
  const client = await database.services.pool.connect();
  const timings = { trigger: [] as number[], floor: [] as number[] };
  try {
    // A directory already holding people, so the probes and the unique index are not trivial.
    await client.query(INSERT, ['existing', people]);
    await client.query('vacuum analyze app_user');
    const once = async (kind: 'trigger' | 'floor', round: number) => {
      const prefix = `b${round}${kind[0]}.`;
      if (kind === 'floor')
        await client.query('alter table app_user disable trigger app_user_core_account_ins');
      const started = performance.now();
      await client.query(INSERT, [prefix, people]);
      timings[kind].push((performance.now() - started) / 1000);
      if (kind === 'floor')
        await client.query('alter table app_user enable trigger app_user_core_account_ins');
      const { rows } = await client.query<{ n: number }>(
        'select count(*)::int as n from app_user where core_account is null and username like $1',
        [`${prefix}%`],
      );
      // The floor leaves accounts unassigned; with the trigger every person has one.
      if (kind === 'trigger' && rows[0]?.n !== 0) throw new Error('a person without an account');
      await client.query('delete from app_user where username like $1', [`${prefix}%`]);
      await client.query('vacuum app_user');
    };
    for (let round = 0; round < rounds; round += 1) {
      const order: ('trigger' | 'floor')[] =
        round % 2 === 0 ? ['trigger', 'floor'] : ['floor', 'trigger'];
      for (const kind of order) await once(kind, round);
    }
  } finally {
    client.release();
    await database.close();
  }
  const trigger = median(timings.trigger);
  const floor = median(timings.floor);
  process.stdout.write(
    [
      `Core accounts: ${people.toLocaleString('en')} people inserted in one statement into app_user already holding as many, ${rounds} rounds (median); ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, load ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')}`,
      '',
      table(
        ['insert', 'median s', 'people/s', 'all rounds s'],
        [
          [
            'with the core-account trigger',
            fmt(trigger),
            fmt(people / trigger),
            timings.trigger.map(fmt).join(', '),
          ],
          [
            'floor: the same, trigger disabled',
            fmt(floor),
            fmt(people / floor),
            timings.floor.map(fmt).join(', '),
          ],
        ],
      ),
      '',
      `trigger / floor: ${(trigger / floor).toFixed(2)}×`,
      '',
    ].join('\n'),
  );
}

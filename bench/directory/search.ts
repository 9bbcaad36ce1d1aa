import { Random } from '../../server/demo/random.ts';
import type { Services } from '../../server/shared/services.ts';
import type { BenchClient } from '../support/client.ts';
import { fmt, type Latency, latency } from '../support/stats.ts';
import { floorSearch } from './searchFloor.ts';

interface Sample {
  familyName: string;
  givenName: string;
  middleName: string | null;
  username: string;
  phone: string;
  organizationId: string;
}

/** One measured kind of search. */
export interface SearchResult {
  kind: string;
  example: string;
  latency: Latency;
  /** The same search as the plainest query (searchFloor.ts), timed right after each request. */
  floor: Latency;
  meanTotal: number;
}

type Fragment = (person: Sample, rng: Random) => string;

const lower = (text: string) => text.toLocaleLowerCase('ru');

/** Cyrillic fragments: a family-name prefix, a given name plus a family prefix, ё written as е. */
const cyrillic: Fragment = (p, rng) => {
  const family = lower(p.familyName);
  switch (rng.int(0, 2)) {
    case 0:
      return family.slice(0, rng.int(4, Math.max(4, family.length)));
    case 1:
      return `${p.givenName} ${p.familyName.slice(0, 4)}`;
    default:
      return family.replaceAll('ё', 'е').slice(0, 6);
  }
};

/** «Фамилия И.О.» as Russians write it, the initials before or after the family name. */
const initials: Fragment = (p, rng) => {
  const letters = `${p.givenName[0]}.${p.middleName ? `${p.middleName[0]}.` : ''}`;
  return rng.int(0, 1) === 0 ? `${p.familyName} ${letters}` : `${letters} ${p.familyName}`;
};

/** Latin fragments: a username prefix or an English family-name prefix. */
const latin: Fragment = (p, rng) => p.username.slice(0, rng.int(4, Math.min(9, p.username.length)));

/** Phone fragments in the formats people type. */
const phone: Fragment = (p, rng) => {
  const d = p.phone.slice(2); // 10 national digits after +7
  switch (rng.int(0, 4)) {
    case 0:
      return `+7 ${d.slice(0, 3)} ${d.slice(3, 6)}`;
    case 1:
      return `8 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}`;
    case 2:
      return `${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`;
    case 3:
      return d.slice(3);
    default:
      return `${d.slice(0, 3)}${d.slice(3, 6)}`;
  }
};

/** Who searches: a label for the report, their client, and the organizations they reach. */
export interface Searcher {
  label: string;
  client: BenchClient;
  /** Every organization of a scoped operator's subtrees; null: the whole company. */
  organizations: readonly string[] | null;
}

/**
 * GET /api/v1/users?q=... for Cyrillic, Latin and phone fragments taken from random people, each
 * without a filter, with status=active and with the person's organizationId: `count` sequential
 * requests per kind after a warm-up, for each searcher. The searchers take turns request by
 * request (issue 18), so a change in the machine's load weighs on each of them alike and their
 * figures compare. A scoped searcher's fragments come from people inside their scope (what a
 * branch administrator looks for), so their lists are not empty.
 */
export async function measureSearch(
  services: Services,
  searchers: readonly Searcher[],
  count = 200,
): Promise<SearchResult[]> {
  const pools: { people: Sample[]; russian: Sample[] }[] = [];
  for (const { organizations } of searchers) {
    const { rows: people } = await services.pool.query<Sample>(
      `select family_name as "familyName", given_name as "givenName", middle_name as "middleName",
         username, phone, organization_id::text as "organizationId"
       from app_user where phone is not null and organization_id is not null and username is not null
         and ($1::uuid[] is null or organization_id = any($1::uuid[]))
       order by random() limit 2000`,
      [organizations],
    );
    pools.push({ people, russian: people.filter((p) => /^[А-ЯЁ]/.test(p.familyName)) });
  }
  const rng = new Random(7);
  const kinds: [string, 'russian' | 'people', Fragment][] = [
    ['Cyrillic name', 'russian', cyrillic],
    ['Фамилия И.О.', 'russian', initials],
    ['Latin name', 'people', latin],
    ['phone', 'people', phone],
  ];
  const filters: [string, (p: Sample) => string][] = [
    ['', () => ''],
    [' + status', () => '&status=active'],
    [' + organizationId', (p) => `&organizationId=${p.organizationId}`],
  ];
  const warmup = 20;
  const results: SearchResult[][] = searchers.map(() => []);
  for (const [name, poolName, fragment] of kinds) {
    for (const [filterName, filter] of filters) {
      const samples: number[][] = searchers.map(() => []);
      const floors: number[][] = searchers.map(() => []);
      const totals = searchers.map(() => 0);
      const examples = searchers.map(() => '');
      for (let i = 0; i < warmup + count; i++) {
        for (const [index, searcher] of searchers.entries()) {
          const pool = pools[index]?.[poolName] ?? [];
          const person = rng.pick(pool);
          const q = fragment(person, rng);
          if (i === warmup) examples[index] = q;
          const result = await searcher.client.timed(
            'GET',
            `/api/v1/users?q=${encodeURIComponent(q)}${filter(person)}`,
          );
          if (result.status >= 300)
            throw new Error(`request ${i} answered ${result.status}: ${result.body.slice(0, 300)}`);
          // The floor right after the request, same fragment, filter and scope: same load.
          const floor = await floorSearch(services.pool, q, filter(person), searcher.organizations);
          if (i < warmup) continue;
          samples[index]?.push(result.ms);
          floors[index]?.push(floor.ms);
          totals[index] =
            (totals[index] ?? 0) + (JSON.parse(result.body) as { total: number }).total;
        }
      }
      for (const [index, searcher] of searchers.entries()) {
        const measured: SearchResult = {
          kind: `${name}${filterName}${searcher.label ? ` (${searcher.label})` : ''}`,
          example: examples[index] ?? '',
          latency: latency(samples[index] ?? []),
          floor: latency(floors[index] ?? []),
          meanTotal: (totals[index] ?? 0) / count,
        };
        // One line per kind at once, so a later failure loses nothing already measured.
        process.stderr.write(
          `  ${measured.kind}: p50 ${fmt(measured.latency.p50)} p95 ${fmt(measured.latency.p95)} ms; floor p50 ${fmt(measured.floor.p50)} p95 ${fmt(measured.floor.p95)} ms\n`,
        );
        results[index]?.push(measured);
      }
    }
  }
  return results.flat();
}

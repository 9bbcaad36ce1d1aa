/**
 * `BENCH_LDAP_CACHE=/work/.cache npx tsx bench/sync/allocationProfile.ts 10000`: one full sync of
 * that many OpenLDAP people into an empty database, under V8's sampling heap profiler with the
 * objects the GC collected kept in the samples, so garbage counts too (a heap snapshot shows only
 * what is held). Prints the bytes allocated per function, self and inclusive: how issue 17 found
 * MikroORM's parameter inlining (docs/benchmarks.md, "Where the memory went").
 */
import { Session } from 'node:inspector/promises';
import { openBenchDatabase } from '../support/database.ts';
import { syncSource, timedRun } from './engineRuns.ts';
import { buildOpenLdap100k } from './openLdapDirectory.ts';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const MiB = 2 ** 20;
const people = Number(process.argv[2] ?? '10000');
const directory = await buildOpenLdap100k({ people });
const db = await openBenchDatabase(`sync-alloc-${people}`, { fresh: true, poolMax: 8 });
const session = new Session();
session.connect();
try {
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 16_384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const run = await timedRun(db.services, syncSource(directory.source), 'full');
  const { profile } = await session.post('HeapProfiler.stopSampling');
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const walk = (node: ProfileNode, above: ReadonlySet<string>): number => {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.replace(/.*\/(server|node_modules|bench)\//, '$1/')}:${lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + node.selfSize);
    const below = new Set(above).add(key);
    let sum = node.selfSize;
    for (const child of node.children) sum += walk(child, below);
    // Recursion counts once per stack.
    if (!above.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + sum);
    return sum;
  };
  const total = walk(profile.head as ProfileNode, new Set());
  const top = (sizes: Map<string, number>) =>
    [...sizes]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 30)
      .map(([key, bytes]) => `${(bytes / MiB).toFixed(1).padStart(7)} MiB  ${key}`)
      .join('\n');
  console.log(
    `full sync of ${people}: ${run.seconds.toFixed(1)} s, ${(total / MiB).toFixed(0)} MiB allocated\n\nself\n${top(self)}\n\ninclusive\n${top(inclusive)}`,
  );
} finally {
  session.disconnect();
  await db.close();
  await directory.stop();
}

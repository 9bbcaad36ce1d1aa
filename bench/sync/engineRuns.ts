import { systemActor } from '../../server/authz/actor.ts';
import type { DirectorySource } from '../../server/shared/config/directorySources.ts';
import { DEFAULT_SYNC_SETTINGS } from '../../server/shared/config/directorySync.ts';
import type { Services } from '../../server/shared/services.ts';
import { createDirectoryReader } from '../../server/sources/ldap/reader.ts';
import { type DirectorySyncSource, useReaderFactory } from '../../server/sources/registry.ts';
import { readRun } from '../../server/sources/runCommands.ts';
import { startRun } from '../../server/sources/runs.ts';
import type { DirectoryReader, SourcePerson } from '../../server/sources/types.ts';
import { fmt } from '../support/stats.ts';
import { measureAuditCost } from './auditShare.ts';
import { sampleStatements } from './statementSampler.ts';

/** A directory source as the engine sees it (no API, no config file). */
export function syncSource(connection: DirectorySource): DirectorySyncSource {
  return {
    id: connection.id,
    name: connection.id,
    kind: 'directory',
    origin: 'api',
    connection,
    settings: { ...DEFAULT_SYNC_SETTINGS, enabled: false },
    linkBy: DEFAULT_SYNC_SETTINGS.correlateBy,
    userSource: 'ad',
    loginMethod: 'ldap',
    version: null,
    bindPasswordChangedAt: null,
  };
}

/** Peak memory of this process while something runs (sampled every 50 ms). */
export interface MemoryPeak {
  rssMiB: number;
  heapMiB: number;
}

/** Starts sampling; `stop()` returns the peaks. */
export function sampleMemory(): { stop(): MemoryPeak } {
  let rss = 0;
  let heap = 0;
  const take = () => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heap = Math.max(heap, usage.heapUsed);
  };
  take();
  const timer = setInterval(take, 50);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { rssMiB: rss / 2 ** 20, heapMiB: heap / 2 ** 20 };
    },
  };
}

/** Runs a sync to its end; returns seconds and the run (throws unless it succeeded). */
export async function timedRun(
  services: Services,
  source: DirectorySyncSource,
  mode: 'full' | 'incremental',
) {
  const start = performance.now();
  const started = await startRun(services, source, mode, systemActor('bench'));
  await started.done;
  const seconds = (performance.now() - start) / 1_000;
  const run = await readRun(services, started.runId);
  if (run.status !== 'succeeded') throw new Error(`run ${run.status}: ${run.error ?? run.safety}`);
  return { seconds, run };
}

/** The source's own reader, noting when its pages end (to split read + stage from the rest). */
function timedReader(inner: DirectoryReader, marks: { readEnd: number }): DirectoryReader {
  return {
    async read(options) {
      const read = await inner.read(options);
      async function* pages(): AsyncGenerator<SourcePerson[]> {
        yield* read.pages;
        marks.readEnd = performance.now();
      }
      return { ...read, pages: pages() };
    },
  };
}

/**
 * A full run of a directory source through its own reader, split into read + stage (until the
 * last page), plan (until the run turns `applying`, polled every 100 ms) and apply.
 */
export async function phasedRun(
  services: Services,
  source: DirectorySyncSource,
  options: { sampleSql?: boolean; auditShare?: boolean } = {},
) {
  const sql = options.sampleSql ? sampleStatements(services) : null;
  const marks = { readEnd: 0 };
  let applyingAt = 0;
  const connection = source.connection;
  if (!connection) throw new Error('a directory source');
  useReaderFactory(services, () => timedReader(createDirectoryReader(connection, services), marks));
  const poll = setInterval(() => {
    void services.pool
      .query<{ status: string }>(
        'select status from sync_run where source_id = $1 order by started_at desc limit 1',
        [source.id],
      )
      .then(({ rows }) => {
        if (applyingAt === 0 && rows[0]?.status === 'applying') applyingAt = performance.now();
      });
  }, 100);
  let start = 0;
  try {
    const timed = () => {
      start = performance.now();
      return timedRun(services, source, 'full');
    };
    // The audit's share re-stages every event of the run: worth it up to 100,000 people.
    const measured =
      options.auditShare === false
        ? { result: await timed(), audit: null }
        : await measureAuditCost(services, timed);
    const { result: run, audit } = measured;
    const end = start + run.seconds * 1_000;
    const applySeconds = (end - applyingAt) / 1_000;
    const auditSeconds = audit ? audit.stagingSeconds + audit.sealSeconds : 0;
    const auditShare = audit
      ? `audit of the apply: ${fmt(audit.events)} events, staging ${fmt(audit.stagingSeconds)} s + sealing ${fmt(audit.sealSeconds)} s = ${fmt((100 * auditSeconds) / applySeconds)}% (target < 10%); its floor (the same events written once into a copy of audit_event with its indexes) ${fmt(audit.floorSeconds)} s = ${fmt((100 * audit.floorSeconds) / applySeconds)}%`
      : 'audit share not measured';
    const phases =
      marks.readEnd > 0 && applyingAt > 0
        ? `read + stage ${fmt((marks.readEnd - start) / 1_000)} s, plan ${fmt((applyingAt - marks.readEnd) / 1_000)} s, apply ${fmt(applySeconds)} s; ${auditShare}`
        : 'phases not seen';
    const statements = sql ? `; busiest SQL (share of samples): ${sql.stop()}` : '';
    return { ...run, phases: `${phases}${statements}` };
  } finally {
    sql?.stop();
    clearInterval(poll);
    useReaderFactory(services, null);
  }
}

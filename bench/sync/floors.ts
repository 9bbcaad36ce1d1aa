import { closeQuietly, connectClient } from '../../server/identity/ldap/client.ts';
import {
  bindPasswordOf,
  type DirectorySource,
} from '../../server/shared/config/directorySources.ts';
import type { KnownDigests } from '../../server/sources/entryDigest.ts';
import { requestedAttributes } from '../../server/sources/ldap/mapping.ts';
import { pagedSearch } from '../../server/sources/ldap/pagedSearch.ts';
import { createDirectoryReader } from '../../server/sources/ldap/reader.ts';
import { splitByDigest } from '../../server/sources/stageRead.ts';

/** The base DN of a bench source: the benchmark directories put everyone under one base. */
export function oneBase(source: DirectorySource): string {
  const [base] = source.baseDns;
  if (base === undefined || source.baseDns.length > 1)
    throw new Error('bench sources have one base DN');
  return base;
}

/** What one pass over a directory cost. */
export interface ReadFigures {
  entries: number;
  seconds: number;
  perSecond: number;
  /** Peak resident set size of this process during the pass, MiB. */
  peakRssMiB: number;
  /** Resident set size just before the pass, MiB (the peak minus this is what the pass cost). */
  baseRssMiB: number;
}

function sampler(): { base: number; stop(): number } {
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  return {
    base: base / 2 ** 20,
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss()) / 2 ** 20;
    },
  };
}

/**
 * The floor: the raw paged search of the same entries and attributes the reader asks for, with
 * nothing done to them (ldapts still decodes each entry into an object).
 */
export async function rawPagedSearch(source: DirectorySource): Promise<ReadFigures> {
  const memory = sampler();
  const started = performance.now();
  const client = await connectClient(source);
  let entries = 0;
  try {
    await client.bind(source.bindDn, bindPasswordOf(source));
    for await (const page of pagedSearch(client, source, {
      base: oneBase(source),
      filter: source.userFilter,
      attributes: requestedAttributes(source),
      binary: source.kind === 'active-directory' ? ['objectGUID'] : [],
    }))
      entries += page.length;
  } finally {
    await closeQuietly(client);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    entries,
    seconds,
    perSecond: entries / seconds,
    peakRssMiB: memory.stop(),
    baseRssMiB: memory.base,
  };
}

/**
 * A full read through the reader, pages dropped as they come (what streaming costs). With
 * `known`, each page is also split by digest exactly as a run's read splits it
 * (`splitByDigest`), and nothing is staged: the no-change run's read without its writes.
 */
export async function readerPass(
  source: DirectorySource,
  known: KnownDigests | null = null,
): Promise<ReadFigures & { unchanged: number }> {
  const memory = sampler();
  const started = performance.now();
  const read = await createDirectoryReader(source, { now: () => new Date() }).read({
    mode: 'full',
  });
  let entries = 0;
  let unchanged = 0;
  for await (const page of read.pages) {
    entries += page.length;
    if (known) unchanged += splitByDigest(page, known).unchanged.length;
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    entries,
    unchanged,
    seconds,
    perSecond: entries / seconds,
    peakRssMiB: memory.stop(),
    baseRssMiB: memory.base,
  };
}

/**
 * An incremental read after `change` ran: the reader's share of "100 changes in under 1 s"
 * (rootDSE + NTDS Settings + changed groups + the uSNChanged search).
 */
export async function incrementalPass(
  source: DirectorySource,
  change: () => Promise<void>,
): Promise<ReadFigures> {
  const reader = createDirectoryReader(source, { now: () => new Date() });
  const full = await reader.read({ mode: 'full' });
  for await (const _page of full.pages) {
    // Drained only for its cursor.
  }
  await change();
  const memory = sampler();
  const started = performance.now();
  const read = await reader.read({ mode: 'incremental', since: full.cursor });
  let entries = 0;
  for await (const page of read.pages) entries += page.length;
  const seconds = (performance.now() - started) / 1000;
  return {
    entries,
    seconds,
    perSecond: entries / seconds,
    peakRssMiB: memory.stop(),
    baseRssMiB: memory.base,
  };
}

import { type Client, Control, type Entry, type Filter, type SearchOptions } from 'ldapts';
import type { DirectorySource } from '../../shared/config/directorySources.ts';
import { DirectoryReadError } from './errors.ts';

/**
 * LDAP_SERVER_DOMAIN_SCOPE_OID: AD answers a subtree search of the domain root with continuation
 * references to the DNS and Configuration partitions; this control tells it not to. Any reference
 * that still comes makes the read throw (below), so the control keeps AD reads possible.
 */
const DOMAIN_SCOPE_OID = '1.2.840.113556.1.4.1339';

/** One paged subtree search. */
export interface PagedQuery {
  base: string;
  /** A filter string, or a built Filter (binary values: see guid.ts). */
  filter: string | Filter;
  attributes: string[];
  binary?: string[];
  scope?: SearchOptions['scope'];
  /** Further controls (AD tombstones need Show Deleted). */
  controls?: Control[];
}

/**
 * How a paged search survives a transient failure: `reopen` closes the broken connection and
 * returns a new bound one (the reader's, so its later searches use it too).
 */
export interface PageRetry {
  reopen: () => Promise<Client>;
  /** Tries after the first failure of one page; default {@link PAGE_RETRIES}. */
  attempts?: number;
  /** Wait before the first retry, doubled for each next one; default {@link PAGE_RETRY_MS}. */
  backoffMs?: number;
  /** Told of each retry (the reader logs it). */
  onRetry?: (retry: { attempt: number; delivered: number; error: unknown }) => void;
}

/** Retries of one failed page before the read fails (about 7.5 s of backoff in all). */
export const PAGE_RETRIES = 4;
/** The first retry's wait; each next one waits twice as long. */
export const PAGE_RETRY_MS = 500;

// Result codes a directory answers when it is momentarily unable to go on: operationsError
// (Samba's `ldb_wait … Operations error` under load), busy, unavailable, other.
const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 51, 52, 80]);
// What ldapts and Node say when the connection went away or stopped answering.
const TRANSIENT_TEXT =
  /Connection closed|Socket connection not established|Operation timed out|Connection timeout|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up/i;

/** Whether a failed page is worth asking again: a lost connection or a passing refusal. */
export function isTransientReadError(error: unknown): boolean {
  if (error instanceof DirectoryReadError) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'number') return TRANSIENT_CODES.has(code);
  return TRANSIENT_TEXT.test(`${String(code ?? '')} ${String(message ?? '')}`);
}

/**
 * Streams a paged search (RFC 2696), one page at a time: the next page is requested only when the
 * caller asks for it, so memory holds one page. Throws on any error or on a search reference
 * (we do not follow referrals, and skipping one would silently drop its people).
 *
 * With `retry`, a page that fails transiently (see isTransientReadError) is asked for again, a
 * bounded number of times with a doubling wait: the paged-results cookie belongs to the broken
 * connection (OpenLDAP and AD both tie it to it), so the search is opened again on a new one and
 * the entries already passed on are skipped, checked by the DN of the last of them; the caller
 * sees each entry once, the failed page next. If the directory changed under the read (the
 * skipped entries end elsewhere, or there are fewer of them), or the retries run out, the read
 * fails with a DirectoryReadError naming the cause: an incomplete read never looks complete.
 */
export async function* pagedSearch(
  client: Client,
  source: DirectorySource,
  query: PagedQuery,
  retry?: PageRetry,
): AsyncGenerator<Entry[]> {
  let current = client;
  let delivered = 0;
  let lastDn: string | null = null;
  let failures = 0;
  let broken = false;
  const attempts = retry?.attempts ?? PAGE_RETRIES;
  for (;;) {
    try {
      // Never the broken client again: ldapts would reconnect it unbound (and without StartTLS).
      if (broken && retry) current = await retry.reopen();
      broken = false;
      let skip = delivered;
      for await (let entries of onePass(current, source, query)) {
        if (skip > 0) {
          const skipped = entries.slice(0, skip);
          entries = entries.slice(skip);
          skip -= skipped.length;
          if (skip === 0 && skipped.at(-1)?.dn !== lastDn)
            throw new DirectoryReadError(
              `directory ${source.id} changed while a failed page was read again (the ${delivered}th entry is no longer ${lastDn}); run the sync again`,
            );
        }
        if (entries.length === 0) continue;
        delivered += entries.length;
        lastDn = entries.at(-1)?.dn ?? lastDn;
        failures = 0;
        yield entries;
      }
      if (skip > 0)
        throw new DirectoryReadError(
          `directory ${source.id} returned fewer entries when a failed page was read again; run the sync again`,
        );
      return;
    } catch (error) {
      if (!retry || !isTransientReadError(error)) throw error;
      failures += 1;
      if (failures > attempts)
        throw new DirectoryReadError(
          `directory ${source.id}: a page failed ${failures} times after ${delivered} entries (${errorText(error)}); the read is incomplete`,
        );
      retry.onRetry?.({ attempt: failures, delivered, error });
      broken = true;
      // A reopen that fails (the directory still down) is the next attempt's failure.
      await new Promise((resolve) =>
        setTimeout(resolve, (retry.backoffMs ?? PAGE_RETRY_MS) * 2 ** (failures - 1)),
      );
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One paged search from its first page on one connection. */
async function* onePass(
  client: Client,
  source: DirectorySource,
  query: PagedQuery,
): AsyncGenerator<Entry[]> {
  const controls = [
    ...(source.kind === 'active-directory'
      ? [new Control(DOMAIN_SCOPE_OID, { critical: false })]
      : []),
    ...(query.controls ?? []),
  ];
  const pages = client.searchPaginated(
    query.base,
    {
      scope: query.scope ?? 'sub',
      filter: query.filter,
      attributes: query.attributes,
      explicitBufferAttributes: query.binary ?? [],
      paged: { pageSize: source.pageSize },
    },
    controls,
  );
  for await (const page of pages) {
    if (page.searchReferences.length > 0)
      throw new DirectoryReadError(
        `directory ${source.id} returned a referral (${page.searchReferences[0]}): not followed; narrow the base DNs`,
      );
    yield page.searchEntries;
  }
}

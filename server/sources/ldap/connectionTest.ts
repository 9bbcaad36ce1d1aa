import { lookup } from 'node:dns/promises';
import { isIP, Socket } from 'node:net';
import { type PeerCertificate, connect as tlsConnect } from 'node:tls';
import {
  type Client,
  type Entry,
  FilterParser,
  InvalidCredentialsError,
  NoSuchObjectError,
  StrongAuthRequiredError,
} from 'ldapts';
import { adSubCode } from '../../identity/ldap/bindErrors.ts';
import { closeQuietly, connectClient, tlsOptionsOf } from '../../identity/ldap/client.ts';
import {
  bindPasswordOf,
  type DirectorySource,
  DirectorySourceError,
} from '../../shared/config/directorySources.ts';
import { normalizePerson } from '../normalize.ts';
import type { ConnectionTestView } from '../schemas.ts';
import { probeDeletionDetection } from './absence.ts';
import {
  CONNECTION_TEST_MESSAGES,
  type ConnectionTestCode,
  type ConnectionTestStepName,
} from './connectionTestCodes.ts';
import {
  attributeMapping,
  idAttributeOf,
  requestedAttributes,
  toSourcePerson,
  valuesByName,
} from './mapping.ts';
import { pagedSearch } from './pagedSearch.ts';

/*
 * "Test connection" (issue 13, scope item 2): the steps a sync takes, one at a time, each
 * reported in words an administrator can act on. A failed step is a result, not an exception:
 * nothing here throws for a directory's answer. Every network step is raced against a timeout
 * and the whole test against a deadline, so a black-holed host never holds the request.
 */

type ParamValue = string | number | boolean | null | string[];
type Params = Record<string, ParamValue>;
/** What a step answers. */
type Outcome = { ok: boolean; code: ConnectionTestCode; params: Params };
/** What a step's exception means. */
type Failure = { code: ConnectionTestCode; params: Params };

/** One step's result. */
export type ConnectionTestStep = ConnectionTestView['steps'][number];

/** One previewed entry, as a sync would stage it. */
export type ConnectionTestPreview = ConnectionTestView['preview'][number];

/** The whole answer: every step in order, and the preview (the route's view). */
export type ConnectionTestResult = ConnectionTestView;

/** Options; the defaults are what the API uses. */
export interface ConnectionTestOptions {
  /** Entries read through the mapping (1..20). */
  previewLimit?: number;
  /** Where `bindPasswordEnv` is looked up; process.env when unset. */
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** Cap of each network step (the source's `timeoutMs` applies when it is lower). */
  stepTimeoutMs?: number;
  /** The whole test: steps not started by then are reported skipped. */
  totalTimeoutMs?: number;
}

/** A network step gives up after this (or the source's timeoutMs when lower). */
export const CONNECTION_TEST_STEP_MS = 8_000;
/** The whole test ends by then, whatever the directory does. */
export const CONNECTION_TEST_TOTAL_MS = 20_000;
/** Entries previewed when the request does not say. */
export const DEFAULT_PREVIEW_LIMIT = 5;

/** Fills a template: `{name}` → the param, lists joined. */
export function formatConnectionMessage(
  code: ConnectionTestCode,
  params: Record<string, ParamValue>,
): string {
  return CONNECTION_TEST_MESSAGES[code].replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) return '—';
    return Array.isArray(value) ? value.join(', ') || '—' : String(value);
  });
}

class StepTimeout extends Error {
  override name = 'StepTimeout';
}

/** Races `work` against a timer; the caller closes whatever the work left open. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepTimeout(`no answer within ${ms} ms`)), ms);
  });
  // A late rejection of the abandoned work must not become an unhandled rejection.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const reasonOf = (error: unknown): string =>
  error instanceof Error ? error.message || error.name : String(error);
const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/** A TLS failure (from a raw handshake or ldapts' StartTLS) in an administrator's terms. */
function tlsFailure(error: unknown): ConnectionTestCode {
  const code = codeOf(error);
  if (error instanceof StepTimeout) return 'tls_timeout';
  if (code && UNTRUSTED.has(code)) return 'tls_certificate_untrusted';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'tls_hostname_mismatch';
  if (code === 'CERT_HAS_EXPIRED') return 'tls_certificate_expired';
  if (code === 'CERT_NOT_YET_VALID') return 'tls_certificate_not_yet_valid';
  return 'tls_handshake_failed';
}

const nameOf = (part: PeerCertificate['subject'] | undefined): string =>
  part?.CN ? `CN=${part.CN}` : part?.O ? `O=${part.O}` : '—';

interface Target {
  host: string;
  port: number;
  ldaps: boolean;
}

function targetOf(source: DirectorySource): Target {
  const url = new URL(source.url);
  const ldaps = url.protocol.toLowerCase() === 'ldaps:';
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : ldaps ? 636 : 389,
    ldaps,
  };
}

/** Opens a TCP connection and closes it at once: proves something listens. */
function tcpProbe(address: string, port: number, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
    // within() gives up on the promise; this ends the attempt itself.
    socket.setTimeout(ms, () => socket.destroy());
    socket.connect(port, address);
  });
}

/** An LDAPS handshake of its own, for the certificate's details; ldapts hides its socket. */
function tlsProbe(
  source: DirectorySource,
  target: Target,
  ms: number,
): Promise<PeerCertificate & { protocol: string }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      ...tlsOptionsOf(source),
      host: target.host,
      port: target.port,
      // SNI must not be an IP address (as connectClient does for StartTLS).
      ...(isIP(target.host) ? {} : { servername: target.host }),
    });
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate();
      const protocol = socket.getProtocol() ?? 'TLS';
      socket.destroy();
      resolve({ ...certificate, protocol });
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
    socket.setTimeout(ms, () => socket.destroy());
  });
}

const PAGED_RESULTS_OID = '1.2.840.113556.1.4.319';

const listOf = (value: Entry[string] | undefined): string[] =>
  value === undefined
    ? []
    : (Array.isArray(value) ? value : [value]).map((item) =>
        typeof item === 'string' ? item : item.toString('utf8'),
      );

/**
 * Tests a source's connection step by step and previews its first entries through the mapping.
 * Never throws for what the directory does; the bind password is used for the binds only and
 * appears in no step, message or parameter.
 */
export async function testDirectoryConnection(
  source: DirectorySource,
  options: ConnectionTestOptions = {},
): Promise<ConnectionTestResult> {
  const stepCap = Math.min(source.timeoutMs, options.stepTimeoutMs ?? CONNECTION_TEST_STEP_MS);
  const deadline = Date.now() + (options.totalTimeoutMs ?? CONNECTION_TEST_TOTAL_MS);
  const previewLimit = options.previewLimit ?? DEFAULT_PREVIEW_LIMIT;
  const now = options.now ?? (() => new Date());
  // ldapts' own connect and operation timeouts follow the step cap too.
  const limited: DirectorySource = { ...source, timeoutMs: stepCap };
  const steps: ConnectionTestStep[] = [];
  const preview: ConnectionTestPreview[] = [];
  let blocked: string | null = null;
  const timeLeft = () => Math.max(1, Math.min(stepCap, deadline - Date.now()));

  /**
   * Runs one step unless an earlier one blocks it (or time is up); `run` answers its outcome
   * and an exception is classified by `fail`. A failing step blocks the rest when `blocking`.
   */
  const step = async (
    name: ConnectionTestStepName,
    run: (
      ms: number,
    ) => Promise<{ ok: boolean; code: ConnectionTestCode; params: Record<string, ParamValue> }>,
    fail: (
      error: unknown,
      ms: number,
    ) => { code: ConnectionTestCode; params: Record<string, ParamValue> },
    blocking: boolean,
    blockedBy: string | null = blocked,
  ): Promise<boolean> => {
    const because = blockedBy ?? (Date.now() >= deadline ? 'time_limit' : null);
    if (because) {
      steps.push({
        step: name,
        ok: false,
        code: 'skipped',
        message: formatConnectionMessage('skipped', { because }),
        params: { because },
        ms: 0,
      });
      return false;
    }
    const started = Date.now();
    const ms = timeLeft();
    let outcome: { ok: boolean; code: ConnectionTestCode; params: Record<string, ParamValue> };
    try {
      outcome = await run(ms);
    } catch (error) {
      outcome = { ok: false, ...fail(error, ms) };
    }
    steps.push({
      step: name,
      ok: outcome.ok,
      code: outcome.code,
      message: formatConnectionMessage(outcome.code, outcome.params),
      params: outcome.params,
      ms: Date.now() - started,
    });
    if (!outcome.ok && blocking && blocked === null) blocked = outcome.code;
    return outcome.ok;
  };

  const target = targetOf(source);
  let address = target.host;
  let client: Client | null = null;
  try {
    await step(
      'dns',
      async (ms): Promise<Outcome> => {
        if (isIP(target.host))
          return { ok: true, code: 'dns_ip_address', params: { host: target.host } };
        const found = await within(ms, lookup(target.host, { all: true }));
        address = found[0]?.address ?? target.host;
        return {
          ok: true,
          code: 'dns_resolved',
          params: { host: target.host, addresses: found.map((entry) => entry.address) },
        };
      },
      (error, ms): Failure =>
        error instanceof StepTimeout
          ? { code: 'dns_timeout', params: { host: target.host, timeoutMs: ms } }
          : {
              code: 'dns_failed',
              params: { host: target.host, reason: codeOf(error) ?? reasonOf(error) },
            },
      true,
    );

    const where = () => ({ address, port: target.port });
    await step(
      'tcp',
      async (ms): Promise<Outcome> => {
        await within(ms, tcpProbe(address, target.port, ms));
        return { ok: true, code: 'tcp_connected', params: where() };
      },
      (error, ms): Failure => {
        const code = codeOf(error);
        if (error instanceof StepTimeout || code === 'ETIMEDOUT')
          return { code: 'tcp_timeout', params: { ...where(), timeoutMs: ms } };
        if (code === 'ECONNREFUSED') return { code: 'tcp_refused', params: where() };
        if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
          return { code: 'tcp_unreachable', params: { ...where(), reason: code } };
        return { code: 'tcp_failed', params: { ...where(), reason: reasonOf(error) } };
      },
      true,
    );

    const host = { host: target.host };
    await step(
      'tls',
      async (ms): Promise<Outcome> => {
        const unverified = !source.tls.rejectUnauthorized;
        if (target.ldaps) {
          const certificate = await within(ms, tlsProbe(limited, target, ms));
          client = await connectClient(limited);
          if (unverified) return { ok: true, code: 'tls_unverified', params: host };
          return {
            ok: true,
            code: 'tls_established',
            params: {
              ...host,
              protocol: certificate.protocol,
              subject: nameOf(certificate.subject),
              issuer: nameOf(certificate.issuer),
              validTo: certificate.valid_to ? new Date(certificate.valid_to).toISOString() : null,
            },
          };
        }
        // connectClient runs StartTLS when the source asks for it (nothing goes out otherwise).
        const connecting = connectClient(limited);
        try {
          client = await within(ms, connecting);
        } catch (error) {
          // Given up on: a StartTLS that completes later must not leave its connection open.
          connecting.then(closeQuietly, () => undefined);
          throw error;
        }
        if (!source.startTls) return { ok: true, code: 'tls_not_used', params: host };
        return {
          ok: true,
          code: unverified ? 'tls_unverified' : 'tls_starttls_established',
          params: host,
        };
      },
      (error, ms): Failure => {
        // The CA bundle is read from a file per connection: a missing file is the setting's fault.
        if (codeOf(error) === 'ENOENT' || codeOf(error) === 'EACCES')
          return { code: 'tls_ca_unreadable', params: { reason: reasonOf(error) } };
        const code = tlsFailure(error);
        return {
          code,
          params:
            code === 'tls_timeout'
              ? { ...host, timeoutMs: ms }
              : { ...host, reason: reasonOf(error) },
        };
      },
      true,
    );

    const bindDn = { bindDn: source.bindDn };
    await step(
      'bind',
      async (ms): Promise<Outcome> => {
        if (!client) throw new Error('no connection');
        let password: string;
        try {
          password = bindPasswordOf(source, options.env);
        } catch (error) {
          if (error instanceof DirectorySourceError)
            return { ok: false, code: 'bind_no_password', params: { reason: error.message } };
          throw error;
        }
        await within(ms, client.bind(source.bindDn, password));
        return { ok: true, code: 'bind_ok', params: bindDn };
      },
      (error, ms): Failure => {
        if (error instanceof StepTimeout)
          return { code: 'bind_timeout', params: { ...bindDn, timeoutMs: ms } };
        if (error instanceof InvalidCredentialsError) {
          const sub = adSubCode(error.message);
          // 52e: wrong password, 525: no such user; the others: the account may not sign in.
          return sub !== null && sub !== '52e' && sub !== '525'
            ? { code: 'bind_account_disabled', params: { ...bindDn, subCode: sub } }
            : { code: 'bind_invalid_credentials', params: bindDn };
        }
        if (error instanceof StrongAuthRequiredError)
          return { code: 'bind_strong_auth_required', params: bindDn };
        return { code: 'bind_failed', params: { ...bindDn, reason: reasonOf(error) } };
      },
      true,
    );

    let namingContexts: string[] = [];
    await step(
      'root_dse',
      async (ms): Promise<Outcome> => {
        const bound = client as Client | null;
        if (!bound) throw new Error('no connection');
        const { searchEntries } = await within(
          ms,
          bound.search('', {
            scope: 'base',
            filter: '(objectClass=*)',
            attributes: [
              'namingContexts',
              'defaultNamingContext',
              'supportedControl',
              'vendorName',
              'dnsHostName',
            ],
          }),
        );
        const dse = searchEntries[0];
        namingContexts = listOf(dse?.namingContexts);
        const params = {
          namingContexts,
          defaultNamingContext: listOf(dse?.defaultNamingContext)[0] ?? null,
          vendor: listOf(dse?.vendorName)[0] ?? null,
          dnsHostName: listOf(dse?.dnsHostName)[0] ?? null,
        };
        const paging = listOf(dse?.supportedControl).includes(PAGED_RESULTS_OID);
        return paging
          ? { ok: true, code: 'root_dse_read', params }
          : { ok: false, code: 'root_dse_no_paging', params };
      },
      (error, ms): Failure =>
        error instanceof StepTimeout
          ? { code: 'root_dse_timeout', params: { timeoutMs: ms } }
          : { code: 'root_dse_failed', params: { reason: reasonOf(error) } },
      false,
    );

    // Each base DN in turn; a failure names the one that failed (`baseDn`), the others are
    // listed for a source with several (`baseDns`, joined with "; ": DNs contain commas).
    const bases = source.baseDns;
    const allBases = { baseDns: bases.join('; '), count: bases.length };
    let checking = bases[0] ?? '';
    const baseFound = await step(
      'base_dn',
      async (ms): Promise<Outcome> => {
        const bound = client as Client | null;
        if (!bound) throw new Error('no connection');
        const readEach = async () => {
          for (const base of bases) {
            checking = base;
            await bound.search(base, {
              scope: 'base',
              filter: '(objectClass=*)',
              attributes: ['objectClass'],
            });
          }
        };
        await within(ms, readEach());
        return bases.length === 1
          ? { ok: true, code: 'base_dn_found', params: { baseDn: checking } }
          : { ok: true, code: 'base_dns_found', params: allBases };
      },
      (error, ms): Failure => {
        const failed = { baseDn: checking, ...(bases.length > 1 ? allBases : {}) };
        if (error instanceof StepTimeout)
          return { code: 'base_dn_timeout', params: { ...failed, timeoutMs: ms } };
        if (error instanceof NoSuchObjectError)
          return { code: 'base_dn_not_found', params: { ...failed, namingContexts } };
        return { code: 'base_dn_failed', params: { ...failed, reason: reasonOf(error) } };
      },
      false,
    );

    const filter = { filter: source.userFilter };
    let entries: Entry[] = [];
    const matched = await step(
      'filter',
      async (ms): Promise<Outcome> => {
        const bound = client as Client | null;
        if (!bound) throw new Error('no connection');
        // Parsed first: a syntax error is the administrator's to fix, not the server's.
        try {
          FilterParser.parseString(source.userFilter);
        } catch (error) {
          return {
            ok: false,
            code: 'filter_invalid',
            params: { ...filter, reason: reasonOf(error) },
          };
        }
        // The first page under each base DN: the preview then shows people of the first bases.
        const firstOf = async (base: string) => {
          for await (const page of pagedSearch(bound, source, {
            base,
            filter: source.userFilter,
            attributes: requestedAttributes(source),
            binary: source.kind === 'active-directory' ? [idAttributeOf(source)] : [],
          }))
            return page;
          return [];
        };
        const firstPages = async () => {
          const found: Entry[] = [];
          for (const base of bases) found.push(...(await firstOf(base)));
          return found;
        };
        entries = await within(ms, firstPages());
        const params = {
          ...filter,
          baseDn: bases.join('; '),
          count: entries.length,
          pageSize: source.pageSize,
        };
        return entries.length > 0
          ? { ok: true, code: 'filter_matched', params }
          : { ok: false, code: 'filter_no_match', params };
      },
      (error, ms): Failure => {
        if (error instanceof StepTimeout)
          return { code: 'filter_timeout', params: { ...filter, timeoutMs: ms } };
        // 87 filterError: the server could not parse it (an attribute it does not know, …).
        if ((error as { code?: unknown }).code === 87)
          return { code: 'filter_invalid', params: { ...filter, reason: reasonOf(error) } };
        return { code: 'filter_failed', params: { ...filter, reason: reasonOf(error) } };
      },
      false,
      blocked ?? (baseFound ? null : 'base_dn_not_found'),
    );

    await step(
      'mapping',
      async () => mapPreview(source, entries.slice(0, previewLimit), now(), preview),
      (error): Failure => ({
        code: 'filter_failed',
        params: { ...filter, reason: reasonOf(error) },
      }),
      false,
      blocked ?? (matched ? null : (steps.at(-1)?.code ?? 'filter')),
    );
  } finally {
    const open = client as Client | null;
    if (open) await closeQuietly(open);
  }

  await step(
    'deletion_detection',
    async (ms): Promise<Outcome> => {
      const detection = await within(ms, probeDeletionDetection(limited, { env: options.env }));
      if (!detection.permitted)
        return {
          ok: false,
          code: 'deletion_detection_not_permitted',
          params: { method: detection.method, detail: detection.message },
        };
      return {
        ok: true,
        code:
          detection.method === 'enumeration'
            ? 'deletion_detection_enumeration'
            : 'deletion_detection_permitted',
        params: { method: detection.method },
      };
    },
    (error, ms): Failure =>
      error instanceof StepTimeout
        ? { code: 'deletion_detection_timeout', params: { timeoutMs: ms } }
        : { code: 'deletion_detection_failed', params: { reason: reasonOf(error) } },
    false,
  );

  return { ok: steps.every((entry) => entry.ok), steps, preview };
}

/**
 * The mapping step: the previewed entries as the sync would stage them, and which mapped
 * fields none of them had. Fills `preview`.
 */
function mapPreview(
  source: DirectorySource,
  entries: Entry[],
  now: Date,
  preview: ConnectionTestPreview[],
): { ok: boolean; code: ConnectionTestCode; params: Record<string, ParamValue> } {
  const mapping = attributeMapping(source);
  const found = new Set<string>();
  let noId = 0;
  let noLogin = 0;
  for (const entry of entries) {
    const values = valuesByName(entry);
    for (const [field, names] of Object.entries(mapping))
      if (names.some((name) => (values.get(name.toLowerCase()) ?? []).some((v) => v.length > 0)))
        found.add(field);
    let person: ReturnType<typeof toSourcePerson>;
    try {
      person = toSourcePerson(source, mapping, entry, now);
    } catch (error) {
      noId += 1;
      preview.push({
        dn: entry.dn,
        externalId: null,
        record: { username: null, displayName: null, email: null, title: null, organization: null },
        problems: [reasonOf(error)],
        // The reader cannot name the entry's id (a missing or malformed id attribute).
        notes: [{ code: 'entry_id_missing', params: { attribute: idAttributeOf(source) } }],
      });
      continue;
    }
    const staged = normalizePerson(person);
    if (staged.username === null) noLogin += 1;
    preview.push({
      dn: entry.dn,
      externalId: staged.externalId,
      record: {
        username: staged.username,
        displayName: staged.displayName,
        email: staged.email,
        title: staged.title,
        organization: staged.department,
      },
      problems: [...staged.errors, ...staged.problems],
      notes: [...staged.errorNotes, ...staged.problemNotes],
    });
  }
  const count = { entries: entries.length };
  if (noId > 0)
    return {
      ok: false,
      code: 'mapping_id_missing',
      params: { ...count, count: noId, attribute: idAttributeOf(source) },
    };
  if (noLogin > 0)
    return {
      ok: false,
      code: 'mapping_username_missing',
      params: { ...count, count: noLogin, attributes: mapping.username },
    };
  const missing = Object.entries(mapping)
    .filter(([field, names]) => names.length > 0 && !found.has(field))
    .map(([field, names]) => `${field} (${names.join(' / ')})`);
  return missing.length > 0
    ? { ok: true, code: 'mapping_attribute_missing', params: { ...count, missing } }
    : { ok: true, code: 'mapping_ok', params: count };
}

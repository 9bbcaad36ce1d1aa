import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpointAnchors } from '../../server/audit/anchors.ts';
import { appendAuditEvents } from '../../server/audit/append.ts';
import { type AuditRow, contentOfRow } from '../../server/audit/auditRow.ts';
import { GENESIS_HASH, legacyHmacHash } from '../../server/audit/chain.ts';
import {
  appendCheckpointRecord,
  type CheckpointSigner,
  checkpointDir,
  loadCheckpointSigner,
  readCheckpointFile,
} from '../../server/audit/checkpoints.ts';
import { writeCheckpoint } from '../../server/audit/checkpointWriter.ts';
import { verifyAuditChain } from '../../server/audit/verify.ts';
import { verifyExportFile } from '../../server/audit/verifyExport.ts';
import type { VerifyResult } from '../../server/audit/verifyResult.ts';
import { systemActor } from '../../server/authz/actor.ts';
import { type ArchiveOutcome, archiveAuditEvents } from '../../server/commands/auditLog/archive.ts';
import { streamAuditExport } from '../../server/commands/auditLog/export.ts';
import { SiemWorker } from '../../server/siem/worker.ts';
import { runCli } from '../support/cli.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  type Rsyslog,
  rsyslogAvailable,
  startRsyslog,
  streamSettings,
} from '../support/rsyslog.ts';
import { asSuperuser } from '../support/tamper.ts';
import { CLI_TEST_MS, SIEM_DELIVERY_MS, waitUntil } from '../support/timeouts.ts';

// Retention without breaking the chain (issue 15, scope 6; docs/audit.md "Archiving old
// months"): old months leave the database as a signed bundle, and every verification still passes.

/** A day in the month `back` months before this one (UTC). */
function monthsAgo(back: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 10, 12));
}
const month = (date: Date) => date.toISOString().slice(0, 7);
/** `--before` that archives the months older than `back` months ago. */
const before = (back: number) => month(monthsAgo(back));

interface Scenario {
  context: TestContext;
  signer: CheckpointSigner;
  dir: string;
}

const opened: TestContext[] = [];
afterAll(async () => {
  await Promise.all(opened.map((context) => context.close()));
});

async function appendAt(context: TestContext, count: number, label: string, at: Date) {
  for (let i = 0; i < count; i += 1) {
    const event = {
      action: 'organization.created' as const,
      targetType: 'Organization',
      targetId: `${label}-${i}`,
    };
    const em = context.services.orm.em.fork();
    await em.transactional((tx) => appendAuditEvents(tx, systemActor('cli'), [event], at));
  }
}

async function checkpoint(s: Scenario): Promise<void> {
  const outcome = await writeCheckpoint(s.context.services, s.signer, { force: true });
  expect(outcome.kind).toBe('written');
}

/**
 * Four months of events: seq 1..5 four months ago, 6..10 three months ago (a checkpoint at 10),
 * 11..15 two months ago, 16..18 this month (a checkpoint at 18), then 19..20 unsigned.
 */
async function scenario(): Promise<Scenario> {
  const context = await startTestContext({ jobs: { enabled: false } });
  opened.push(context);
  const s = {
    context,
    signer: loadCheckpointSigner(context.services.config),
    dir: checkpointDir(context.services.config),
  };
  await appendAt(context, 5, 'm4', monthsAgo(4));
  await appendAt(context, 5, 'm3', monthsAgo(3));
  await checkpoint(s);
  await appendAt(context, 5, 'm2', monthsAgo(2));
  await appendAt(context, 3, 'now', new Date());
  await checkpoint(s);
  await appendAt(context, 2, 'tail', new Date());
  return s;
}

function archive(s: Scenario, back: number, name = `archive-${back}`): Promise<ArchiveOutcome> {
  return archiveAuditEvents(s.context.services, {
    before: before(back),
    out: join(s.context.services.config.dataDir, `${name}.ndjson`),
    ownerUrl: s.context.ownerUrl,
    signer: s.signer,
  });
}

const online = (s: Scenario) =>
  verifyAuditChain(s.context.services.pool, { legacyKey: s.context.services.keys.audit });
const withCheckpoints = (s: Scenario) =>
  verifyAuditChain(s.context.services.pool, {
    legacyKey: s.context.services.keys.audit,
    checkpoints: loadCheckpointAnchors(s.dir),
  });

/** Exports the remaining log with its checkpoints and verifies it offline with the public key. */
async function offline(s: Scenario): Promise<VerifyResult> {
  const file = join(s.context.services.config.dataDir, `export-${Date.now()}.ndjson`);
  const stream = await streamAuditExport(s.context.services.pool, {}, 'ndjson', s.dir);
  await pipeline(stream, createWriteStream(file));
  return verifyExportFile(file, [s.signer.publicKey]);
}

/** Runs one statement as `url`'s role; returns PostgreSQL's error or null. */
async function attempt(
  url: string,
  sql: string[],
): Promise<{ code?: string; message: string } | null> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    for (const statement of sql) await client.query(statement);
    return null;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { code, message };
  } finally {
    await client.end();
  }
}

const seqsOf = async (s: Scenario) =>
  (
    await s.context.services.pool.query<{ seq: string }>(
      'select seq::text as seq from audit_event order by seq',
    )
  ).rows.map((row) => Number(row.seq));

describe('archiving old months', () => {
  it('archives two old months; verify passes online, with checkpoints and offline on both bundles; the bundle verifies alone', async () => {
    const s = await scenario();
    const outcome = await archive(s, 2);
    expect(outcome).toMatchObject({ kind: 'archived', events: 10, backfilled: false });
    if (outcome.kind !== 'archived') return;
    expect(outcome.record).toMatchObject({ type: 'archive', fromSeq: '1', seq: '10' });
    // The archived events are gone; the chain goes on, and the archive is itself in the log.
    const seqs = await seqsOf(s);
    expect(seqs[0]).toBe(11);
    expect(seqs.at(-1)).toBe(21);
    const archivedEvent = await s.context.services.pool.query<{ action: string; details: unknown }>(
      'select action, details from audit_event where seq = 21',
    );
    expect(archivedEvent.rows[0]).toMatchObject({
      action: 'audit.archived',
      details: { fromSeq: '1', throughSeq: '10', bundleSha256: outcome.record.bundleSha256 },
    });
    expect(await online(s)).toMatchObject({
      ok: true,
      checked: 11,
      archive: { throughSeq: '10', recordIndex: null },
    });
    const signed = await withCheckpoints(s);
    expect(signed).toMatchObject({
      ok: true,
      checked: 11,
      archive: { throughSeq: '10', recordIndex: outcome.record.index },
    });
    expect(signed.checkpoints?.archives).toEqual([
      {
        index: outcome.record.index,
        fromSeq: '1',
        throughSeq: '10',
        bundleSha256: outcome.record.bundleSha256,
      },
    ]);
    // The remaining log, exported: it starts from the signed archive record.
    expect(await offline(s)).toMatchObject({
      ok: true,
      checked: 11,
      archive: { throughSeq: '10' },
    });
    // The archived bundle, alone, with nothing but the public key.
    const bundle = join(s.context.services.config.dataDir, 'archive-2.ndjson');
    const alone = await verifyExportFile(bundle, [s.signer.publicKey]);
    expect(alone).toMatchObject({
      ok: true,
      checked: 10,
      headSeq: '10',
      bundle: {
        sha256: outcome.record.bundleSha256,
        archived: { fromSeq: '1', throughSeq: '10' },
      },
    });
    // The viewers simply do not show archived events.
    const superadmin = await signedIn(s.context, 'superadmin');
    const page = await superadmin.api.get<{ data: { id: number }[] }>(
      '/api/v1/audit-events?limit=200',
    );
    expect(page.status).toBe(200);
    expect(Math.min(...page.body.data.map((event) => event.id))).toBe(11);
    expect((await superadmin.api.get('/api/v1/audit-events/5')).status).toBe(404);
  });

  it('twice in a row: the second boundary continues from the first, and both bundles verify alone', async () => {
    const s = await scenario();
    const first = await archive(s, 2, 'first');
    expect(first).toMatchObject({ kind: 'archived', events: 10 });
    const second = await archive(s, 1, 'second');
    // No checkpoint stood at seq 15: one is signed there first (back-filled).
    expect(second).toMatchObject({ kind: 'archived', events: 5, backfilled: true });
    if (second.kind !== 'archived') return;
    expect(second.record).toMatchObject({ fromSeq: '11', seq: '15' });
    const records = readCheckpointFile(s.dir)?.records ?? [];
    expect(records.map((r) => `${r.type}${'backfill' in r ? '+' : ''}`)).toEqual([
      'checkpoint',
      'checkpoint',
      'archive',
      'checkpoint+',
      'archive',
    ]);
    expect((await seqsOf(s))[0]).toBe(16);
    expect(await online(s)).toMatchObject({ ok: true, archive: { throughSeq: '15' } });
    const signed = await withCheckpoints(s);
    expect(signed).toMatchObject({ ok: true, archive: { throughSeq: '15' } });
    expect(signed.checkpoints?.archives.map((a) => `${a.fromSeq}..${a.throughSeq}`)).toEqual([
      '1..10',
      '11..15',
    ]);
    expect(await offline(s)).toMatchObject({ ok: true, archive: { throughSeq: '15' } });
    const key = [s.signer.publicKey];
    const dataDir = s.context.services.config.dataDir;
    expect(await verifyExportFile(join(dataDir, 'first.ndjson'), key)).toMatchObject({
      ok: true,
      checked: 10,
    });
    // The second bundle starts just past the first archive record, which it carries.
    expect(await verifyExportFile(join(dataDir, 'second.ndjson'), key)).toMatchObject({
      ok: true,
      checked: 5,
      archive: { throughSeq: '10' },
      bundle: { archived: { fromSeq: '11', throughSeq: '15' } },
    });
    // Nothing is left before the month: a third run does nothing.
    expect(await archive(s, 1, 'third')).toMatchObject({ kind: 'nothing' });
    // Life goes on: a new checkpoint follows from the archived history.
    await appendAt(s.context, 2, 'later', new Date());
    await checkpoint(s);
    expect(await withCheckpoints(s)).toMatchObject({ ok: true });
  });

  it('a bundle edited after the archive no longer verifies', async () => {
    const s = await scenario();
    const outcome = await archive(s, 2);
    expect(outcome.kind).toBe('archived');
    const bundle = join(s.context.services.config.dataDir, 'archive-2.ndjson');
    writeFileSync(bundle, readFileSync(bundle, 'utf8').replace('"m4-2"', '"forged"'));
    expect((await verifyExportFile(bundle, [s.signer.publicKey])).ok).toBe(false);
  });
});

describe('refusals', () => {
  it('the current month, a month not under a signed checkpoint, a file that exists', async () => {
    const context = await startTestContext({ jobs: { enabled: false } });
    opened.push(context);
    const s = {
      context,
      signer: loadCheckpointSigner(context.services.config),
      dir: checkpointDir(context.services.config),
    };
    await appendAt(context, 3, 'm3', monthsAgo(3));
    // No checkpoint at all yet.
    expect(await archive(s, 2)).toMatchObject({ kind: 'refused', reason: 'state' });
    await checkpoint(s);
    await appendAt(context, 3, 'm2', monthsAgo(2));
    await appendAt(context, 2, 'now', new Date());
    expect(await archive(s, -1)).toMatchObject({
      kind: 'refused',
      reason: 'usage',
      detail: expect.stringContaining('current month'),
    });
    const uncovered = await archive(s, 1);
    expect(uncovered).toMatchObject({
      kind: 'refused',
      reason: 'state',
      detail: expect.stringContaining(
        'not all under a signed checkpoint: the last one signs seq 3',
      ),
    });
    expect(await seqsOf(s)).toHaveLength(8);
    // Covered up to seq 3 (three months ago): that much may go.
    writeFileSync(join(context.services.config.dataDir, 'taken.ndjson'), '');
    expect(await archive(s, 2, 'taken')).toMatchObject({ kind: 'refused', reason: 'usage' });
    expect(await archive(s, 2)).toMatchObject({ kind: 'archived', events: 3 });
  });

  it('the runtime role cannot call the archive mechanism; the owner cannot delete past it', async () => {
    const s = await scenario();
    const { runtimeUrl, ownerUrl } = s.context;
    const runtime = await attempt(runtimeUrl, [
      "select audit_archive_through(10, '\\x00', '\\x00')",
    ]);
    expect(runtime).toMatchObject({
      code: '42501',
      message: expect.stringMatching(/permission denied for function audit_archive_through/),
    });
    // Even with the archive's marker set by hand: no DELETE right at all.
    expect(
      await attempt(runtimeUrl, [
        'begin',
        "select set_config('audit.archiving_through', '10', true)",
        'delete from audit_event where seq <= 10',
      ]),
    ).toMatchObject({
      code: '42501',
      message: expect.stringMatching(/permission denied for table/),
    });
    expect(
      await attempt(runtimeUrl, [
        "insert into audit_archive (through_seq, through_hash, bundle_sha256) values (10, '\\x00', '\\x00')",
      ]),
    ).toMatchObject({ code: '42501' });
    // The owner, outside the function: the guard refuses, marker or not, without a boundary.
    expect(await attempt(ownerUrl, ['delete from audit_event where seq = 1'])).toMatchObject({
      message: expect.stringMatching(/append-only/),
    });
    expect(
      await attempt(ownerUrl, [
        'begin',
        "select set_config('audit.archiving_through', '10', true)",
        'delete from audit_event where seq = 1',
      ]),
    ).toMatchObject({ message: expect.stringMatching(/append-only/) });
    // The function itself refuses a hash that is not the event's.
    expect(
      await attempt(ownerUrl, [
        `select audit_archive_through(10, '\\x${'00'.repeat(32)}', '\\x${'00'.repeat(32)}')`,
      ]),
    ).toMatchObject({ message: expect.stringMatching(/does not hold the hash/) });
    expect(await seqsOf(s)).toHaveLength(20);
    // The command given the runtime role's URL as the owner's: refused before it writes anything.
    const records = readCheckpointFile(s.dir)?.records.length;
    const wrongRole = await archiveAuditEvents(s.context.services, {
      before: before(2),
      out: join(s.context.services.config.dataDir, 'wrong-role.ndjson'),
      ownerUrl: runtimeUrl,
      signer: s.signer,
    });
    expect(wrongRole).toMatchObject({
      kind: 'refused',
      reason: 'state',
      detail: expect.stringContaining('must be the owner role'),
    });
    expect(existsSync(join(s.context.services.config.dataDir, 'wrong-role.ndjson'))).toBe(false);
    expect(readCheckpointFile(s.dir)?.records.length).toBe(records);
  });
});

describe('an archive interrupted after its signed record', () => {
  it('verifies (the events are still there) and a new run completes it', async () => {
    const s = await scenario();
    const { rows } = await s.context.services.pool.query<{ hash: string }>(
      `select encode(hash, 'hex') as hash from audit_event where seq = 10`,
    );
    // What a crash between the signed record and the delete leaves behind.
    appendCheckpointRecord(s.dir, s.signer, {
      type: 'archive',
      fromSeq: '1',
      seq: '10',
      headHash: rows[0]?.hash ?? '',
      bundleSha256: 'ab'.repeat(32),
      note: 'interrupted',
      at: new Date().toISOString(),
    });
    expect(await withCheckpoints(s)).toMatchObject({ ok: true, checked: 20 });
    expect(await offline(s)).toMatchObject({ ok: true, checked: 20 });
    expect(await archive(s, 2)).toMatchObject({ kind: 'archived', events: 10 });
    expect(await withCheckpoints(s)).toMatchObject({ ok: true, archive: { throughSeq: '10' } });
    expect(await offline(s)).toMatchObject({ ok: true });
  });
});

describe('tampering as the PostgreSQL superuser, detected', () => {
  it('old events deleted without an archive (up to a checkpoint, the boundary left alone)', async () => {
    const s = await scenario();
    await asSuperuser(s.context, (client) =>
      client.query('delete from audit_event where seq <= 10'),
    );
    expect((await online(s)).firstProblem).toMatchObject({ seq: '1', problem: 'missing' });
    expect((await withCheckpoints(s)).firstProblem).toMatchObject({ seq: '1', problem: 'missing' });
    // Offline, a log that starts just past a checkpoint is no longer taken for a whole one.
    expect((await offline(s)).firstProblem).toMatchObject({
      seq: '11',
      problem: 'incomplete_export',
    });
  });

  it('a boundary row forged without a signed archive record', async () => {
    const s = await scenario();
    await asSuperuser(s.context, async (client) => {
      await client.query(
        `insert into audit_archive (through_seq, through_hash, bundle_sha256)
         select 10, hash, sha256('no bundle') from audit_event where seq = 10`,
      );
      await client.query('delete from audit_event where seq <= 10');
    });
    // The database alone cannot tell: that is what the signed archive records are for.
    expect(await online(s)).toMatchObject({ ok: true, archive: { throughSeq: '10' } });
    expect((await withCheckpoints(s)).firstProblem).toMatchObject({
      seq: '10',
      problem: 'unsigned_archive',
    });
    expect((await offline(s)).firstProblem).toMatchObject({ problem: 'incomplete_export' });
  });

  it('after a real archive: more events deleted and the boundary moved on', async () => {
    const s = await scenario();
    expect((await archive(s, 2)).kind).toBe('archived');
    await asSuperuser(s.context, async (client) => {
      await client.query(
        `insert into audit_archive (through_seq, through_hash, bundle_sha256)
         select 15, hash, sha256('no bundle') from audit_event where seq = 15`,
      );
      await client.query('delete from audit_event where seq <= 15');
    });
    expect((await withCheckpoints(s)).firstProblem).toMatchObject({
      seq: '15',
      problem: 'unsigned_archive',
    });
    expect((await offline(s)).firstProblem).toMatchObject({
      seq: '16',
      problem: 'incomplete_export',
    });
  });

  it('after a real archive: the boundary row removed, or archived events put back', async () => {
    const s = await scenario();
    expect((await archive(s, 2)).kind).toBe('archived');
    await asSuperuser(s.context, (client) =>
      client.query(
        `insert into audit_event (seq, at, actor_label, action, outcome, hash)
         values (5, now(), 'cli', 'organization.created', 'success', sha256('x'))`,
      ),
    );
    expect((await online(s)).firstProblem).toMatchObject({ seq: '5', problem: 'out_of_order' });
    await asSuperuser(s.context, async (client) => {
      await client.query('delete from audit_event where seq = 5');
      await client.query('delete from audit_archive');
    });
    expect((await online(s)).firstProblem).toMatchObject({ seq: '1', problem: 'missing' });
    expect((await withCheckpoints(s)).firstProblem).toMatchObject({ seq: '1', problem: 'missing' });
  });
});

describe('an installation upgraded from the HMAC chain', () => {
  it('archives the HMAC segment: verified with the old key online, linked through stored hashes offline', async () => {
    const context = await startTestContext({ jobs: { enabled: false } });
    opened.push(context);
    const key = context.services.keys.audit;
    // Five HMAC-chained events three months ago, then the keyless switch at 6.
    await asSuperuser(context, async (client) => {
      let hash: Buffer = GENESIS_HASH;
      for (let seq = 1; seq <= 5; seq += 1) {
        const row = {
          seq: String(seq),
          at: monthsAgo(3),
          actor_id: null,
          actor_label: 'cli',
          actor_role: null,
          ip: null,
          user_agent: null,
          request_id: null,
          action: 'organization.created',
          target_type: 'Organization',
          target_id: `old-${seq}`,
          target_label: null,
          outcome: 'success',
          reason: null,
          diff: null,
          details: null,
          hash: Buffer.alloc(0),
        } satisfies AuditRow;
        hash = legacyHmacHash(key, hash, contentOfRow(row));
        await client.query(
          `insert into audit_event (seq, at, actor_label, action, target_type, target_id, outcome, hash)
           values ($1, $2, 'cli', 'organization.created', 'Organization', $3, 'success', $4)`,
          [seq, row.at.toISOString(), row.target_id, hash],
        );
      }
      await client.query('update audit_chain_head set seq = 5, hash = $1 where id = 1', [hash]);
      await client.query('update audit_chain_formula set keyless_from = 6 where id = 1');
    });
    await appendAt(context, 3, 'm1', monthsAgo(1));
    const s = {
      context,
      signer: loadCheckpointSigner(context.services.config),
      dir: checkpointDir(context.services.config),
    };
    await checkpoint(s);
    const outcome = await archive(s, 2);
    expect(outcome).toMatchObject({ kind: 'archived', events: 5, backfilled: true });
    expect(await withCheckpoints(s)).toMatchObject({ ok: true, archive: { throughSeq: '5' } });
    expect(await offline(s)).toMatchObject({ ok: true, checkpoints: { legacyUnchecked: 0 } });
    const bundle = join(context.services.config.dataDir, 'archive-2.ndjson');
    expect(await verifyExportFile(bundle, [s.signer.publicKey])).toMatchObject({
      ok: true,
      checkpoints: { legacyUnchecked: 5 },
    });
  });
});

describe('the CLI', () => {
  it('archive, verify and verify-export; refusals print one line and an exit code, never a stack', {
    timeout: CLI_TEST_MS * 3,
  }, async () => {
    const context = await startTestContext({ jobs: { enabled: false } });
    opened.push(context);
    const s = {
      context,
      signer: loadCheckpointSigner(context.services.config),
      dir: checkpointDir(context.services.config),
    };
    // Seq 1..3 two months ago under a checkpoint; 4..5 last month, not yet.
    await appendAt(context, 3, 'm2', monthsAgo(2));
    await checkpoint(s);
    await appendAt(context, 2, 'm1', monthsAgo(1));
    const bundle = join(context.services.config.dataDir, 'cli-archive.ndjson');
    const run = (back: number, on: TestContext = context) =>
      runCli(on, ['audit', 'archive', '--before', before(back), '--out', bundle]);
    const current = await run(-1);
    expect(current.code).toBe(2);
    expect(current.stderr).toContain('would archive the current month');
    const uncovered = await run(0);
    expect(uncovered.code).toBe(4);
    expect(uncovered.stderr).toContain(
      'not all under a signed checkpoint: the last one signs seq 3',
    );
    // One role for everything and no DATABASE_OWNER_URL: refused, saying what to set.
    const noOwner = await run(1, {
      ...context,
      databaseEnv: { DATABASE_URL: context.ownerUrl, DATABASE_OWNER_URL: '' },
    });
    expect(noOwner.code).toBe(4);
    expect(noOwner.stderr).toContain('DATABASE_OWNER_URL');
    const archived = await run(1);
    expect(archived.code, archived.stderr).toBe(0);
    expect(archived.stdout).toContain('archived 3 events (seq 1..3)');
    const verified = await runCli(context, ['audit', 'verify', '--checkpoints', s.dir]);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toContain('events up to seq 3 are archived');
    const alone = await runCli(context, [
      'audit',
      'verify-export',
      bundle,
      '--public-key',
      s.signer.publicKey.toString('base64'),
    ]);
    expect(alone.code, alone.stdout).toBe(0);
    expect(alone.stdout).toContain('an archive of events 1..3');
    for (const result of [current, uncovered, noOwner, archived, verified, alone])
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at /);
  });
});

describe.skipIf(!rsyslogAvailable)('the SIEM stream after an archive', () => {
  it('a stream that starts behind the archive boundary starts after it: no gap, no wait', {
    timeout: SIEM_DELIVERY_MS,
  }, async () => {
    const s = await scenario();
    const outcome = await archive(s, 2);
    expect(outcome.kind).toBe('archived');
    const rsyslog: Rsyslog = await startRsyslog();
    const worker = new SiemWorker(s.context.services, streamSettings(rsyslog));
    try {
      worker.start();
      const head = await s.context.services.pool.query<{ boundary: string; head: string }>(
        `select (select max(through_seq) from audit_archive)::text as boundary,
                (select seq from audit_chain_head)::text as head`,
      );
      const boundary = Number(head.rows[0]?.boundary);
      const last = Number(head.rows[0]?.head);
      // Events only: checkpoint records (MSGID audit.checkpoint) carry the seq they sign.
      const events = async () =>
        (await rsyslog.received())
          .filter((line) => line.split(' ')[5] !== 'audit.checkpoint')
          .map((line) => Number(/ seq="(\d+)"/.exec(line)?.[1]));
      await waitUntil('the stream reaches the head', SIEM_DELIVERY_MS, async () =>
        (await events()).includes(last),
      );
      const received = [...new Set(await events())];
      expect(received).toEqual(
        Array.from({ length: last - boundary }, (_, index) => boundary + 1 + index),
      );
    } finally {
      await worker.stop();
      await rsyslog.close();
    }
  });
});

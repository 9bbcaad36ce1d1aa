import { appendFileSync, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpointAnchors } from '../../server/audit/anchors.ts';
import { AUDIT_ROW_COLUMNS, type AuditRow, contentOfRow } from '../../server/audit/auditRow.ts';
import { GENESIS_HASH, keylessHash, legacyHmacHash } from '../../server/audit/chain.ts';
import {
  CHECKPOINT_FILE,
  type CheckpointSigner,
  checkpointDir,
  loadCheckpointSigner,
  readCheckpointFile,
  rotateCheckpointKey,
} from '../../server/audit/checkpoints.ts';
import {
  CheckpointWorker,
  recordRestore,
  writeCheckpoint,
} from '../../server/audit/checkpointWriter.ts';
import { verifyAuditChain } from '../../server/audit/verify.ts';
import { verifyExportFile } from '../../server/audit/verifyExport.ts';
import type { VerifyResult } from '../../server/audit/verifyResult.ts';
import { streamAuditExport } from '../../server/commands/auditLog/export.ts';
import { runCli } from '../support/cli.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  appendEvents,
  asSuperuser,
  CONTENT_COLUMNS,
  deleteAndRenumber,
  deleteTail,
  editAndRechain,
  insertForged,
  rechain,
  rewindHead,
  swapEvents,
  truncateLog,
} from '../support/tamper.ts';
import { CLI_TEST_MS } from '../support/timeouts.ts';

/** Events written before the tampering: checkpoints at seq 10 and at the head (20). */
const EVENTS = 20;
const FIRST_CHECKPOINT = 10;

interface Scenario {
  context: TestContext;
  signer: CheckpointSigner;
  dir: string;
}

const opened: TestContext[] = [];
afterAll(async () => {
  await Promise.all(opened.map((context) => context.close()));
});

/** A database of its own with EVENTS events and signed checkpoints at seq 10 and 20. */
async function scenario(): Promise<Scenario> {
  const context = await startTestContext({ jobs: { enabled: false } });
  opened.push(context);
  const signer = loadCheckpointSigner(context.services.config);
  await appendEvents(context, FIRST_CHECKPOINT, 'early');
  expect((await writeCheckpoint(context.services, signer, { force: true })).kind).toBe('written');
  await appendEvents(context, EVENTS - FIRST_CHECKPOINT, 'late');
  expect((await writeCheckpoint(context.services, signer, { force: true })).kind).toBe('written');
  return { context, signer, dir: checkpointDir(context.services.config) };
}

/** Verification with the signed checkpoints (keyring of the directory). */
function verifyWithCheckpoints({ context, dir }: Scenario): Promise<VerifyResult> {
  return verifyAuditChain(context.services.pool, {
    legacyKey: context.services.keys.audit,
    checkpoints: loadCheckpointAnchors(dir),
  });
}

/** Exports the whole log (NDJSON, with its checkpoints) and verifies it offline. */
async function verifyOffline({ context, dir, signer }: Scenario): Promise<VerifyResult> {
  const file = join(context.services.config.dataDir, `export-${Date.now()}.ndjson`);
  const stream = await streamAuditExport(context.services.pool, {}, 'ndjson', dir);
  await pipeline(stream, createWriteStream(file));
  return verifyExportFile(file, [signer.publicKey]);
}

async function expectDetected(
  s: Scenario,
  expected: { seq: number; problem: string },
  offline = true,
): Promise<void> {
  const result = await verifyWithCheckpoints(s);
  expect(result.ok).toBe(false);
  expect(result.firstProblem).toMatchObject({
    seq: String(expected.seq),
    problem: expected.problem,
  });
  if (offline) expect((await verifyOffline(s)).ok).toBe(false);
}

describe('signed checkpoints: an intact log', () => {
  it('verifies with the checkpoints, online and offline; events past the last checkpoint are counted as unsigned', async () => {
    const s = await scenario();
    await appendEvents(s.context, 3, 'tail');
    const online = await verifyWithCheckpoints(s);
    expect(online).toMatchObject({ ok: true, checked: EVENTS + 3, firstProblem: null });
    expect(online.checkpoints).toMatchObject({
      records: 2,
      lastSeq: String(EVENTS),
      unsignedTail: 3,
    });
    const offline = await verifyOffline(s);
    expect(offline).toMatchObject({ ok: true, checked: EVENTS + 3 });
    // The file holds signed records and nothing of the database's secrets.
    const file = readCheckpointFile(s.dir);
    expect(file?.records.map((record) => record.type)).toEqual(['checkpoint', 'checkpoint']);
  });
});

describe('verification from the last signed checkpoint (--since-checkpoint)', () => {
  const sinceCheckpoint = ({ context, dir }: Scenario) =>
    verifyAuditChain(context.services.pool, {
      legacyKey: context.services.keys.audit,
      checkpoints: loadCheckpointAnchors(dir),
      sinceLastCheckpoint: true,
    });

  it('walks only the events after it, and reports where it started', async () => {
    const s = await scenario();
    await appendEvents(s.context, 3, 'tail');
    const result = await sinceCheckpoint(s);
    expect(result).toMatchObject({ ok: true, checked: 3, sinceCheckpoint: String(EVENTS) });
    expect(result.checkpoints).toMatchObject({ unsignedTail: 3 });
  });

  it('finds a rewrite before the checkpoint that recomputed the hashes (the signed event changed)', async () => {
    const s = await scenario();
    await asSuperuser(s.context, async (client) => {
      await client.query(`update audit_event set target_label = 'forged' where seq = 5`);
      await rechain(client, 5);
    });
    const result = await sinceCheckpoint(s);
    expect(result.firstProblem).toMatchObject({
      seq: String(EVENTS),
      problem: 'checkpoint_mismatch',
    });
  });

  it('finds the signed event deleted and the head rewound', async () => {
    const s = await scenario();
    await asSuperuser(s.context, async (client) => {
      await client.query('delete from audit_event where seq > 17');
      await rewindHead(client, 17);
    });
    expect((await sinceCheckpoint(s)).firstProblem).toMatchObject({
      seq: String(EVENTS),
      problem: 'truncated',
    });
  });

  it('finds an event after it edited; an edit before it that kept the hashes needs the full walk', async () => {
    const s = await scenario();
    await appendEvents(s.context, 2, 'tail');
    await asSuperuser(s.context, async (client) => {
      await client.query(`update audit_event set reason = 'forged' where seq = $1`, [EVENTS + 1]);
      await client.query(`update audit_event set reason = 'forged' where seq = 3`);
    });
    expect((await sinceCheckpoint(s)).firstProblem).toMatchObject({
      seq: String(EVENTS + 1),
      problem: 'hash_mismatch',
    });
    expect((await verifyWithCheckpoints(s)).firstProblem).toMatchObject({
      seq: '3',
      problem: 'hash_mismatch',
    });
  });
});

describe('the walk split across worker threads', () => {
  const walk = (s: Scenario, threads: number, rangeEvents = 4, workersOnly = true) =>
    verifyAuditChain(s.context.services.pool, {
      legacyKey: s.context.services.keys.audit,
      checkpoints: loadCheckpointAnchors(s.dir),
      threads,
      parallelFrom: 1,
      rangeEvents,
      workersOnly,
    });
  const cases: { name: string; tamper: (s: Scenario) => Promise<unknown> }[] = [
    { name: 'an intact log', tamper: async () => undefined },
    { name: 'an old event edited and rechained', tamper: (s) => editAndRechain(s.context, 5) },
    {
      name: 'the newest event edited and rechained',
      tamper: (s) => editAndRechain(s.context, EVENTS),
    },
    {
      name: 'an event deleted, the rest renumbered',
      tamper: (s) => deleteAndRenumber(s.context, 12),
    },
    {
      name: 'an event deleted at a range boundary',
      tamper: (s) =>
        asSuperuser(s.context, (client) => client.query('delete from audit_event where seq = 12')),
    },
    {
      name: 'the newest events deleted, the head rewound',
      tamper: (s) => deleteTail(s.context, 17),
    },
    { name: 'a forged event inserted', tamper: (s) => insertForged(s.context, 14) },
    { name: 'two events swapped', tamper: (s) => swapEvents(s.context, 3, 16) },
    { name: 'the table truncated', tamper: (s) => truncateLog(s.context) },
  ];
  for (const { name, tamper } of cases)
    it(`reports what one thread reports: ${name}`, async () => {
      const s = await scenario();
      await appendEvents(s.context, 3, 'tail');
      await tamper(s);
      const alone = await walk(s, 1);
      // Ranges of 4 put a boundary at event 12; ranges of 1 and 7 move every other one. The
      // workers walk every range, or this thread starts and they join.
      for (const [threads, rangeEvents, workersOnly] of [
        [2, 4, true],
        [3, 1, true],
        [7, 7, true],
        [2, 1, false],
      ] as const)
        expect(
          await walk(s, threads, rangeEvents, workersOnly),
          `${threads} threads, ranges of ${rangeEvents}${workersOnly ? ', workers only' : ''}`,
        ).toEqual(alone);
    });

  it('reports a row past the head from the last range', async () => {
    const s = await scenario();
    await asSuperuser(s.context, async (client) => {
      await client.query(
        `insert into audit_event (seq, ${CONTENT_COLUMNS}, hash)
         select seq + 100, ${CONTENT_COLUMNS}, hash from audit_event where seq = 3`,
      );
    });
    const alone = await walk(s, 1);
    expect(alone.firstProblem).toMatchObject({
      problem: 'beyond_head',
      seq: '103',
    });
    expect(await walk(s, 2)).toEqual(alone);
  });
});

describe('tampering as the PostgreSQL superuser, detected with the checkpoints', () => {
  it('an edited old event with every later hash recomputed and the head moved', async () => {
    const s = await scenario();
    await asSuperuser(s.context, async (client) => {
      await client.query(`update audit_event set target_label = 'forged' where seq = 5`);
      await rechain(client, 5);
    });
    // The database alone is satisfied: that is why the checkpoints exist.
    expect((await verifyAuditChain(s.context.services.pool, { legacyKey: null })).ok).toBe(true);
    await expectDetected(s, { seq: FIRST_CHECKPOINT, problem: 'checkpoint_mismatch' });
  });

  it('the newest event edited, its hash recomputed and the head moved', async () => {
    const s = await scenario();
    await asSuperuser(s.context, async (client) => {
      await client.query(`update audit_event set reason = 'forged' where seq = $1`, [EVENTS]);
      await rechain(client, EVENTS);
    });
    await expectDetected(s, { seq: EVENTS, problem: 'checkpoint_mismatch' });
  });

  it('an old event deleted', async () => {
    const s = await scenario();
    await asSuperuser(s.context, (client) =>
      client.query('delete from audit_event where seq = 5').then(() => undefined),
    );
    await expectDetected(s, { seq: 5, problem: 'missing' });
  });

  it('the newest event deleted (head left)', async () => {
    const s = await scenario();
    await asSuperuser(s.context, (client) =>
      client.query('delete from audit_event where seq = $1', [EVENTS]).then(() => undefined),
    );
    await expectDetected(s, { seq: EVENTS, problem: 'missing' });
  });

  it('the newest events deleted and the head rewound', async () => {
    const s = await scenario();
    await asSuperuser(s.context, async (client) => {
      await client.query('delete from audit_event where seq > 17');
      await rewindHead(client, 17);
    });
    // Without the checkpoints nothing is amiss.
    expect((await verifyAuditChain(s.context.services.pool, { legacyKey: null })).ok).toBe(true);
    await expectDetected(s, { seq: 18, problem: 'truncated' });
  });

  it('everything from an old event on deleted and the head rewound', async () => {
    const s = await scenario();
    await asSuperuser(s.context, async (client) => {
      await client.query('delete from audit_event where seq >= 5');
      await rewindHead(client, 4);
    });
    await expectDetected(s, { seq: 5, problem: 'truncated' });
  });

  it('a forged event inserted among old ones (later events renumbered, hashes recomputed)', async () => {
    const s = await scenario();
    await insertForged(s.context, 6);
    await expectDetected(s, { seq: FIRST_CHECKPOINT, problem: 'checkpoint_mismatch' });
  });

  it('a forged event inserted as the newest signed one (the last moved on, hashes recomputed)', async () => {
    const s = await scenario();
    await asSuperuser(s.context, async (client) => {
      await client.query(
        `insert into audit_event select seq + 1, ${CONTENT_COLUMNS}, hash from audit_event where seq = $1`,
        [EVENTS],
      );
      await client.query(
        `update audit_event set target_label = 'forged', details = '{"forged":true}' where seq = $1`,
        [EVENTS],
      );
      await rechain(client, EVENTS);
    });
    await expectDetected(s, { seq: EVENTS, problem: 'checkpoint_mismatch' });
  });

  it('a forged row past the head (well hashed, head not moved)', async () => {
    const s = await scenario();
    await asSuperuser(s.context, async (client) => {
      const { rows } = await client.query<AuditRow>(
        `select ${AUDIT_ROW_COLUMNS} from audit_event e where e.seq = $1`,
        [EVENTS],
      );
      const row = rows[0] as AuditRow;
      const forged = { ...row, seq: String(EVENTS + 1), target_label: 'forged' };
      await client.query(
        `insert into audit_event select $2::bigint, ${CONTENT_COLUMNS.replace('target_label', `'forged'`)}, $3 from audit_event where seq = $1`,
        [EVENTS, EVENTS + 1, keylessHash(row.hash, contentOfRow(forged))],
      );
    });
    // The database's own check and the checkpoint check both name it.
    const result = await verifyWithCheckpoints(s);
    expect(result.firstProblem).toMatchObject({ seq: String(EVENTS + 1), problem: 'beyond_head' });
    expect(
      (await verifyAuditChain(s.context.services.pool, { legacyKey: null })).firstProblem,
    ).toMatchObject({ problem: 'beyond_head' });
  });

  it('two old events swapped, hashes recomputed', async () => {
    const s = await scenario();
    await swapEvents(s.context, 4, 5);
    await expectDetected(s, { seq: FIRST_CHECKPOINT, problem: 'checkpoint_mismatch' });
  });

  it('the two newest events swapped, hashes recomputed', async () => {
    const s = await scenario();
    await swapEvents(s.context, EVENTS - 1, EVENTS);
    await expectDetected(s, { seq: EVENTS, problem: 'checkpoint_mismatch' });
  });

  it('two events swapped without recomputing: the stored hash gives it away', async () => {
    const s = await scenario();
    await swapEvents(s.context, 4, 5, false);
    await expectDetected(s, { seq: 4, problem: 'hash_mismatch' });
  });

  it('the table truncated and the head reset', async () => {
    const s = await scenario();
    await truncateLog(s.context);
    expect((await verifyAuditChain(s.context.services.pool, { legacyKey: null })).ok).toBe(true);
    await expectDetected(s, { seq: 1, problem: 'truncated' });
  });
});

describe('checkpoint writing', () => {
  it('never signs a head that does not follow from the last checkpoint', async () => {
    const s = await scenario();
    await asSuperuser(s.context, async (client) => {
      await client.query(`update audit_event set target_label = 'forged' where seq = 15`);
      await rechain(client, 15);
    });
    await appendEvents(s.context, 2, 'after');
    const outcome = await writeCheckpoint(s.context.services, s.signer, { force: true });
    expect(outcome.kind).toBe('refused');
    expect(readCheckpointFile(s.dir)?.records).toHaveLength(2);
  });

  it('names the first event since the last checkpoint that does not match its hash', async () => {
    const s = await scenario();
    await appendEvents(s.context, 2, 'after');
    // The first of the two, past the last checkpoint: edited, the later hash left as it was.
    const { rows } = await s.context.services.pool.query<{ seq: string }>(
      'select (max(seq) - 1)::text as seq from audit_event',
    );
    const seq = rows[0]?.seq;
    await asSuperuser(s.context, async (client) => {
      await client.query(`update audit_event set target_label = 'forged' where seq = $1`, [seq]);
    });
    const outcome = await writeCheckpoint(s.context.services, s.signer, { force: true });
    expect(outcome).toMatchObject({
      kind: 'refused',
      detail: expect.stringMatching(new RegExp(`^event ${seq}: event ${seq} does not match`)),
    });
    expect(readCheckpointFile(s.dir)?.records).toHaveLength(2);
  });

  it('after a refusal, the writer walks again only a checkpoint interval later', async () => {
    const s = await scenario();
    const worker = new CheckpointWorker(s.context.services);
    // An intact log: the timer keeps its beat.
    expect((await worker.tick(true))?.kind).toBe('not_due');
    expect(worker.nextAttemptAt).toBe(0);
    await asSuperuser(s.context, async (client) => {
      await client.query(`update audit_event set target_label = 'forged' where seq = 15`);
      await rechain(client, 15);
    });
    await appendEvents(s.context, 1, 'after');
    const before = Date.now();
    expect((await worker.tick(true))?.kind).toBe('refused');
    const interval = s.context.services.config.audit.checkpoints.everySeconds * 1000;
    expect(worker.nextAttemptAt).toBeGreaterThanOrEqual(before + interval);
  });

  it('writes when due: every N events, not before', async () => {
    const context = await startTestContext({
      jobs: { enabled: false },
      audit: { checkpoints: { everyEvents: 5, everySeconds: 3600 } },
    });
    opened.push(context);
    const signer = loadCheckpointSigner(context.services.config);
    await appendEvents(context, 3, 'a');
    // No checkpoint yet: the first one is due at once (no previous one to measure from).
    expect((await writeCheckpoint(context.services, signer)).kind).toBe('written');
    await appendEvents(context, 4, 'b');
    expect((await writeCheckpoint(context.services, signer)).kind).toBe('not_due');
    await appendEvents(context, 1, 'c');
    expect((await writeCheckpoint(context.services, signer)).kind).toBe('written');
  });

  it('a restore from backup: refused until confirmed, then recorded as signed, and the log verifies', async () => {
    const s = await scenario();
    // "The backup": the database as it was at seq 14.
    await asSuperuser(s.context, async (client) => {
      await client.query('delete from audit_event where seq > 14');
      await rewindHead(client, 14);
    });
    const behind = await writeCheckpoint(s.context.services, s.signer, { force: true });
    expect(behind).toMatchObject({ kind: 'behind', headSeq: '14', lastSeq: String(EVENTS) });
    expect((await verifyWithCheckpoints(s)).firstProblem?.problem).toBe('truncated');
    // The operator must confirm the head they see.
    expect((await recordRestore(s.context.services, s.signer, 13n)).kind).toBe('refused');
    const restored = await recordRestore(s.context.services, s.signer, 14n);
    expect(restored.kind).toBe('recorded');
    if (restored.kind !== 'recorded') return;
    expect(restored.record).toMatchObject({
      type: 'restore',
      seq: '14',
      restoredFrom: { index: 0, seq: String(FIRST_CHECKPOINT) },
      lastSeq: String(EVENTS),
    });
    expect(restored.record.note).toContain('restored from checkpoint #0');
    expect(await verifyWithCheckpoints(s)).toMatchObject({ ok: true });
    // Life goes on: new events, a new checkpoint, all verifiable online and offline.
    await appendEvents(s.context, 8, 'after restore');
    expect((await writeCheckpoint(s.context.services, s.signer, { force: true })).kind).toBe(
      'written',
    );
    const online = await verifyWithCheckpoints(s);
    expect(online).toMatchObject({ ok: true, checkpoints: { restores: 1, lastSeq: '22' } });
    expect((await verifyOffline(s)).ok).toBe(true);
  });

  it('a "restore" of an edited database is refused as tampering', async () => {
    const s = await scenario();
    await asSuperuser(s.context, async (client) => {
      await client.query(`update audit_event set target_label = 'forged' where seq = 3`);
      await client.query('delete from audit_event where seq > 14');
      await rechain(client, 3);
    });
    const outcome = await recordRestore(s.context.services, s.signer, 14n);
    expect(outcome.kind).toBe('refused');
    expect(readCheckpointFile(s.dir)?.records).toHaveLength(2);
  });

  it('key rotation: old checkpoints stay valid; the old public key alone verifies offline', async () => {
    const s = await scenario();
    const next = rotateCheckpointKey(s.context.services.config, s.signer);
    expect(next.keyId).not.toBe(s.signer.keyId);
    expect(loadCheckpointSigner(s.context.services.config).keyId).toBe(next.keyId);
    await appendEvents(s.context, 2, 'rotated');
    expect((await writeCheckpoint(s.context.services, next, { force: true })).kind).toBe('written');
    expect(await verifyWithCheckpoints(s)).toMatchObject({ ok: true, checkpoints: { records: 4 } });
    expect((await verifyOffline(s)).ok).toBe(true);
    // A key nobody trusts.
    const stranger = await startTestContext({ jobs: { enabled: false } });
    opened.push(stranger);
    const strangerKey = loadCheckpointSigner(stranger.services.config);
    const file = join(s.context.services.config.dataDir, 'bundle.ndjson');
    await pipeline(
      await streamAuditExport(s.context.services.pool, {}, 'ndjson', s.dir),
      createWriteStream(file),
    );
    expect((await verifyExportFile(file, [strangerKey.publicKey])).firstProblem).toMatchObject({
      problem: 'unknown_key',
    });
  });
});

describe('a damaged checkpoint file or bundle is reported, never thrown', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await scenario();
  });

  it('a bad signature (a signed hash changed)', async () => {
    const path = join(s.dir, CHECKPOINT_FILE);
    const original = readFileSync(path, 'utf8');
    const lines = original.trimEnd().split('\n');
    const record = JSON.parse(lines[0] as string);
    record.headHash = 'ab'.repeat(32);
    writeFileSync(path, `${[JSON.stringify(record), ...lines.slice(1)].join('\n')}\n`);
    try {
      expect((await verifyWithCheckpoints(s)).firstProblem).toMatchObject({
        seq: String(FIRST_CHECKPOINT),
        problem: 'bad_signature',
      });
    } finally {
      writeFileSync(path, original);
    }
  });

  it('a removed line', async () => {
    const path = join(s.dir, CHECKPOINT_FILE);
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, `${original.trimEnd().split('\n').slice(1).join('\n')}\n`);
    try {
      expect((await verifyWithCheckpoints(s)).firstProblem?.problem).toBe('bad_checkpoint');
    } finally {
      writeFileSync(path, original);
    }
  });

  it('CLI: a non-JSON line, a missing directory, a bundle with garbage: one line each, exit 3, no stack', {
    timeout: CLI_TEST_MS * 3,
  }, async () => {
    const path = join(s.dir, CHECKPOINT_FILE);
    const original = readFileSync(path, 'utf8');
    appendFileSync(path, 'this is not json\n');
    let broken: Awaited<ReturnType<typeof runCli>>;
    try {
      broken = await runCli(s.context, ['audit', 'verify', '--checkpoints', s.dir]);
      expect(broken.code, broken.stderr).toBe(3);
      expect(broken.stdout).toContain('(bad_checkpoint)');
      expect(broken.stdout).toContain('line 3 is not JSON');
    } finally {
      writeFileSync(path, original);
    }
    const missing = await runCli(s.context, [
      'audit',
      'verify',
      '--checkpoints',
      join(s.dir, 'nowhere'),
    ]);
    expect(missing.code).toBe(3);
    expect(missing.stdout).toContain('holds no checkpoint file');
    const bundle = join(s.context.services.config.dataDir, 'garbage.ndjson');
    writeFileSync(bundle, 'not json\n');
    const garbage = await runCli(s.context, [
      'audit',
      'verify-export',
      bundle,
      '--public-key',
      s.signer.publicKey.toString('base64'),
    ]);
    expect(garbage.code).toBe(3);
    expect(garbage.stdout).toContain('line 1 is not JSON');
    const noBundle = await runCli(s.context, [
      'audit',
      'verify-export',
      join(s.dir, 'no-such.ndjson'),
      '--public-key',
      s.signer.publicKey.toString('base64'),
    ]);
    expect(noBundle.code).toBe(3);
    expect(noBundle.stdout).toContain('no such file');
    for (const run of [broken, missing, garbage, noBundle])
      expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at /);
  });
});

describe('the CLI end to end', () => {
  it('checkpoint-key show, checkpoint, export bundle, verify-export, and a forged row past the head', {
    timeout: CLI_TEST_MS * 4,
  }, async () => {
    const s = await scenario();
    const shown = await runCli(s.context, ['audit', 'checkpoint-key', 'show']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(s.signer.keyId);
    expect(shown.stdout).toContain(s.signer.publicKey.toString('base64'));
    const exported = await runCli(s.context, ['audit', 'export', '--format', 'ndjson']);
    expect(exported.code, exported.stderr).toBe(0);
    const bundle = join(s.context.services.config.dataDir, 'cli-bundle.ndjson');
    writeFileSync(bundle, exported.stdout);
    expect(exported.stdout).toContain('"checkpoint"');
    const offline = await runCli(s.context, [
      'audit',
      'verify-export',
      bundle,
      '--public-key',
      s.signer.publicKey.toString('base64'),
    ]);
    expect(offline.code, offline.stdout + offline.stderr).toBe(0);
    expect(offline.stdout).toContain('audit chain intact');
    // Issue 15: this used to end in a stack trace.
    await asSuperuser(s.context, (client) =>
      client
        .query(
          `insert into audit_event select seq + 1, ${CONTENT_COLUMNS}, hash from audit_event where seq = $1`,
          [EVENTS + 1],
        )
        .then(() => undefined),
    );
    const verify = await runCli(s.context, ['audit', 'verify', '--checkpoints', s.dir]);
    expect(verify.code).toBe(3);
    expect(verify.stdout).toContain(`BROKEN at event seq ${EVENTS + 2} (beyond_head)`);
    expect(`${verify.stdout}${verify.stderr}`).not.toMatch(/\n\s+at /);
  });
});

describe('an installation upgraded from the HMAC chain', () => {
  it('verifies HMAC events below the switch with the old key and keyless ones above; checkpoints sign both', async () => {
    const context = await startTestContext({ jobs: { enabled: false } });
    opened.push(context);
    const key = context.services.keys.audit;
    // The history before the upgrade: five HMAC-chained events, then the switch at 6.
    await asSuperuser(context, async (client) => {
      let hash: Buffer = GENESIS_HASH;
      for (let seq = 1; seq <= 5; seq += 1) {
        const at = new Date(Date.UTC(2026, 0, seq)).toISOString();
        const row = {
          seq: String(seq),
          at: new Date(at),
          actor_id: null,
          actor_label: 'cli',
          actor_role: null,
          ip: null,
          user_agent: null,
          request_id: null,
          action: 'organization.created',
          target_type: 'Organization',
          target_id: `old-${seq}`,
          target_label: `Old ${seq}`,
          outcome: 'success',
          reason: null,
          diff: null,
          details: { seq },
          hash: Buffer.alloc(0),
        } satisfies AuditRow;
        hash = legacyHmacHash(key, hash, contentOfRow(row));
        await client.query(
          `insert into audit_event (seq, at, actor_label, action, target_type, target_id,
             target_label, outcome, details, hash)
           values ($1, $2, 'cli', 'organization.created', 'Organization', $3, $4, 'success', $5, $6)`,
          [seq, at, row.target_id, row.target_label, JSON.stringify(row.details), hash],
        );
      }
      await client.query('update audit_chain_head set seq = 5, hash = $1 where id = 1', [hash]);
      await client.query('update audit_chain_formula set keyless_from = 6 where id = 1');
    });
    await appendEvents(context, 5, 'new');
    const { pool } = context.services;
    expect(await verifyAuditChain(pool, { legacyKey: key })).toMatchObject({
      ok: true,
      checked: 10,
    });
    expect(
      (await verifyAuditChain(pool, { legacyKey: Buffer.alloc(32, 7) })).firstProblem,
    ).toMatchObject({
      seq: '1',
      problem: 'hash_mismatch',
    });
    const signer = loadCheckpointSigner(context.services.config);
    const written = await writeCheckpoint(context.services, signer, { force: true });
    expect(written).toMatchObject({ kind: 'written', record: { seq: '10', keylessFrom: '6' } });
    const s = { context, signer, dir: checkpointDir(context.services.config) };
    expect(await verifyWithCheckpoints(s)).toMatchObject({ ok: true });
    // Offline, without the HMAC key: the old events are counted, the keyless ones recomputed.
    expect(await verifyOffline(s)).toMatchObject({
      ok: true,
      checkpoints: { legacyUnchecked: 5 },
    });
    // Moving the switch point is seen against the signed value.
    await asSuperuser(context, (client) =>
      client
        .query('update audit_chain_formula set keyless_from = 4 where id = 1')
        .then(() => undefined),
    );
    expect((await verifyWithCheckpoints(s)).firstProblem?.problem).toBe('formula_mismatch');
  });
});

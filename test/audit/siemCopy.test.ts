import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type CheckpointSigner,
  checkpointDir,
  loadCheckpointSigner,
  rotateCheckpointKey,
} from '../../server/audit/checkpoints.ts';
import { recordRestore, writeCheckpoint } from '../../server/audit/checkpointWriter.ts';
import type { CopyItem } from '../../server/audit/siemCopy.ts';
import type { VerifyResult } from '../../server/audit/verifyResult.ts';
import { ident } from '../../server/db/roles.ts';
import { receivedItems } from '../../server/siem/receivedCopy.ts';
import { verifyAuditLogWith } from '../../server/siem/verifyCopy.ts';
import { SiemWorker } from '../../server/siem/worker.ts';
import { runCli } from '../support/cli.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  type Rsyslog,
  rsyslogAvailable,
  startRsyslog,
  streamSettings,
} from '../support/rsyslog.ts';
import {
  appendEvents,
  asSuperuser,
  deleteAndRenumber,
  deleteTail,
  editAndRechain,
  insertForged,
  rewindHead,
  swapEvents,
  truncateLog,
} from '../support/tamper.ts';
import {
  CLI_TEST_MS,
  SIEM_DELIVERY_MS,
  SIEM_FAULT_TEST_MS,
  waitUntil,
} from '../support/timeouts.ts';

/**
 * The events past the last signed checkpoint against the SIEM receiver's copy (issue 15): a real
 * rsyslog receives the stream of a log with a checkpoint at seq 10 and six events after it; the
 * database as streamed is kept as a template, and every test tampers with a clone of it as the
 * PostgreSQL superuser, then verifies against the same checkpoint directory and rsyslog's file.
 */

const SIGNED = 10;
const TOTAL = 16;

/** Every item of a stored copy, in order. */
async function itemsOf(file: string): Promise<CopyItem[]> {
  const items: CopyItem[] = [];
  for await (const item of receivedItems(file)) items.push(item);
  return items;
}

const seqOf = (item: CopyItem) => (item.kind === 'event' ? Number(item.content.seq) : null);

/** Streams into rsyslog with a worker of its own until `done` holds for what it stored. */
async function streamUntil(
  context: TestContext,
  rsyslog: Rsyslog,
  what: string,
  done: (items: CopyItem[]) => boolean,
): Promise<void> {
  const worker = new SiemWorker(context.services, streamSettings(rsyslog));
  worker.start();
  try {
    await waitUntil(what, SIEM_DELIVERY_MS, async () =>
      done(await itemsOf(join(rsyslog.dir, 'received.log'))),
    );
  } finally {
    await worker.stop();
  }
}

const opened: TestContext[] = [];
afterAll(async () => {
  await Promise.all(opened.splice(0).map((context) => context.close()));
});

describe.runIf(rsyslogAvailable)("verification against the SIEM receiver's copy", () => {
  let rsyslog: Rsyslog;
  let dir: string;
  let copyFile: string;
  let snapshot: string;
  let signer: CheckpointSigner;

  beforeAll(async () => {
    rsyslog = await startRsyslog();
    copyFile = join(rsyslog.dir, 'received.log');
    // Outside every test database's data dir: all the clones share these checkpoints.
    dir = mkdtempSync(join(tmpdir(), 'frisbee-siem-copy-checkpoints-'));
    const base = await startTestContext({
      jobs: { enabled: false },
      audit: { checkpoints: { dir } },
    });
    signer = loadCheckpointSigner(base.services.config);
    await appendEvents(base, SIGNED, 'signed');
    expect((await writeCheckpoint(base.services, signer, { force: true })).kind).toBe('written');
    await appendEvents(base, TOTAL - SIGNED, 'unsigned');
    await streamUntil(
      base,
      rsyslog,
      'the log and its checkpoint at rsyslog',
      (items) =>
        items.some((item) => seqOf(item) === TOTAL) && items.some((item) => item.kind === 'record'),
    );
    // A new election resends the window before the cursor: duplicates, as after any failover.
    const before = (await itemsOf(copyFile)).length;
    await streamUntil(base, rsyslog, 'the resent window', (items) => items.length > before);
    // The database exactly as streamed becomes the template of every test's clone.
    const name = new URL(base.databaseUrl).pathname.slice(1);
    snapshot = `${name}_streamed`;
    const admin = new pg.Client(inject('pgAdminUrl'));
    await admin.connect();
    try {
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
      await admin.query(
        `create database "${snapshot}" template "${name}" owner ${ident(inject('pgRoles').owner)}`,
      );
    } finally {
      await admin.end();
    }
    await base.close().catch(() => undefined);
  });

  afterAll(async () => {
    await Promise.all(opened.splice(0).map((context) => context.close()));
    if (snapshot) {
      const admin = new pg.Client(inject('pgAdminUrl'));
      await admin.connect();
      await admin.query(`drop database if exists "${snapshot}" with (force)`);
      await admin.end();
    }
    await rsyslog?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A database of its own holding the log as it was streamed. */
  async function clone(): Promise<TestContext> {
    const context = await startTestContext(
      { jobs: { enabled: false }, audit: { checkpoints: { dir } } },
      { adminUrl: inject('pgAdminUrl'), template: snapshot },
    );
    opened.push(context);
    return context;
  }

  function verify(
    context: TestContext,
    options: { file?: string; withFile?: boolean; checkpoints?: string; pinned?: Buffer[] } = {},
  ): Promise<VerifyResult> {
    return verifyAuditLogWith(context.services.pool, {
      legacyKey: context.services.keys.audit,
      checkpointDir: options.checkpoints ?? dir,
      withFile: options.withFile ?? true,
      pinned: options.pinned ?? null,
      siemCopy: options.file ?? copyFile,
    });
  }

  /** `audit verify --checkpoints DIR --siem-copy FILE` as an auditor runs it. */
  function cliVerify(context: TestContext) {
    return runCli(context, ['audit', 'verify', '--checkpoints', dir, '--siem-copy', copyFile]);
  }

  it('the stream carried every event, duplicates and the signed checkpoint after its event', async () => {
    const items = await itemsOf(copyFile);
    const seqs = items.map(seqOf).filter((seq) => seq !== null);
    expect(new Set(seqs)).toEqual(new Set(Array.from({ length: TOTAL }, (_, i) => i + 1)));
    expect(seqs.length).toBeGreaterThan(TOTAL);
    const records = items.filter((item) => item.kind === 'record');
    expect(records[0]).toMatchObject({ record: { index: 0, type: 'checkpoint', seq: '10' } });
    const firstOfTen = items.findIndex((item) => seqOf(item) === SIGNED);
    expect(items.indexOf(records[0] as CopyItem)).toBeGreaterThan(firstOfTen);
  });

  it('an intact log passes; the CLI reports the unsigned events as matched', {
    timeout: CLI_TEST_MS,
  }, async () => {
    const context = await clone();
    const result = await verify(context);
    expect(result).toMatchObject({ ok: true, checked: TOTAL });
    expect(result.checkpoints).toMatchObject({ lastSeq: String(SIGNED), unsignedTail: 6 });
    expect(result.siemCopy).toMatchObject({
      events: TOTAL,
      records: 1,
      compared: TOTAL,
      notYetInCopy: 0,
      uncovered: 0,
    });
    expect(result.siemCopy?.duplicates).toBeGreaterThan(0);
    const cli = await cliVerify(context);
    expect(cli.code, cli.stdout + cli.stderr).toBe(0);
    expect(cli.stdout).toContain('audit chain intact');
    expect(cli.stdout).toContain(
      '6 events newer than the last checkpoint: 6 matched in the SIEM copy',
    );
  });

  it('events newer than the copy are the stream lagging, counted, not tampering', async () => {
    const context = await clone();
    await appendEvents(context, 3, 'late');
    const result = await verify(context);
    expect(result).toMatchObject({ ok: true, siemCopy: { notYetInCopy: 3 } });
  });

  // Each tampering of the events past the last checkpoint: the signatures cannot see it (the
  // database alone, with the checkpoints, passes), the copy does, and names the first bad seq.
  const tamperings: {
    name: string;
    tamper: (context: TestContext) => Promise<void>;
    seq: number;
    problem: string;
    signaturesSeeIt?: boolean;
  }[] = [
    {
      name: 'an event edited, every later hash recomputed and the head moved',
      tamper: (context) => editAndRechain(context, 13),
      seq: 13,
      problem: 'siem_mismatch',
    },
    {
      name: 'an event deleted, the later ones renumbered and rehashed',
      tamper: (context) => deleteAndRenumber(context, 13),
      seq: 13,
      problem: 'siem_mismatch',
    },
    {
      name: 'an event deleted, nothing recomputed',
      tamper: (context) =>
        asSuperuser(context, async (client) => {
          await client.query('delete from audit_event where seq = 13');
        }),
      seq: 13,
      problem: 'missing',
      signaturesSeeIt: true,
    },
    {
      name: 'the newest events deleted and the head rewound',
      tamper: (context) => deleteTail(context, 14),
      seq: 15,
      problem: 'siem_missing',
    },
    {
      name: 'a forged event inserted (the later ones renumbered, hashes recomputed)',
      tamper: (context) => insertForged(context, 13),
      seq: 13,
      problem: 'siem_mismatch',
    },
    {
      name: 'two events swapped, hashes recomputed',
      tamper: (context) => swapEvents(context, 13, 14),
      seq: 13,
      problem: 'siem_mismatch',
    },
    {
      name: 'the table truncated and the head reset',
      tamper: truncateLog,
      seq: 1,
      problem: 'truncated',
      signaturesSeeIt: true,
    },
  ];

  for (const { name, tamper, seq, problem, signaturesSeeIt } of tamperings)
    it(`detects: ${name}`, { timeout: CLI_TEST_MS }, async () => {
      const context = await clone();
      await tamper(context);
      const signedOnly = await verifyAuditLogWith(context.services.pool, {
        legacyKey: context.services.keys.audit,
        checkpointDir: dir,
        withFile: true,
        pinned: null,
        siemCopy: null,
      });
      expect(signedOnly.ok).toBe(signaturesSeeIt !== true);
      const result = await verify(context);
      expect(result.firstProblem).toMatchObject({ seq: String(seq), problem });
      const cli = await cliVerify(context);
      expect(cli.code, cli.stdout + cli.stderr).toBe(3);
      expect(cli.stdout).toContain(`BROKEN at event seq ${seq} (${problem})`);
      expect(`${cli.stdout}${cli.stderr}`).not.toMatch(/\n\s+at /);
    });

  it("the copy's checkpoint records anchor the log without the checkpoint file (pinned key)", async () => {
    const context = await clone();
    const empty = mkdtempSync(join(tmpdir(), 'frisbee-no-checkpoints-'));
    try {
      const result = await verify(context, { checkpoints: empty, pinned: [signer.publicKey] });
      expect(result).toMatchObject({
        ok: true,
        checkpoints: { records: 1, lastSeq: String(SIGNED) },
      });
      // A stranger's key: the copy's record is not trusted.
      const stranger = Buffer.alloc(32, 9);
      const refused = await verify(context, { checkpoints: empty, pinned: [stranger] });
      expect(refused.firstProblem?.problem).toBe('unknown_key');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('an event the receiver lost is covered by the next one; an edit under that hole is still seen', async () => {
    const context = await clone();
    const holed = join(rsyslog.dir, 'holed.log');
    const lines = readFileSync(copyFile, 'utf8').split('\n');
    writeFileSync(
      holed,
      lines.filter((line) => !line.includes('[audit@32473 seq="13"')).join('\n'),
    );
    expect(await verify(context, { file: holed })).toMatchObject({
      ok: true,
      siemCopy: { uncovered: 1, compared: TOTAL - 1 },
    });
    await editAndRechain(context, 13);
    expect((await verify(context, { file: holed })).firstProblem).toMatchObject({
      seq: '14',
      problem: 'siem_mismatch',
    });
  });

  it('a forged line of the copy is caught by its own hash; a bad line, a forged record, reported', async () => {
    const context = await clone();
    const lines = readFileSync(copyFile, 'utf8').split('\n');
    const isTwelve = (line: string) => line.includes('[audit@32473 seq="12"');
    const at = lines.findIndex(isTwelve);
    const forged = join(rsyslog.dir, 'forged.log');
    const write = (changed: string[]) => writeFileSync(forged, changed.join('\n'));

    // Content changed (every copy of the line), hash kept: the copy's own chain no longer holds.
    write(
      lines.map((line) => (isTwelve(line) ? line.replaceAll('unsigned 1', 'unsigned X') : line)),
    );
    expect((await verify(context, { file: forged })).firstProblem).toMatchObject({
      seq: '12',
      problem: 'siem_copy_forged',
    });

    // A line of ours that is not a valid message.
    write([
      ...lines.slice(0, 3),
      lines[at]?.replace(/"hash":"[0-9a-f]+"/, '"hash":"zz"') ?? '',
      ...lines.slice(3),
    ]);
    expect((await verify(context, { file: forged })).firstProblem).toMatchObject({
      problem: 'siem_bad_line',
    });

    // A torn message with the next one appended, and another program's line: both fine.
    const torn = `${lines[at]?.slice(0, 80)}${lines[at]}`;
    write([
      ...lines.slice(0, at),
      torn,
      'Dec  4 10:00:00 siem cron[1]: job done',
      ...lines.slice(at),
    ]);
    expect(await verify(context, { file: forged })).toMatchObject({
      ok: true,
      siemCopy: { torn: 1, foreign: 1 },
    });

    // A checkpoint record whose signed hash was changed: the file's differs (a conflict), and
    // without the file its signature fails.
    const isRecord = (line: string) => line.includes(' audit.checkpoint ');
    write(
      lines.map((line) =>
        // Two other hex digits: a fixed "00" left a hash that began with 00 unchanged (1 in 256).
        isRecord(line)
          ? line.replace(
              /"headHash":"([0-9a-f]{2})/,
              (_whole, first: string) => `"headHash":"${first === '00' ? 'ff' : '00'}`,
            )
          : line,
      ),
    );
    expect((await verify(context, { file: forged })).firstProblem?.problem).toBe('siem_conflict');
    const empty = mkdtempSync(join(tmpdir(), 'frisbee-no-checkpoints-'));
    try {
      const unsigned = await verify(context, {
        file: forged,
        checkpoints: empty,
        pinned: [signer.publicKey],
      });
      expect(unsigned.firstProblem?.problem).toBe('bad_signature');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }

    // No such file: reported, not thrown.
    const missing = await verify(context, { file: join(rsyslog.dir, 'nowhere.log') });
    expect(missing.firstProblem).toMatchObject({ problem: 'unreadable' });
  });
});

describe.runIf(rsyslogAvailable)(
  'checkpoint records in the stream: a key rotation and a restore from backup',
  () => {
    it('each record once at least, after its event; the new history follows the restore record and verifies', {
      timeout: SIEM_FAULT_TEST_MS,
    }, async () => {
      const rsyslog = await startRsyslog();
      const file = join(rsyslog.dir, 'received.log');
      const empty = mkdtempSync(join(tmpdir(), 'frisbee-no-checkpoints-'));
      // The streaming worker of the moment (replaced as a restarted service's would be).
      const running: { worker: SiemWorker | null } = { worker: null };
      const stream = () => {
        running.worker = new SiemWorker(context.services, streamSettings(rsyslog));
        running.worker.start();
      };
      const stopStream = async () => {
        await running.worker?.stop();
        running.worker = null;
      };
      const wait = (what: string, done: (items: CopyItem[]) => boolean) =>
        waitUntil(what, SIEM_DELIVERY_MS, async () => done(await itemsOf(file)));
      const records = (items: CopyItem[]) =>
        items.flatMap((item) => (item.kind === 'record' ? [item.record] : []));
      const labelled = (items: CopyItem[], seq: number, label: string) =>
        items.some(
          (item) =>
            seqOf(item) === seq &&
            item.kind === 'event' &&
            item.content.targetLabel?.startsWith(label),
        );
      const context = await startTestContext({ jobs: { enabled: false } });
      opened.push(context);
      const first = loadCheckpointSigner(context.services.config);
      try {
        await appendEvents(context, 10, 'first');
        expect((await writeCheckpoint(context.services, first, { force: true })).kind).toBe(
          'written',
        );
        await appendEvents(context, 10, 'second');
        expect((await writeCheckpoint(context.services, first, { force: true })).kind).toBe(
          'written',
        );
        const second = rotateCheckpointKey(context.services.config, first);
        stream();
        await wait('two checkpoints and the rotation', (items) => records(items).length === 3);
        await stopStream();
        // A restore from a backup taken at seq 14, when the stream's cursor stood at 12 and one
        // checkpoint record had gone out.
        await asSuperuser(context, async (client) => {
          await client.query('delete from audit_event where seq > 14');
          await rewindHead(client, 14);
          await client.query('update siem_cursor set seq = 12, checkpoint_index = 0');
        });
        stream();
        // Work goes on before the operator confirms: the new 15 and 16 reach the receiver too.
        await appendEvents(context, 2, 'before confirming');
        await wait('the new 16', (items) => labelled(items, 16, 'before confirming'));
        const restored = await recordRestore(context.services, second, 16n);
        expect(restored).toMatchObject({
          kind: 'recorded',
          record: { index: 3, restoredFrom: { seq: '10' } },
        });
        await appendEvents(context, 2, 'confirmed');
        expect((await writeCheckpoint(context.services, second, { force: true })).kind).toBe(
          'written',
        );
        await wait('the restore record and the checkpoint after it', (items) =>
          records(items).some((record) => record.index === 4),
        );
      } finally {
        await stopStream();
      }
      try {
        const items = await itemsOf(file);
        const at = (index: number) =>
          items.findIndex((item) => item.kind === 'record' && item.record.index === index);
        const firstArrival = (seq: number, label: string) =>
          items.findIndex(
            (item) =>
              item.kind === 'event' &&
              seqOf(item) === seq &&
              item.content.targetLabel?.startsWith(label),
          );
        // In index order, each after the event it follows.
        expect([0, 1, 2, 3, 4].map(at)).toEqual([...[0, 1, 2, 3, 4].map(at)].sort((a, b) => a - b));
        expect(at(0)).toBeGreaterThan(firstArrival(10, 'first'));
        expect(at(1)).toBeGreaterThan(firstArrival(20, 'second'));
        // After the restore record the stream went back to the checkpoint restored from (seq 10).
        const afterRestore = items
          .slice(at(3) + 1)
          .map(seqOf)
          .filter((seq) => seq !== null);
        expect(afterRestore.slice(0, 8)).toEqual([11, 12, 13, 14, 15, 16, 17, 18]);
        expect(at(4)).toBeGreaterThan(
          items.findIndex((item, i) => i > at(3) && seqOf(item) === 18),
        );
        const result = await verifyAuditLogWith(context.services.pool, {
          legacyKey: context.services.keys.audit,
          checkpointDir: checkpointDir(context.services.config),
          withFile: true,
          pinned: null,
          siemCopy: file,
        });
        expect(result).toMatchObject({
          ok: true,
          checkpoints: { restores: 1, lastSeq: '18' },
          // The old 15..20, which arrived before the restore record.
          siemCopy: { abandoned: 6, records: 5 },
        });
        // Only the first public key and the copy: the rotation record in the copy trusts the next.
        const pinned = await verifyAuditLogWith(context.services.pool, {
          legacyKey: null,
          checkpointDir: empty,
          withFile: false,
          pinned: [first.publicKey],
          siemCopy: file,
        });
        expect(pinned).toMatchObject({ ok: true, checkpoints: { records: 5, restores: 1 } });
      } finally {
        rmSync(empty, { recursive: true, force: true });
        await rsyslog.close();
      }
    });
  },
);

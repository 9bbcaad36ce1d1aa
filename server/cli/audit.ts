import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import {
  CHECKPOINT_FILE,
  checkpointDir,
  KEYRING_FILE,
  loadCheckpointSigner,
  parsePublicKeys,
  publicKeyPem,
  readKeyring,
  rotateCheckpointKey,
} from '../audit/checkpoints.ts';
import { recordRestore, withCheckpointLock, writeCheckpoint } from '../audit/checkpointWriter.ts';
import { verifyExportFile } from '../audit/verifyExport.ts';
import { errorText, type SiemCopySummary, type VerifyResult } from '../audit/verifyResult.ts';
import { systemActor } from '../authz/actor.ts';
import { startServices } from '../bootstrap.ts';
import { archiveAuditEvents } from '../commands/auditLog/archive.ts';
import { EXPORT_FORMATS, exportedEvent, streamAuditExport } from '../commands/auditLog/export.ts';
import { verifiedEvent } from '../commands/auditLog/query.ts';
import { runCommand } from '../commands/runCommand.ts';
import type { Database } from '../db/database.ts';
import { timestamp } from '../shared/schemas.ts';
import type { Services } from '../shared/services.ts';
import { verifyAuditLogWith } from '../siem/verifyCopy.ts';
import type { CliCommand, CliInput } from './types.ts';

/** Exit code of `audit verify` when the chain is broken (distinct from usage 2 and crash 1). */
export const EXIT_CHAIN_BROKEN = 3;
/** Exit code of `audit archive` refused for the state of things (no owner role, no checkpoint). */
export const EXIT_REFUSED = 4;

const exportArgs = z
  .object({
    format: z.enum(EXPORT_FORMATS).default('csv'),
    from: timestamp.optional(),
    to: timestamp.optional(),
  })
  .strict();

function describe(result: VerifyResult): string {
  const lines: string[] = [];
  if (result.ok)
    lines.push(
      `audit chain intact: ${result.checked} events checked, head at seq ${result.headSeq}`,
    );
  else {
    const problem = result.firstProblem;
    lines.push(
      `audit chain BROKEN at event seq ${problem?.seq} (${problem?.problem})`,
      `  ${problem?.detail}`,
      `  ${result.checked} events verified before it; head at seq ${result.headSeq}`,
    );
  }
  const { archive: boundary, bundle } = result;
  if (result.sinceCheckpoint)
    lines.push(
      `walked from the last signed checkpoint (seq ${result.sinceCheckpoint}, its signed hash matched): events before it were not recomputed; run without --since-checkpoint for a full walk`,
    );
  if (bundle)
    lines.push(
      `bundle SHA-256 ${bundle.sha256}${bundle.archived ? `: an archive of events ${bundle.archived.fromSeq}..${bundle.archived.throughSeq}` : ''}`,
    );
  if (boundary)
    lines.push(
      `events up to seq ${boundary.throughSeq} are archived (bundle SHA-256 ${boundary.bundleSha256}${boundary.recordIndex === null ? ', not checked against a signed archive record' : `, signed archive record #${boundary.recordIndex}`}); the log starts after it`,
    );
  const checkpoints = result.checkpoints;
  const copy = result.siemCopy;
  if (checkpoints) {
    lines.push(
      `signed checkpoints: ${checkpoints.records} records, the last signs seq ${checkpoints.lastSeq}; ${checkpoints.restores} restore(s) from backup recorded`,
    );
    for (const signed of checkpoints.archives)
      lines.push(
        `  signed archive #${signed.index}: events ${signed.fromSeq}..${signed.throughSeq}, bundle SHA-256 ${signed.bundleSha256}`,
      );
    if (checkpoints.unsignedTail > 0 && !copy)
      lines.push(
        `  ${checkpoints.unsignedTail} events newer than the last checkpoint are protected by the SIEM copy, not by a signature (compare them: --siem-copy FILE)`,
      );
    if (checkpoints.legacyUnchecked > 0)
      lines.push(
        `  ${checkpoints.legacyUnchecked} events before the keyless switch are HMAC-chained and were not recomputed (no legacy key here: run audit verify on the service)`,
      );
  } else lines.push('no signed checkpoints checked');
  if (copy) lines.push(...describeCopy(copy, result.ok ? (checkpoints?.unsignedTail ?? 0) : 0));
  return `${lines.join('\n')}\n`;
}

/**
 * What the comparison with the SIEM receiver's copy saw, for the report; `unsignedTail`: the
 * events past the last checkpoint when all of them were compared (0 after a problem).
 */
function describeCopy(copy: SiemCopySummary, unsignedTail: number): string[] {
  const lines = [
    `SIEM copy: ${copy.events} events (seq ${copy.firstSeq}..${copy.lastSeq}) in ${copy.messages} messages, ${copy.duplicates} duplicate(s), ${copy.records} checkpoint record(s); ${copy.compared} events compared with the database`,
  ];
  if (unsignedTail > 0)
    lines.push(
      `  ${unsignedTail} events newer than the last checkpoint: ${unsignedTail - copy.notYetInCopy - copy.uncovered} matched in the SIEM copy`,
    );
  if (copy.notYetInCopy > 0)
    lines.push(
      `  ${copy.notYetInCopy} events not yet in the SIEM copy (newer than its last, seq ${copy.lastSeq}): the stream lags; not tampering, but nothing outside the database covers them yet`,
    );
  if (copy.uncovered > 0)
    lines.push(
      `  ${copy.uncovered} events past the last checkpoint are missing inside the copy's range (the receiver lost them); each is covered by the chain of the next event the copy holds`,
    );
  if (copy.abandoned > 0)
    lines.push(
      `  ${copy.abandoned} messages of a history a restore from backup abandoned were set aside`,
    );
  if (copy.torn + copy.foreign > 0)
    lines.push(
      `  skipped: ${copy.torn} message(s) torn by a receiver crash, ${copy.foreign} line(s) that are no audit message`,
    );
  return lines;
}

/** A string option, or null. */
function option(input: CliInput, name: string): string | null {
  const value = input.values[name];
  return typeof value === 'string' ? value : null;
}

async function verify(services: Services, input: CliInput): Promise<number> {
  const explicit = option(input, 'checkpoints');
  const dir = explicit ?? checkpointDir(services.config);
  const pinned = option(input, 'public-key');
  const withFile = explicit !== null || existsSync(join(dir, CHECKPOINT_FILE));
  const sinceCheckpoint = input.values['since-checkpoint'] === true;
  if (sinceCheckpoint && !withFile) {
    process.stderr.write(
      `audit verify: --since-checkpoint needs signed checkpoints (none in ${dir}; give --checkpoints DIR)\n`,
    );
    return 2;
  }
  const result = await verifyAuditLogWith(services.pool, {
    legacyKey: services.keys.audit,
    checkpointDir: dir,
    withFile,
    pinned: pinned ? parsePublicKeys(pinned) : null,
    siemCopy: option(input, 'siem-copy'),
    sinceLastCheckpoint: sinceCheckpoint,
  });
  input.stdout.write(describe(result));
  try {
    await runCommand(services, systemActor('cli'), async ({ audit }) =>
      audit(verifiedEvent(result)),
    );
  } catch (error) {
    // A forged row past the head makes every append collide: say so, do not crash.
    process.stderr.write(`audit verify: could not record audit.verified: ${errorText(error)}\n`);
  }
  return result.ok ? 0 : EXIT_CHAIN_BROKEN;
}

async function verifyExport(input: CliInput): Promise<number> {
  const file = input.positionals[1];
  const key = option(input, 'public-key');
  if (!file || !key) {
    process.stderr.write('Usage: audit verify-export FILE --public-key KEY|FILE\n');
    return 2;
  }
  const result = await verifyExportFile(file, parsePublicKeys(key));
  input.stdout.write(describe(result));
  return result.ok ? 0 : EXIT_CHAIN_BROKEN;
}

async function exportLog(services: Services, input: CliInput): Promise<number> {
  const parsed = exportArgs.safeParse({
    format: input.values.format,
    from: input.values.from,
    to: input.values.to,
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  --${issue.path.join('.')}: ${issue.message}`,
    );
    process.stderr.write(`audit export: invalid options\n${lines.join('\n')}\n`);
    return 2;
  }
  const { format, ...filters } = parsed.data;
  if (filters.from && filters.to && filters.from > filters.to) {
    process.stderr.write('audit export: --from must not be after --to\n');
    return 2;
  }
  // Recorded (and committed) before the first line is written, as the API does.
  await runCommand(services, systemActor('cli'), async ({ audit }) =>
    audit(exportedEvent(format, filters, 'cli')),
  );
  const stream = await streamAuditExport(
    services.pool,
    filters,
    format,
    checkpointDir(services.config),
  );
  await pipeline(stream, input.stdout, { end: false });
  return 0;
}

async function checkpointNow(services: Services, input: CliInput): Promise<number> {
  const signer = loadCheckpointSigner(services.config);
  const outcome = await writeCheckpoint(services, signer, { force: true });
  if (outcome.kind === 'written') {
    input.stdout.write(`${JSON.stringify(outcome.record)}\n`);
    return 0;
  }
  if (outcome.kind === 'not_due') {
    input.stdout.write(`no new events since the checkpoint at seq ${outcome.lastSeq}\n`);
    return 0;
  }
  process.stderr.write(`audit checkpoint: not written: ${JSON.stringify(outcome)}\n`);
  return EXIT_CHAIN_BROKEN;
}

function printKeyring(services: Services, input: CliInput): void {
  const path = join(checkpointDir(services.config), KEYRING_FILE);
  input.stdout.write(`keyring (${path}):\n`);
  for (const entry of readKeyring(path).entries)
    input.stdout.write(`  ${entry.keyId}  ${entry.publicKey}  added ${entry.addedAt}\n`);
}

async function checkpointKey(services: Services, input: CliInput): Promise<number> {
  const action = input.positionals[1];
  if (action !== 'show' && action !== 'rotate') {
    process.stderr.write('Usage: audit checkpoint-key show|rotate\n');
    return 2;
  }
  let signer = loadCheckpointSigner(services.config);
  if (action === 'rotate') {
    const old = signer;
    const rotated = await withCheckpointLock(services.pool, async () =>
      rotateCheckpointKey(services.config, old),
    );
    if (!rotated) {
      process.stderr.write(
        'audit checkpoint-key rotate: a checkpoint is being written: try again\n',
      );
      return 1;
    }
    signer = rotated;
    await runCommand(services, systemActor('cli'), async ({ audit }) =>
      audit({
        action: 'audit.checkpoint_key_rotated',
        targetType: 'AuditCheckpointKey',
        targetId: signer.keyId,
        details: { previousKeyId: old.keyId, keyId: signer.keyId },
      }),
    );
    input.stdout.write(`rotated: ${old.keyId} -> ${signer.keyId}\n`);
  }
  input.stdout.write(
    `current checkpoint signing key: ${signer.keyId}\npublic key (base64, raw Ed25519): ${signer.publicKey.toString('base64')}\n${publicKeyPem(signer.publicKey)}`,
  );
  printKeyring(services, input);
  return 0;
}

async function checkpointRestore(services: Services, input: CliInput): Promise<number> {
  const head = option(input, 'db-head');
  if (!head || !/^(0|[1-9][0-9]{0,18})$/.test(head)) {
    process.stderr.write(
      'Usage: audit checkpoint-restore --db-head SEQ   (the seq of the restored database head, as the service reported it)\n',
    );
    return 2;
  }
  const signer = loadCheckpointSigner(services.config);
  const outcome = await recordRestore(services, signer, BigInt(head));
  if (outcome.kind === 'refused') {
    process.stderr.write(`audit checkpoint-restore: refused: ${outcome.detail}\n`);
    return EXIT_CHAIN_BROKEN;
  }
  const { record } = outcome;
  await runCommand(services, systemActor('cli'), async ({ audit }) =>
    audit({
      action: 'audit.checkpoint_restored',
      targetType: 'AuditCheckpoint',
      targetId: String(record.index),
      reason: record.note,
      details: {
        dbHeadSeq: record.seq,
        restoredFromIndex: record.restoredFrom.index,
        restoredFromSeq: record.restoredFrom.seq,
        lastSeq: record.lastSeq,
      },
    }),
  );
  input.stdout.write(`${record.note}\n${JSON.stringify(record)}\n`);
  return 0;
}

async function archive(services: Services, input: CliInput, database: Database): Promise<number> {
  const before = option(input, 'before');
  const out = option(input, 'out');
  if (!before || !out) {
    process.stderr.write('Usage: audit archive --before YYYY-MM --out FILE\n');
    return 2;
  }
  // The owner deletes; with DATABASE_OWNER_URL equal to DATABASE_URL (one role) that role is it.
  const ownerUrl = database.ownerUrl ?? services.config.database.ownerUrl;
  if (!ownerUrl) {
    process.stderr.write(
      'audit archive: refused: it removes the archived events from the audit log, which only the owner role may do, and DATABASE_OWNER_URL (the owner role that runs the migrations) is not set. The service role of DATABASE_URL may only append to the log. Set DATABASE_OWNER_URL (with one role for everything, to the same URL as DATABASE_URL; docs/database.md) and run it again\n',
    );
    return EXIT_REFUSED;
  }
  const signer = loadCheckpointSigner(services.config);
  const outcome = await archiveAuditEvents(services, { before, out, ownerUrl, signer });
  if (outcome.kind === 'nothing') {
    input.stdout.write(`nothing to archive: ${outcome.detail}\n`);
    return 0;
  }
  if (outcome.kind === 'refused') {
    process.stderr.write(`audit archive: refused: ${outcome.detail}\n`);
    return { usage: 2, state: EXIT_REFUSED, broken: EXIT_CHAIN_BROKEN }[outcome.reason];
  }
  const { record, backfilled, events } = outcome;
  input.stdout.write(
    `archived ${events} events (seq ${record.fromSeq}..${record.seq}) to ${out}\nbundle SHA-256 ${record.bundleSha256}; signed archive record #${record.index}${backfilled ? `, after a checkpoint signed at seq ${record.seq}` : ''}\n${JSON.stringify(record)}\n`,
  );
  return 0;
}

const USAGE = [
  'Usage: audit verify [--checkpoints DIR [--since-checkpoint]] [--public-key KEY|FILE] [--siem-copy FILE]',
  '       audit verify-export FILE --public-key KEY|FILE     (offline: no database)',
  '       audit export [--format csv|ndjson] [--from ISO] [--to ISO]',
  '       audit checkpoint                                   (sign the current head now)',
  '       audit checkpoint-key show|rotate',
  '       audit checkpoint-restore --db-head SEQ             (confirm a restore from backup)',
  '       audit archive --before YYYY-MM --out FILE          (move older months to a signed bundle)',
].join('\n');

const DATABASE_ACTIONS: Record<
  string,
  (services: Services, input: CliInput, database: Database) => Promise<number>
> = {
  verify,
  export: exportLog,
  checkpoint: checkpointNow,
  'checkpoint-key': checkpointKey,
  'checkpoint-restore': checkpointRestore,
  archive,
};

/**
 * `audit verify`: walks the hash chain (against the signed checkpoints of `--checkpoints DIR`, or
 * of the configured directory when it has any, and with `--siem-copy FILE` against what the SIEM
 * receiver stored of the stream, its checkpoint records included), prints the result and exits 0
 * if intact, 3 if broken (naming the first event that does not match). `audit verify-export FILE --public-key
 * KEY`: the same for an NDJSON export bundle, offline. `audit export`: the log and its
 * checkpoints to stdout. `audit checkpoint`, `checkpoint-key show|rotate`, `checkpoint-restore`:
 * the signed checkpoints (docs/audit.md). `audit archive --before YYYY-MM --out FILE`: the months
 * before one to a signed bundle, then out of the database, as the owner role (refused: exit 4).
 * What they find is reported, never thrown: errors print one line (exit 1), not a stack.
 */
export const auditCommand: CliCommand = {
  options: {
    format: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    checkpoints: { type: 'string' },
    'since-checkpoint': { type: 'boolean' },
    'public-key': { type: 'string' },
    'siem-copy': { type: 'string' },
    'db-head': { type: 'string' },
    before: { type: 'string' },
    out: { type: 'string' },
  },
  async run(input) {
    const [action] = input.positionals;
    try {
      if (action === 'verify-export') return await verifyExport(input);
      const handler = action ? DATABASE_ACTIONS[action] : undefined;
      if (!handler) {
        process.stderr.write(`${USAGE}\n`);
        return 2;
      }
      const { services, database } = await startServices(input.config, input.logger);
      try {
        return await handler(services, input, database);
      } finally {
        await database.close();
      }
    } catch (error) {
      process.stderr.write(`audit ${action}: ${errorText(error)}\n`);
      return 1;
    }
  },
};

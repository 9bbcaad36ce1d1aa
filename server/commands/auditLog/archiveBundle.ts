import { closeSync, createWriteStream, fsyncSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { KEYRING_FILE, readKeyring } from '../../audit/checkpoints.ts';
import { verifyExportFile } from '../../audit/verifyExport.ts';
import { type SeqRange, streamAuditExport } from './export.ts';

/**
 * Writes the events of `range` to the new file `out` as an archive bundle — an NDJSON export
 * with every checkpoint record and keyring entry of `dir` (so a signed checkpoint at its last
 * event), described as an archive of that range — forces it to disk, and verifies it offline with
 * the keys of the keyring, as an auditor will. Returns the SHA-256 of a bundle that verifies on
 * its own and holds exactly the range, or why it does not (nothing may be deleted then).
 */
export async function writeArchiveBundle(
  pool: pg.Pool,
  dir: string,
  range: SeqRange,
  out: string,
): Promise<{ sha256: string } | { problem: string }> {
  await pipeline(
    await streamAuditExport(pool, {}, 'ndjson', dir, range),
    createWriteStream(out, { flags: 'wx', mode: 0o644 }),
  );
  const fd = openSync(out, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const keys = readKeyring(join(dir, KEYRING_FILE)).entries.map((entry) =>
    Buffer.from(entry.publicKey, 'base64'),
  );
  const alone = await verifyExportFile(out, keys);
  const events = BigInt(alone.checked);
  if (!alone.ok || !alone.bundle || events !== range.through - range.after)
    return {
      problem: `the bundle ${out} does not verify on its own, so nothing was deleted: ${alone.firstProblem?.detail ?? `it holds ${events} events, not ${range.through - range.after}`}`,
    };
  return { sha256: alone.bundle.sha256 };
}

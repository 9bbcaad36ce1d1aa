import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AnyCheckpointRecord,
  CHECKPOINT_FILE,
  checkpointRecordsAfter,
} from '../audit/checkpoints.ts';
import { errorText } from '../audit/verifyResult.ts';
import type { Logger } from '../logger.ts';

/**
 * The signed checkpoint records the SIEM stream carries (docs/siem.md): read from the checkpoint
 * file itself, never from the database, so nothing the database administrator can write decides
 * what a record says. They are signed already; the stream only copies them, in index order, each
 * after the event it signs.
 */

/** A record waiting for the stream, and the seq of the event it must follow. */
export interface PendingRecord {
  record: AnyCheckpointRecord;
  after: bigint;
}

/**
 * When each record may go: a checkpoint after the event whose seq it signs, a key rotation after
 * the record before it, a restore after the last event both histories share (the checkpoint it
 * restored from): the stream goes back there after sending it (worker.ts), so that the whole new
 * history follows the record in the receiver's copy, including events sent before the operator
 * confirmed the restore. A record that signs a seq beyond that point belongs to a history that no
 * longer exists: it goes with the restore rather than wait for a new event that reaches its seq.
 */
export function pendingRecords(records: AnyCheckpointRecord[]): PendingRecord[] {
  const pending: PendingRecord[] = [];
  let previous = 0n;
  for (const record of records) {
    let after = previous;
    if (record.type === 'checkpoint') after = BigInt(record.seq);
    else if (record.type === 'restore') {
      after = BigInt(record.restoredFrom.seq);
      for (const earlier of pending) if (earlier.after > after) earlier.after = after;
    }
    pending.push({ record, after });
    previous = after;
  }
  return pending;
}

/**
 * Reads the records of the checkpoint directory past an index, from the file's tail, again only
 * when the file or the index changed. A file that cannot be read is logged (once per problem)
 * and yields nothing: the events go on streaming, the records wait until it is mended.
 */
export class CheckpointFeed {
  private cache: { key: string; pending: PendingRecord[] } | null = null;
  private lastWarning = '';

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  /** The records with an index above `index`, each with the seq it waits for. */
  after(index: number): PendingRecord[] {
    try {
      const path = join(this.dir, CHECKPOINT_FILE);
      if (!existsSync(path)) return [];
      const stat = statSync(path);
      const key = `${stat.size}:${stat.mtimeMs}:${index}`;
      if (this.cache?.key === key) return this.cache.pending;
      const { records, problems } = checkpointRecordsAfter(this.dir, index);
      const problem = problems[0];
      if (problem) {
        this.warn(`${path}: ${problem.detail}`);
        return [];
      }
      this.lastWarning = '';
      const pending = pendingRecords(records);
      this.cache = { key, pending };
      return pending;
    } catch (error) {
      this.warn(errorText(error));
      return [];
    }
  }

  private warn(detail: string): void {
    if (detail === this.lastWarning) return;
    this.lastWarning = detail;
    this.logger.error(
      { dir: this.dir, detail },
      'the checkpoint file cannot be read: the siem stream sends events without checkpoint records until it can',
    );
  }
}

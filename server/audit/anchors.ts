import {
  type AnyCheckpointRecord,
  type FileProblem,
  KEYRING_FILE,
  keyIdOf,
  readCheckpointFile,
  readKeyring,
  signatureValid,
  unionOfRecords,
} from './checkpoints.ts';
import { errorText, type VerifyProblem, type VerifyProblemKind } from './verifyResult.ts';

/** A signed point the recomputed chain must pass through. */
export interface Anchor {
  hash: Buffer;
  index: number;
}

/** A signed archive record: events fromSeq..its seq left the database into a bundle. */
export interface ArchiveAnchor {
  fromSeq: bigint;
  /** The hash of the last archived event, where the remaining chain starts. */
  hash: Buffer;
  bundleSha256: string;
  index: number;
}

/** The signed checkpoints, their signatures checked, reduced to what the walk compares. */
export interface CheckpointAnchors {
  anchors: Map<bigint, Anchor>;
  /** The highest signed seq: the log must reach it. */
  requiredSeq: bigint;
  /** The index of the record that signs requiredSeq. */
  requiredIndex: number;
  keylessFrom: bigint | null;
  /** Signed archive records by their last archived seq (a restore drops those past its head). */
  archives: Map<bigint, ArchiveAnchor>;
  records: number;
  restores: number;
  problem: VerifyProblem | null;
}

function noAnchors(): CheckpointAnchors {
  return {
    anchors: new Map(),
    requiredSeq: 0n,
    requiredIndex: -1,
    keylessFrom: null,
    archives: new Map(),
    records: 0,
    restores: 0,
    problem: null,
  };
}

/**
 * Checks every record of a checkpoint file against the trusted public keys (raw, by key id) and
 * reduces them to anchors: seq → signed hash. A `key-rotated` record signed by a trusted key
 * trusts the key it names. A `restore` record drops the anchors and archives past the restored
 * head (that history was lost legitimately) and anchors the restored head. A back-filled
 * checkpoint anchors a seq behind the head without moving the head the log must reach; an
 * `archive` record must name a seq and hash an earlier checkpoint signs. Stops at the first
 * problem.
 */
export function checkpointAnchors(
  records: AnyCheckpointRecord[],
  fileProblems: FileProblem[],
  trustedKeys: Buffer[],
): CheckpointAnchors {
  const trusted = new Map(trustedKeys.map((key) => [keyIdOf(key), key]));
  const result: CheckpointAnchors = { ...noAnchors(), records: records.length };
  const fail = (seq: string, problem: VerifyProblemKind, detail: string) => {
    result.problem = { seq, problem, detail };
    return result;
  };
  const firstFileProblem = fileProblems[0];
  if (firstFileProblem)
    return fail('0', 'bad_checkpoint', `checkpoint file: ${firstFileProblem.detail}`);
  let top = 0n;
  for (const [position, record] of records.entries()) {
    const seq = 'seq' in record ? record.seq : '0';
    const name = `checkpoint record #${record.index}`;
    if (record.index !== position)
      return fail(
        seq,
        'bad_checkpoint',
        `${name} stands at position ${position}: records were removed, added or reordered`,
      );
    const key = trusted.get(record.keyId);
    if (!key)
      return fail(
        seq,
        'unknown_key',
        `${name} is signed by key ${record.keyId}, not a trusted key`,
      );
    if (!signatureValid(record, key))
      return fail(seq, 'bad_signature', `${name} (seq ${seq}) has an invalid signature`);
    if (record.type === 'key-rotated') {
      const raw = Buffer.from(record.newPublicKey, 'base64');
      if (raw.length === 32) trusted.set(keyIdOf(raw), raw);
      continue;
    }
    if (record.type === 'archive') {
      const at = BigInt(record.seq);
      const hash = Buffer.from(record.headHash, 'hex');
      const anchor = result.anchors.get(at);
      if (!anchor?.hash.equals(hash))
        return fail(
          seq,
          'bad_checkpoint',
          `${name} archives events up to ${seq} with a hash no earlier checkpoint signs at that seq`,
        );
      result.archives.set(at, {
        fromSeq: BigInt(record.fromSeq),
        hash,
        bundleSha256: record.bundleSha256,
        index: record.index,
      });
      continue;
    }
    const keylessFrom = BigInt(record.keylessFrom);
    if (result.keylessFrom !== null && result.keylessFrom !== keylessFrom)
      return fail(seq, 'formula_mismatch', `${name} moves the keyless switch point`);
    result.keylessFrom = keylessFrom;
    const at = BigInt(record.seq);
    const hash = Buffer.from(record.headHash, 'hex');
    if (record.type === 'checkpoint' && record.backfill) {
      const known = result.anchors.get(at);
      if (at > top || (known && !known.hash.equals(hash)))
        return fail(
          seq,
          'bad_checkpoint',
          `${name} back-fills seq ${seq}, ${at > top ? `ahead of the newest checkpoint (${top})` : 'contradicting an earlier checkpoint'}`,
        );
      result.anchors.set(at, { hash, index: record.index });
      continue;
    }
    if (record.type === 'restore') {
      for (const anchored of result.anchors.keys())
        if (anchored > at) result.anchors.delete(anchored);
      for (const archived of result.archives.keys())
        if (archived > at) result.archives.delete(archived);
      result.restores += 1;
      top = at;
    } else if (at < top) {
      return fail(
        seq,
        'bad_checkpoint',
        `${name} signs seq ${seq}, behind the previous checkpoint (${top}), with no restore record`,
      );
    } else top = at;
    result.anchors.set(at, { hash, index: record.index });
    result.requiredSeq = at;
    result.requiredIndex = record.index;
  }
  return result;
}

/**
 * The checkpoints of a directory, their signatures checked against its keyring (or `pinned`),
 * together with records `copied` from elsewhere (the SIEM receiver's copy): the same signed
 * history, so a record of either is used, and one index holding two different records is a
 * problem.
 */
export function loadCheckpointAnchors(
  dir: string,
  pinned: Buffer[] | null = null,
  copied: AnyCheckpointRecord[] = [],
): CheckpointAnchors {
  const empty = noAnchors();
  const failed = (problem: VerifyProblem): CheckpointAnchors => ({ ...empty, problem });
  let file: ReturnType<typeof readCheckpointFile>;
  let keys: Buffer[];
  try {
    file = readCheckpointFile(dir);
    if (pinned) keys = pinned;
    else {
      const keyring = readKeyring(`${dir}/${KEYRING_FILE}`);
      if (keyring.problems.length > 0)
        return failed({
          seq: '0',
          problem: 'bad_checkpoint',
          detail: `keyring: ${keyring.problems[0]}`,
        });
      keys = keyring.entries.map((entry) => Buffer.from(entry.publicKey, 'base64'));
    }
  } catch (error) {
    return failed({ seq: '0', problem: 'unreadable', detail: `${dir}: ${errorText(error)}` });
  }
  if (!file && copied.length === 0)
    return failed({ seq: '0', problem: 'unreadable', detail: `${dir} holds no checkpoint file` });
  const union = unionOfRecords(file?.records ?? [], copied);
  if (union.conflict)
    return failed({
      seq: union.conflict.seq,
      problem: 'siem_conflict',
      detail: union.conflict.detail,
    });
  return checkpointAnchors(union.records, file?.problems ?? [], keys);
}

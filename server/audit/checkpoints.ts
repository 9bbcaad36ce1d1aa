import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../shared/config/schema.ts';
import { canonicalJson } from './chain.ts';

/**
 * Signed checkpoints of the audit chain, kept outside the database (docs/audit.md): one JSON line
 * per record in `<dir>/checkpoints.jsonl`, appended (fsync) and never rewritten, each signed with
 * Ed25519 over the canonical JSON of the record without `sig`. `<dir>/keyring.jsonl` lists every
 * public key that ever signed (append-only too), so old checkpoints stay checkable after a
 * rotation. `index` counts the records, so a line taken out of the file is seen.
 */
export const CHECKPOINT_FILE = 'checkpoints.jsonl';
export const KEYRING_FILE = 'keyring.jsonl';

interface RecordBase {
  v: 1;
  /** Position in the file, from 0. */
  index: number;
  at: string;
  /** Id of the key that signed this record. */
  keyId: string;
  sig: string;
}

/** "The chain reached `seq` with hash `headHash`": what verification compares against. */
export interface CheckpointRecord extends RecordBase {
  type: 'checkpoint';
  seq: string;
  headHash: string;
  /** The first seq chained with keyless SHA-256 (before it: the legacy HMAC). */
  keylessFrom: string;
  /**
   * Signed after the fact at a seq behind the newest checkpoint (by `audit archive`, at the last
   * archived event, after verifying the chain through the newest checkpoint): it anchors that seq
   * and does not move the head the log must reach. Absent on checkpoints of the head.
   */
  backfill?: true;
}

/**
 * A database restored from a backup: its head `seq` (with `headHash`) is behind `lastSeq`, the
 * last checkpoint before; events after `seq` up to `lastSeq` are gone legitimately, and the
 * checkpoints past `seq` before this record belong to a history that no longer exists.
 */
export interface RestoreRecord extends RecordBase {
  type: 'restore';
  seq: string;
  headHash: string;
  keylessFrom: string;
  /** The newest checkpoint the restored database still matches. */
  restoredFrom: { index: number; seq: string };
  lastSeq: string;
  note: string;
}

/**
 * Events `fromSeq`..`seq` left the database into an export bundle whose SHA-256 is
 * `bundleSha256`; the chain goes on from `headHash`, the hash of event `seq`. A checkpoint at
 * `seq` comes before it in the file, and the bundle holds that checkpoint, so the bundle verifies
 * on its own and this record ties the database's new start to it.
 */
export interface ArchiveRecord extends RecordBase {
  type: 'archive';
  fromSeq: string;
  seq: string;
  headHash: string;
  bundleSha256: string;
  note: string;
}

/** The signing key changed: signed by the old key, naming the new one. */
export interface KeyRotationRecord extends RecordBase {
  type: 'key-rotated';
  newKeyId: string;
  newPublicKey: string;
}

export type AnyCheckpointRecord =
  | CheckpointRecord
  | RestoreRecord
  | ArchiveRecord
  | KeyRotationRecord;
/** A record before it is signed. */
export type UnsignedRecord =
  | Omit<CheckpointRecord, 'sig' | 'keyId' | 'index' | 'v'>
  | Omit<RestoreRecord, 'sig' | 'keyId' | 'index' | 'v'>
  | Omit<ArchiveRecord, 'sig' | 'keyId' | 'index' | 'v'>
  | Omit<KeyRotationRecord, 'sig' | 'keyId' | 'index' | 'v'>;

/** Whether a record signs the head of its time: a checkpoint of the head, or a restore. */
export function signsHead(record: AnyCheckpointRecord): record is CheckpointRecord | RestoreRecord {
  return (record.type === 'checkpoint' && !record.backfill) || record.type === 'restore';
}

/** One line of keyring.jsonl. */
export interface KeyringEntry {
  keyId: string;
  /** The raw 32-byte Ed25519 public key, base64. */
  publicKey: string;
  addedAt: string;
}

/** The checkpoint directory of a configuration. */
export function checkpointDir(config: Config): string {
  return resolve(config.audit.checkpoints.dir ?? join(config.dataDir, 'audit-checkpoints'));
}

/** The raw 32 bytes of an Ed25519 public key. */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url');
}

/** A public key object from its raw 32 bytes. */
export function publicKeyFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}

/** The key id: the first 16 hex digits of SHA-256 of the raw public key. */
export function keyIdOf(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

/** What a record's signature covers: its canonical JSON without `sig`. */
export function signedBytes(
  record: Omit<AnyCheckpointRecord, 'sig'> | AnyCheckpointRecord,
): Buffer {
  const { sig: _sig, ...rest } = record as AnyCheckpointRecord;
  return Buffer.from(canonicalJson(rest), 'utf8');
}

/** The service's checkpoint signing key. */
export interface CheckpointSigner {
  keyId: string;
  publicKey: Buffer;
  privateKey: KeyObject;
  /** Where it is kept; null when it came from the configuration (env). */
  file: string | null;
}

function parsePrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  const key = trimmed.startsWith('-----')
    ? createPrivateKey(trimmed)
    : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error('the audit checkpoint key must be an Ed25519 private key');
  return key;
}

function signerOf(privateKey: KeyObject, file: string | null): CheckpointSigner {
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  return { keyId: keyIdOf(publicKey), publicKey, privateKey, file };
}

/** The key file of a configuration (when the key is not given inline). */
export function checkpointKeyFile(config: Config): string {
  return resolve(config.audit.checkpoints.keyFile ?? join(config.dataDir, 'audit-checkpoint.key'));
}

function newKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/**
 * The signing key: `audit.checkpoints.privateKey` (env AUDIT_CHECKPOINT_KEY) or the key file,
 * generated on first use (mode 0600). Its public key is added to the keyring if missing.
 */
export function loadCheckpointSigner(config: Config): CheckpointSigner {
  const inline = config.audit.checkpoints.privateKey;
  let signer: CheckpointSigner;
  if (inline) signer = signerOf(parsePrivateKey(inline), null);
  else {
    const file = checkpointKeyFile(config);
    if (!existsSync(file)) {
      mkdirSync(join(file, '..'), { recursive: true });
      try {
        writeFileSync(file, newKeyPem(), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        // Another process created it first: use theirs.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    signer = signerOf(parsePrivateKey(readFileSync(file, 'utf8')), file);
  }
  ensureInKeyring(checkpointDir(config), signer);
  return signer;
}

/** Appends one line to a file and forces it to disk; the file is opened for appending only. */
function appendLine(path: string, line: string): void {
  const fd = openSync(path, 'a', 0o644);
  try {
    writeSync(fd, `${line}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function ensureDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o755 });
}

/** Adds the signer's public key to the keyring of `dir` unless it is there. */
export function ensureInKeyring(
  dir: string,
  signer: Pick<CheckpointSigner, 'keyId' | 'publicKey'>,
): void {
  ensureDir(dir);
  const path = join(dir, KEYRING_FILE);
  const known = readKeyring(path).entries.some((entry) => entry.keyId === signer.keyId);
  if (known) return;
  const entry: KeyringEntry = {
    keyId: signer.keyId,
    publicKey: signer.publicKey.toString('base64'),
    addedAt: new Date().toISOString(),
  };
  appendLine(path, JSON.stringify(entry));
}

/** The keyring entries of a keyring file (lines that do not parse are reported, not thrown). */
export function readKeyring(path: string): { entries: KeyringEntry[]; problems: string[] } {
  if (!existsSync(path)) return { entries: [], problems: [] };
  const entries: KeyringEntry[] = [];
  const problems: string[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, number) => {
      if (!line.trim()) return;
      try {
        const entry = JSON.parse(line) as KeyringEntry;
        if (
          typeof entry.publicKey !== 'string' ||
          Buffer.from(entry.publicKey, 'base64').length !== 32
        )
          throw new Error('no 32-byte publicKey');
        entries.push({ ...entry, keyId: keyIdOf(Buffer.from(entry.publicKey, 'base64')) });
      } catch (error) {
        problems.push(`${path}:${number + 1}: ${error instanceof Error ? error.message : error}`);
      }
    });
  return { entries, problems };
}

/** Signs a record as the next of the file. */
export function signRecord(
  signer: CheckpointSigner,
  index: number,
  record: UnsignedRecord,
): AnyCheckpointRecord {
  const unsigned = { v: 1 as const, index, ...record, keyId: signer.keyId };
  const sig = sign(null, signedBytes(unsigned as AnyCheckpointRecord), signer.privateKey);
  return { ...unsigned, sig: sig.toString('base64') } as AnyCheckpointRecord;
}

/** Whether a record's signature is valid under this raw public key. */
export function signatureValid(record: AnyCheckpointRecord, publicKey: Buffer): boolean {
  try {
    return verify(
      null,
      signedBytes(record),
      publicKeyFromRaw(publicKey),
      Buffer.from(record.sig, 'base64'),
    );
  } catch {
    return false;
  }
}

/** A line of the checkpoint file that is not a record. */
export interface FileProblem {
  line: number;
  detail: string;
}

/** Parses the lines of a checkpoint file; what does not parse is reported with its line. */
export function parseCheckpointLines(text: string): {
  records: AnyCheckpointRecord[];
  problems: FileProblem[];
} {
  const records: AnyCheckpointRecord[] = [];
  const problems: FileProblem[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push({ line: i + 1, detail: `line ${i + 1} is not JSON` });
      return;
    }
    const problem = shapeProblem(value);
    if (problem) problems.push({ line: i + 1, detail: `line ${i + 1}: ${problem}` });
    else records.push(value as AnyCheckpointRecord);
  });
  return { records, problems };
}

const SEQ = /^(0|[1-9][0-9]{0,18})$/;
const HEX32 = /^[0-9a-f]{64}$/;

function shapeProblem(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not an object';
  const record = value as Record<string, unknown>;
  if (record.v !== 1) return 'unknown version';
  if (!Number.isSafeInteger(record.index)) return 'no index';
  if (typeof record.sig !== 'string' || typeof record.keyId !== 'string') return 'unsigned';
  if (typeof record.at !== 'string') return 'no time';
  if (record.type === 'checkpoint' || record.type === 'restore') {
    if (typeof record.seq !== 'string' || !SEQ.test(record.seq)) return 'bad seq';
    if (typeof record.headHash !== 'string' || !HEX32.test(record.headHash)) return 'bad headHash';
    if (typeof record.keylessFrom !== 'string' || !SEQ.test(record.keylessFrom))
      return 'bad keylessFrom';
    if (record.type === 'checkpoint' && record.backfill !== undefined && record.backfill !== true)
      return 'bad backfill';
    if (record.type === 'restore') {
      const from = record.restoredFrom as Record<string, unknown> | undefined;
      if (
        !from ||
        typeof from.seq !== 'string' ||
        !SEQ.test(from.seq) ||
        typeof record.lastSeq !== 'string' ||
        !SEQ.test(record.lastSeq)
      )
        return 'bad restore record';
    }
    return null;
  }
  if (record.type === 'archive') {
    if (typeof record.seq !== 'string' || !SEQ.test(record.seq) || record.seq === '0')
      return 'bad seq';
    if (typeof record.fromSeq !== 'string' || !SEQ.test(record.fromSeq) || record.fromSeq === '0')
      return 'bad fromSeq';
    if (BigInt(record.fromSeq) > BigInt(record.seq)) return 'fromSeq after seq';
    if (typeof record.headHash !== 'string' || !HEX32.test(record.headHash)) return 'bad headHash';
    if (typeof record.bundleSha256 !== 'string' || !HEX32.test(record.bundleSha256))
      return 'bad bundleSha256';
    return null;
  }
  if (record.type === 'key-rotated') {
    if (typeof record.newPublicKey !== 'string') return 'bad key rotation';
    return null;
  }
  return 'unknown type';
}

/**
 * The records of two copies of the signed history, the checkpoint file and the SIEM receiver's
 * copy of the stream: the file's records in file order, then the copied ones past its end (the
 * auditor's copy of the file may be older than the stream). Both hold the same records, so an
 * index holding two different ones is a conflict, reported with the seq it signs. The file is
 * not mended from the copy: a line missing inside it stays a problem of the file. Signatures are
 * checked afterwards, on the union, as for the file alone.
 */
export function unionOfRecords(
  file: AnyCheckpointRecord[],
  copied: AnyCheckpointRecord[],
): { records: AnyCheckpointRecord[]; conflict: { seq: string; detail: string } | null } {
  const inFile = new Map(file.map((record) => [record.index, record]));
  const beyond = new Map<number, AnyCheckpointRecord>();
  for (const record of copied) {
    const known = inFile.get(record.index) ?? beyond.get(record.index);
    if (known && canonicalJson(known) !== canonicalJson(record))
      return {
        records: [],
        conflict: {
          seq: 'seq' in record ? record.seq : '0',
          detail: `checkpoint record #${record.index} of the SIEM copy differs from the same record elsewhere (the checkpoint file or another line of the copy)`,
        },
      };
    if (!known && record.index >= file.length) beyond.set(record.index, record);
  }
  const extra = [...beyond.values()].sort((a, b) => a.index - b.index);
  return { records: [...file, ...extra], conflict: null };
}

/** Reads the whole checkpoint file of a directory; null when there is none. */
export function readCheckpointFile(
  dir: string,
): { records: AnyCheckpointRecord[]; problems: FileProblem[] } | null {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) return null;
  return parseCheckpointLines(readFileSync(path, 'utf8'));
}

/**
 * Reads the checkpoint file from its end, a window that grows eightfold until `take` has what it
 * needs (or the window holds the whole file: `whole`). `lines` are the window's lines, the first
 * dropped when the window starts inside the file (it may be cut).
 */
function fromFileEnd<T>(path: string, take: (lines: string[], whole: boolean) => T | null): T {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    for (let window = 64 * 1024; ; window *= 8) {
      const length = Math.min(size, window);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      const lines = buffer.toString('utf8').split('\n');
      if (length < size) lines.shift();
      const taken = take(lines, length >= size);
      if (taken !== null) return taken;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The last record of the checkpoint file, and the last one that signs a head (a checkpoint of the
 * head or a restore; not a back-filled checkpoint, an archive or a key rotation), reading only the
 * tail of the file (it grows for years). Nulls when there is none.
 */
export function lastCheckpointRecords(dir: string): {
  last: AnyCheckpointRecord | null;
  lastHead: CheckpointRecord | RestoreRecord | null;
} {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) return { last: null, lastHead: null };
  return fromFileEnd(path, (lines, whole) => {
    const parsed = parseCheckpointLines(lines.filter((line) => line.trim()).join('\n'));
    if (parsed.problems.length > 0)
      throw new Error(`${path}: ${parsed.problems.at(-1)?.detail ?? 'unreadable'}`);
    const last = parsed.records.at(-1) ?? null;
    const lastHead = parsed.records.findLast(signsHead) ?? null;
    return lastHead || whole ? { last, lastHead } : null;
  });
}

/**
 * The records of the checkpoint file with an index above `after`, in file order, reading only as
 * much of the file's end as they take (the SIEM stream asks at every poll; the file grows for
 * years). A last line without its newline is still being written and is left for the next call.
 * Lines that do not parse are returned as problems, not thrown.
 */
export function checkpointRecordsAfter(
  dir: string,
  after: number,
): { records: AnyCheckpointRecord[]; problems: FileProblem[] } {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) return { records: [], problems: [] };
  return fromFileEnd(path, (lines, whole) => {
    // After the last newline: nothing, or a line being appended right now.
    const complete = lines.slice(0, -1);
    const parsed = parseCheckpointLines(complete.join('\n'));
    const first = parsed.records[0];
    if (!whole && !(first && first.index <= after + 1)) return null;
    return {
      records: parsed.records.filter((record) => record.index > after),
      problems: parsed.problems,
    };
  });
}

/** Appends a signed record to the checkpoint file (fsync); the caller holds the writer lock. */
export function appendCheckpointRecord(
  dir: string,
  signer: CheckpointSigner,
  record: UnsignedRecord,
): AnyCheckpointRecord {
  ensureDir(dir);
  const { last } = lastCheckpointRecords(dir);
  const signed = signRecord(signer, last ? last.index + 1 : 0, record);
  appendLine(join(dir, CHECKPOINT_FILE), JSON.stringify(signed));
  return signed;
}

/**
 * Rotates a file-kept signing key: a new key, its public key in the keyring, a `key-rotated`
 * record signed by the old key, then the new key replaces the old in the key file (the old
 * private key is gone; its public key stays in the keyring for the old checkpoints).
 */
export function rotateCheckpointKey(config: Config, old: CheckpointSigner): CheckpointSigner {
  if (!old.file)
    throw new Error(
      'the checkpoint key comes from the configuration (AUDIT_CHECKPOINT_KEY): put a new key there; its public key joins the keyring on start',
    );
  const pem = newKeyPem();
  const next = signerOf(parsePrivateKey(pem), old.file);
  const dir = checkpointDir(config);
  ensureInKeyring(dir, next);
  appendCheckpointRecord(dir, old, {
    type: 'key-rotated',
    at: new Date().toISOString(),
    newKeyId: next.keyId,
    newPublicKey: next.publicKey.toString('base64'),
  });
  const temporary = `${old.file}.new`;
  writeFileSync(temporary, pem, { mode: 0o600 });
  renameSync(temporary, old.file);
  return next;
}

/**
 * Parses a public key given on the command line: base64 of the raw 32 bytes, a PEM (SPKI), or a
 * file holding either, or a keyring.jsonl. Returns the raw keys.
 */
export function parsePublicKeys(value: string): Buffer[] {
  let text = value.trim();
  if (!/^[A-Za-z0-9+/=_-]{43,44}$/.test(text) && !text.startsWith('-----')) {
    if (!existsSync(text)) throw new Error(`--public-key: no such file and not a key: ${value}`);
    const content = readFileSync(text, 'utf8');
    if (content.trimStart().startsWith('{')) {
      const { entries, problems } = readKeyring(text);
      if (problems.length > 0) throw new Error(problems[0]);
      return entries.map((entry) => Buffer.from(entry.publicKey, 'base64'));
    }
    text = content.trim();
  }
  if (text.startsWith('-----')) return [rawPublicKey(createPublicKey(text))];
  const raw = Buffer.from(text, 'base64');
  if (raw.length !== 32) throw new Error('--public-key: not a 32-byte Ed25519 public key');
  return [raw];
}

/** The PEM of a raw public key (for operators who want it). */
export function publicKeyPem(raw: Buffer): string {
  return publicKeyFromRaw(raw).export({ format: 'pem', type: 'spki' }).toString();
}

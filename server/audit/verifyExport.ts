import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { type CheckpointAnchors, checkpointAnchors } from './anchors.ts';
import type { ChainedContent } from './chain.ts';
import { ChainWalker } from './chainWalker.ts';
import type { AnyCheckpointRecord, FileProblem } from './checkpoints.ts';
import { parseCheckpointLines } from './checkpoints.ts';
import { checkpointSummary } from './verify.ts';
import {
  type ArchiveBoundary,
  type BundleSummary,
  errorText,
  type VerifyProblem,
  type VerifyResult,
} from './verifyResult.ts';

/** One event line of an NDJSON export (commands/auditLog/export.ts). */
interface ExportedEvent {
  id: number | string;
  at: string;
  actor: { id: string | null; label: string; role: string | null };
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  action: string;
  target: { type: string | null; id: string | null; label: string | null };
  outcome: string;
  reason: string | null;
  diff: unknown;
  details: unknown;
  hash: string;
}

/** The trailer line describing the export itself. */
export interface ExportMeta {
  /** Filters applied: a filtered export cannot be verified link by link. */
  filters: Record<string, unknown>;
  keylessFrom: string;
  /**
   * Set on an archive bundle (`audit archive`): it holds exactly events fromSeq..throughSeq, and
   * a signed checkpoint at throughSeq closes it. Not signed: it can only make a bundle claim
   * less (a shorter range, still closed by a signed checkpoint), never pass a gap.
   */
  archive?: { fromSeq: string; throughSeq: string };
}

/** The SHA-256 of a file, hex (what an archive record signs of its bundle). */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

const SEQ_TEXT = /^[1-9][0-9]{0,18}$/;

/** The archive range of a bundle's description, or a problem when it is not a valid one. */
function archiveRange(
  meta: ExportMeta | null,
  checkpoints: CheckpointAnchors,
): { range: BundleSummary['archived']; problem: VerifyProblem | null } {
  const archive = meta?.archive;
  if (!archive) return { range: null, problem: null };
  if (
    !SEQ_TEXT.test(String(archive.fromSeq)) ||
    !SEQ_TEXT.test(String(archive.throughSeq)) ||
    BigInt(archive.fromSeq) > BigInt(archive.throughSeq)
  )
    return {
      range: null,
      problem: { seq: '0', problem: 'unreadable', detail: 'the archive range is not valid' },
    };
  const range = { fromSeq: String(archive.fromSeq), throughSeq: String(archive.throughSeq) };
  if (!checkpoints.anchors.has(BigInt(range.throughSeq)))
    return {
      range,
      problem: {
        seq: range.throughSeq,
        problem: 'incomplete_export',
        detail: `the archive bundle ends at event ${range.throughSeq}, where no signed checkpoint is`,
      },
    };
  return { range, problem: null };
}

function contentOfExported(event: ExportedEvent): ChainedContent {
  return {
    seq: String(event.id),
    at: event.at,
    actorId: event.actor?.id ?? null,
    actorLabel: event.actor?.label,
    actorRole: event.actor?.role ?? null,
    ip: event.ip,
    userAgent: event.userAgent,
    requestId: event.requestId,
    action: event.action,
    targetType: event.target?.type ?? null,
    targetId: event.target?.id ?? null,
    targetLabel: event.target?.label ?? null,
    outcome: event.outcome,
    reason: event.reason,
    diff: event.diff,
    details: event.details,
  };
}

const isEventLine = (value: Record<string, unknown>) =>
  'id' in value && 'hash' in value && 'action' in value;

function lines(path: string) {
  return createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
}

/**
 * Verifies an NDJSON export bundle offline (no database): the checkpoint records in it are
 * checked against the trusted public keys only (the bundle's own keyring lines are not trusted),
 * then the events are recomputed from seq 1 (or from just past a signed archive record: the
 * remaining log after `audit archive`) and must pass through every signed hash and reach the last
 * one — for an archive bundle, exactly its last event, where a signed checkpoint closes it.
 * Events before the keyless switch are HMAC and cannot be recomputed without the legacy key: they
 * are counted, and linked through their stored hashes into the keyless chain that the checkpoints
 * sign. Never throws for what it reads.
 */
export async function verifyExportFile(path: string, trustedKeys: Buffer[]): Promise<VerifyResult> {
  const fail = (problem: VerifyProblem): VerifyResult => ({
    ok: false,
    checked: 0,
    headSeq: '0',
    firstProblem: problem,
  });
  if (!existsSync(path) || !statSync(path).isFile())
    return fail({ seq: '0', problem: 'unreadable', detail: `${path}: no such file` });
  // Pass 1: the checkpoint records and the export's description (they follow the events).
  const records: AnyCheckpointRecord[] = [];
  const problems: FileProblem[] = [];
  let meta: ExportMeta | null = null;
  let lineNumber = 0;
  try {
    for await (const line of lines(path)) {
      lineNumber += 1;
      if (!line.trim()) continue;
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(line);
      } catch {
        return fail({ seq: '0', problem: 'unreadable', detail: `line ${lineNumber} is not JSON` });
      }
      if (!value || typeof value !== 'object') {
        return fail({
          seq: '0',
          problem: 'unreadable',
          detail: `line ${lineNumber} is not an object`,
        });
      }
      if ('checkpoint' in value) {
        const parsed = parseCheckpointLines(JSON.stringify(value.checkpoint));
        records.push(...parsed.records);
        problems.push(
          ...parsed.problems.map((p) => ({
            line: lineNumber,
            detail: `line ${lineNumber}: ${p.detail}`,
          })),
        );
      } else if ('export' in value) meta = value.export as ExportMeta;
      else if (!('keyring' in value) && !isEventLine(value))
        return fail({
          seq: '0',
          problem: 'unreadable',
          detail: `line ${lineNumber} is neither an event nor a checkpoint`,
        });
    }
  } catch (error) {
    return fail({ seq: '0', problem: 'unreadable', detail: `${path}: ${errorText(error)}` });
  }
  const checkpoints: CheckpointAnchors = checkpointAnchors(records, problems, trustedKeys);
  if (checkpoints.problem) return fail(checkpoints.problem);
  if (meta && Object.keys(meta.filters ?? {}).length > 0)
    return fail({
      seq: '0',
      problem: 'incomplete_export',
      detail: 'a filtered export cannot be verified: export the whole log (no --from/--to)',
    });
  const { range, problem: rangeProblem } = archiveRange(meta, checkpoints);
  if (rangeProblem) return fail(rangeProblem);
  // An archive bundle must reach its own last event, not the newest checkpoint of the file.
  const required: CheckpointAnchors = range
    ? {
        ...checkpoints,
        requiredSeq: BigInt(range.throughSeq),
        requiredIndex: checkpoints.anchors.get(BigInt(range.throughSeq))?.index ?? -1,
      }
    : checkpoints;
  const bundle: BundleSummary = { sha256: await fileSha256(path), archived: range };
  const keylessFrom = checkpoints.keylessFrom ?? BigInt(meta?.keylessFrom ?? '1');
  // Pass 2: the events.
  let walker: ChainWalker | null = null;
  let archive: ArchiveBoundary | undefined;
  const result = (firstProblem: VerifyProblem | null): VerifyResult => ({
    ok: firstProblem === null,
    checked: walker?.checked ?? 0,
    headSeq: (walker?.last ?? 0n).toString(),
    firstProblem,
    checkpoints: checkpointSummary(required, walker?.last ?? 0n, walker?.legacyUnchecked ?? 0),
    ...(archive ? { archive } : {}),
    bundle,
  });
  lineNumber = 0;
  try {
    for await (const line of lines(path)) {
      lineNumber += 1;
      if (!line.trim()) continue;
      const value = JSON.parse(line) as Record<string, unknown>;
      if (!isEventLine(value)) continue;
      const event = value as unknown as ExportedEvent;
      if (typeof event.hash !== 'string' || !/^[0-9a-f]{64}$/.test(event.hash))
        return result({
          seq: String(event.id),
          problem: 'hash_mismatch',
          detail: `event ${event.id} has no valid hash`,
        });
      if (!/^[1-9][0-9]*$/.test(String(event.id)))
        return result({
          seq: '0',
          problem: 'unreadable',
          detail: `line ${lineNumber}: bad event id`,
        });
      if (!walker) {
        // The walk starts at seq 1, or just past a signed archive record: a log whose first
        // events are gone without one is a deleted head, whatever checkpoint it starts after.
        const first = BigInt(event.id);
        const start = checkpoints.archives.get(first - 1n);
        if (first !== 1n && !start)
          return result({
            seq: first.toString(),
            problem: 'incomplete_export',
            detail: `the export starts at event ${first}, neither at 1 nor just past a signed archive record: events 1..${first - 1n} were deleted without an archive`,
          });
        if (range && range.fromSeq !== first.toString())
          return result({
            seq: first.toString(),
            problem: 'incomplete_export',
            detail: `the archive bundle says it starts at event ${range.fromSeq} but starts at ${first}`,
          });
        if (start)
          archive = {
            throughSeq: (first - 1n).toString(),
            throughHash: start.hash.toString('hex'),
            bundleSha256: start.bundleSha256,
            recordIndex: start.index,
          };
        walker = new ChainWalker(
          { keylessFrom, legacyKey: null },
          checkpoints.anchors,
          start ? { seq: first - 1n, hash: start.hash } : undefined,
        );
      }
      if (range && BigInt(event.id) > BigInt(range.throughSeq))
        return result({
          seq: String(event.id),
          problem: 'beyond_head',
          detail: `event ${event.id} lies past the archive bundle's last event (${range.throughSeq})`,
        });
      const problem = walker.step(contentOfExported(event), event.hash);
      if (problem) return result(problem);
    }
  } catch (error) {
    return result({
      seq: '0',
      problem: 'unreadable',
      detail: `line ${lineNumber}: ${errorText(error)}`,
    });
  }
  if (!walker) {
    // No event: all of the log was archived; it must end at the last signed archive, if any.
    const through = [...checkpoints.archives.keys()].reduce((a, b) => (b > a ? b : a), 0n);
    const archived = checkpoints.archives.get(through);
    walker = new ChainWalker(
      { keylessFrom, legacyKey: null },
      checkpoints.anchors,
      archived ? { seq: through, hash: archived.hash } : undefined,
    );
  }
  return result(walker.truncation(required));
}

import { createReadStream, existsSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { ChainedContent } from '../audit/chain.ts';
import { parseCheckpointLines } from '../audit/checkpoints.ts';
import { type CopyItem, collectCopy, type ReceivedCopy } from '../audit/siemCopy.ts';
import { errorText } from '../audit/verifyResult.ts';
import { CHECKPOINT_MSGID } from './format.ts';

/**
 * Reads what the SIEM receiver stored of the stream (docs/siem.md): one message per line, as
 * format.ts writes them. Tolerant of how the receiver stores them: anything before the message
 * (a time and host a template prepends) is skipped; a receiver that keeps only MSG (rsyslog's
 * traditional file format) still leaves the event's JSON, which is all that counts — the
 * structured data only repeats it, and is checked against it when present. A message torn by a
 * receiver crash, with the next one appended to it, is taken apart. Never throws: what cannot be
 * read is an item saying so.
 */

/** What one piece of a line turned out to be, before it has a line number. */
type Piece =
  | { kind: 'event'; hash: Buffer; content: ChainedContent }
  | { kind: 'record'; record: Extract<CopyItem, { kind: 'record' }>['record'] }
  | { kind: 'foreign' }
  | { kind: 'broken'; ours: boolean; seq: string | null; detail: string };

// Where a message starts: PRI, version 1 and a full-date timestamp.
const HEADER = /<\d{1,3}>1 \d{4}-\d\d-\d\dT/g;
const HEAD = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) /;
const SEQ = /^[1-9][0-9]{0,18}$/;
const HEX32 = /^[0-9a-f]{64}$/;
const REQUIRED = ['seq', 'at', 'actorLabel', 'action', 'outcome'] as const;
const NULLABLE = [
  'actorId',
  'actorRole',
  'ip',
  'userAgent',
  'requestId',
  'targetType',
  'targetId',
  'targetLabel',
  'reason',
] as const;

const broken = (ours: boolean, seq: string | null, detail: string): Piece => ({
  kind: 'broken',
  ours,
  seq,
  detail,
});

/** The structured data at `at`: its params (of every element; the first value of a name wins). */
function structuredData(
  text: string,
  at: number,
): { params: Map<string, string>; end: number } | null {
  const params = new Map<string, string>();
  if (text[at] === '-') return { params, end: at + 1 };
  let i = at;
  while (text[i] === '[') {
    i += 1;
    while (i < text.length && text[i] !== ' ' && text[i] !== ']') i += 1;
    while (text[i] === ' ') {
      const eq = text.indexOf('="', i);
      if (eq < 0) return null;
      const name = text.slice(i + 1, eq);
      let value = '';
      let j = eq + 2;
      for (; j < text.length && text[j] !== '"'; j += 1) {
        // RFC 5424 §6.3.3: `\"`, `\\` and `\]` are escapes; any other backslash is itself.
        const next = text[j + 1];
        if (text[j] === '\\' && next !== undefined && '"\\]'.includes(next)) j += 1;
        value += text[j];
      }
      if (j >= text.length) return null;
      if (!params.has(name)) params.set(name, value);
      i = j + 1;
    }
    if (text[i] !== ']') return null;
    i += 1;
  }
  return i === at ? null : { params, end: i };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An event of the stream from its MSG JSON: every field the chain hash covers, and the hash. */
function eventOf(value: Record<string, unknown>): Piece {
  const seq = typeof value.seq === 'string' && SEQ.test(value.seq) ? value.seq : null;
  if (!seq) return broken(true, null, 'no valid seq');
  if (typeof value.hash !== 'string' || !HEX32.test(value.hash))
    return broken(true, seq, 'no valid hash');
  for (const key of REQUIRED)
    if (typeof value[key] !== 'string') return broken(true, seq, `${key} is missing`);
  for (const key of NULLABLE)
    if (value[key] !== null && typeof value[key] !== 'string')
      return broken(true, seq, `${key} is missing`);
  if (!('diff' in value) || !('details' in value))
    return broken(true, seq, 'diff or details is missing');
  const text = (key: (typeof NULLABLE)[number]) => value[key] as string | null;
  const content: ChainedContent = {
    seq,
    at: value.at as string,
    actorId: text('actorId'),
    actorLabel: value.actorLabel as string,
    actorRole: text('actorRole'),
    ip: text('ip'),
    userAgent: text('userAgent'),
    requestId: text('requestId'),
    action: value.action as string,
    targetType: text('targetType'),
    targetId: text('targetId'),
    targetLabel: text('targetLabel'),
    outcome: value.outcome as string,
    reason: text('reason'),
    diff: value.diff,
    details: value.details,
  };
  return { kind: 'event', hash: Buffer.from(value.hash, 'hex'), content };
}

/** What a MSG's JSON is: an event, a signed checkpoint record, or something else. */
function pieceOfJson(value: Record<string, unknown>, json: string): Piece {
  if ('sig' in value && 'index' in value) {
    const parsed = parseCheckpointLines(json.replace(/\n/g, ' '));
    const record = parsed.records[0];
    const seq = typeof value.seq === 'string' ? value.seq : null;
    if (!record) return broken(true, seq, parsed.problems[0]?.detail ?? 'not a checkpoint record');
    return { kind: 'record', record };
  }
  if ('seq' in value && 'hash' in value) return eventOf(value);
  return { kind: 'foreign' };
}

/** One RFC 5424 message (from its PRI to the end of `text`). */
function syslogPiece(text: string): Piece {
  const head = HEAD.exec(text);
  if (!head) return broken(false, null, 'not an RFC 5424 message');
  const msgId = head[6];
  const sd = structuredData(text, head[0].length);
  if (!sd) return broken(msgId === CHECKPOINT_MSGID, null, 'bad structured data');
  const { params } = sd;
  const ours =
    msgId === CHECKPOINT_MSGID ||
    (params.has('seq') && params.has('hash')) ||
    (params.has('index') && params.has('signature'));
  let msg = text
    .slice(sd.end)
    .replace(/^ /, '')
    .replace(/^\uFEFF/, '');
  msg = msg.replace(/\r$/, '');
  let value: unknown;
  try {
    value = JSON.parse(msg);
  } catch {
    return ours ? broken(true, params.get('seq') ?? null, 'MSG is not JSON') : { kind: 'foreign' };
  }
  if (!isObject(value))
    return ours
      ? broken(true, params.get('seq') ?? null, 'MSG is not an object')
      : { kind: 'foreign' };
  const piece = pieceOfJson(value, msg);
  // The structured data repeats MSG for the SIEM's rules; when present it must say the same.
  if (piece.kind === 'event') {
    const { seq } = piece.content;
    if (params.has('seq') && params.get('seq') !== seq)
      return broken(true, seq, `structured data says seq ${params.get('seq')}, MSG says ${seq}`);
    if (params.has('hash') && params.get('hash') !== piece.hash.toString('hex'))
      return broken(true, seq, 'structured data and MSG hold different hashes');
  }
  if (
    piece.kind === 'record' &&
    params.has('index') &&
    params.get('index') !== String(piece.record.index)
  )
    return broken(true, null, 'structured data and MSG hold different record indexes');
  if (piece.kind === 'foreign' && ours)
    return broken(true, params.get('seq') ?? null, 'MSG is no audit message');
  return piece;
}

/**
 * A line without an RFC 5424 header (a template that keeps only MSG, after a time and host of its
 * own): the leftmost `{` from which the rest of the line is one JSON object is MSG.
 */
function bareJsonPiece(text: string): Piece {
  for (let at = text.indexOf('{'); at >= 0; at = text.indexOf('{', at + 1)) {
    const json = text.slice(at).replace(/\r$/, '');
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      continue;
    }
    if (isObject(value)) return pieceOfJson(value, json);
  }
  const ours = /"(?:hash|sig)"\s*:\s*"/.test(text);
  return ours ? broken(true, null, 'no complete JSON message in the line') : { kind: 'foreign' };
}

/**
 * What one stored line holds. `unterminated`: the last line of the file without its newline
 * (still being written, or cut by a crash), whose broken message is torn rather than bad.
 */
export function parseReceivedLine(text: string, line: number, unterminated = false): CopyItem[] {
  if (!text.trim()) return [];
  const item = (piece: Piece, last: boolean): CopyItem => {
    if (piece.kind === 'broken') {
      // Followed by another message on the same line: cut short, whatever it was.
      if (!last) return { kind: 'torn', line };
      if (!piece.ours) return { kind: 'foreign', line };
      if (unterminated) return { kind: 'torn', line };
      return { kind: 'bad', line, seq: piece.seq, detail: piece.detail };
    }
    return { ...piece, line };
  };
  const starts = [...text.matchAll(HEADER)].map((match) => match.index ?? 0);
  const first = starts[0];
  if (first === undefined) return [item(bareJsonPiece(text), true)];
  // Usually the rest of the line from the first header is one message: what rsyslog stored.
  const whole = syslogPiece(text.slice(first));
  if (whole.kind !== 'broken' || starts.length === 1) return [item(whole, true)];
  // A receiver killed mid-write leaves a torn message with the next one appended to it.
  return starts.map((start, index) => {
    const end = starts[index + 1];
    return item(syslogPiece(text.slice(start, end)), end === undefined);
  });
}

/** Every item of a stored copy, line by line; a file that cannot be read is one item saying so. */
export async function* receivedItems(path: string): AsyncGenerator<CopyItem> {
  try {
    if (!existsSync(path) || !statSync(path).isFile()) {
      yield { kind: 'unreadable', detail: `${path}: no such file` };
      return;
    }
  } catch (error) {
    yield { kind: 'unreadable', detail: `${path}: ${errorText(error)}` };
    return;
  }
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let number = 0;
  const stream = createReadStream(path);
  try {
    for await (const chunk of stream) {
      const lines = (rest + decoder.write(chunk as Buffer)).split('\n');
      rest = lines.pop() ?? '';
      for (const text of lines) {
        number += 1;
        yield* parseReceivedLine(text, number);
      }
    }
    rest += decoder.end();
  } catch (error) {
    yield { kind: 'unreadable', detail: `${path}: ${errorText(error)}` };
    return;
  } finally {
    stream.destroy();
  }
  if (rest) yield* parseReceivedLine(rest, number + 1, true);
}

/**
 * Reads and gathers a stored copy (audit/siemCopy.ts compares it). `keepContentAfter`: the last
 * signed seq known beforehand; the content of events past it is kept for recomputing their chain.
 */
export function readReceivedCopy(path: string, keepContentAfter: bigint): Promise<ReceivedCopy> {
  return collectCopy(path, receivedItems(path), keepContentAfter);
}

import { type AuditRow, contentOfRow } from '../audit/auditRow.ts';
import type { AnyCheckpointRecord } from '../audit/checkpoints.ts';
import type { SiemConfig } from '../shared/config/siem.ts';

/** What every message of one stream shares: the configured header fields. */
export interface SyslogHeader {
  facility: number;
  hostname: string;
  appName: string;
  procId: string;
  sdId: string;
}

/** Builds the shared header from the `siem` section (hostname default: this machine's). */
export function syslogHeader(siem: SiemConfig, machine: string, pid: number): SyslogHeader {
  return {
    facility: siem.facility,
    // RFC 5424 HOSTNAME is PRINTUSASCII: a machine name with other characters becomes `-`-safe.
    hostname: siem.hostname ?? (machine.replace(/[^\x21-\x7e]/g, '').slice(0, 255) || '-'),
    appName: siem.appName,
    procId: String(pid),
    sdId: siem.sdId,
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
const CONTROL = /[\u0000-\u001f\u007f]/g;

// RFC 5424 §6.2.1: the outcome decides the severity, so a SIEM can alert on refusals and failures.
const SEVERITY: Record<string, number> = { success: 5, denied: 4, failure: 3 };

/**
 * An SD-PARAM value: `"`, `\` and `]` are escaped with a backslash (RFC 5424 §6.3.3), and
 * control characters become spaces: receivers store messages one per line (rsyslog turns a line
 * break into `#012`), and the exact value is in the JSON of MSG anyway.
 */
function param(name: string, value: string | null): string {
  if (value === null) return '';
  const text = value.replace(CONTROL, ' ').replace(/["\\\]]/g, (char) => `\\${char}`);
  return ` ${name}="${text}"`;
}

/** MSGID is at most 32 printable ASCII characters (RFC 5424 §6.2.7). */
function msgId(action: string): string {
  return action.replace(/[^\x21-\x7e]/g, '_').slice(0, 32) || '-';
}

/**
 * One audit event as an RFC 5424 message: PRI from the outcome, the event's own time, MSGID =
 * the action, structured data with seq (the receiver's de-duplication key), actor, target,
 * outcome and the chain hash, and MSG = the event as compact JSON (without a BOM: several SIEM
 * parsers keep it as part of the JSON). It depends on the row's columns, not on how the chain
 * hash is computed.
 */
export function formatRfc5424(header: SyslogHeader, row: AuditRow): string {
  const pri = header.facility * 8 + (SEVERITY[row.outcome] ?? 5);
  const hash = row.hash.toString('hex');
  const target = row.target_type ? `${row.target_type}:${row.target_id ?? ''}` : null;
  const sd =
    `[${header.sdId}${param('seq', row.seq)}${param('actor', row.actor_label)}` +
    `${param('actorId', row.actor_id)}${param('actorRole', row.actor_role)}` +
    `${param('target', target)}${param('targetLabel', row.target_label)}` +
    `${param('outcome', row.outcome)}${param('hash', hash)}]`;
  const msg = JSON.stringify({ ...contentOfRow(row), hash });
  return `<${pri}>1 ${row.at.toISOString()} ${header.hostname} ${header.appName} ${header.procId} ${msgId(row.action)} ${sd} ${msg}`;
}

/** MSGID of a signed checkpoint record (a checkpoint, a restore, a key rotation) in the stream. */
export const CHECKPOINT_MSGID = 'audit.checkpoint';

/**
 * A signed checkpoint record as an RFC 5424 message: severity notice, the record's own time,
 * MSGID `audit.checkpoint`, structured data with `index` (its de-duplication key: one record per
 * index), `type`, `seq` and `hash` (the head it signs; none for a key rotation), `keyId`,
 * `newKeyId` (a rotation) and `signature`, and MSG = the record's JSON exactly as the checkpoint
 * file holds it, which the signature covers. The stream signs nothing and adds nothing of its
 * own: whoever forges a record needs the signing key, which neither the database nor the stream
 * holds.
 */
export function formatCheckpointRfc5424(header: SyslogHeader, record: AnyCheckpointRecord): string {
  const pri = header.facility * 8 + 5;
  // The header field must be one printable token; the exact time is in MSG anyway.
  const at = /^[\x21-\x7e]{1,64}$/.test(record.at) ? record.at : '-';
  const signs = record.type === 'key-rotated' ? null : record;
  const sd =
    `[${header.sdId}${param('index', String(record.index))}${param('type', record.type)}` +
    `${param('seq', signs?.seq ?? null)}${param('hash', signs?.headHash ?? null)}` +
    `${param('keyId', record.keyId)}` +
    `${param('newKeyId', record.type === 'key-rotated' ? record.newKeyId : null)}` +
    `${param('signature', record.sig)}]`;
  return `<${pri}>1 ${at} ${header.hostname} ${header.appName} ${header.procId} ${CHECKPOINT_MSGID} ${sd} ${JSON.stringify(record)}`;
}

/** RFC 5425 §4.3 octet-counting: `MSG-LEN SP SYSLOG-MSG`, the length in bytes. */
export function octetFrame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

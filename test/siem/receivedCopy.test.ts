import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type AuditRow, contentOfRow } from '../../server/audit/auditRow.ts';
import { GENESIS_HASH, keylessHash } from '../../server/audit/chain.ts';
import {
  type CheckpointSigner,
  keyIdOf,
  rawPublicKey,
  signRecord,
} from '../../server/audit/checkpoints.ts';
import {
  formatCheckpointRfc5424,
  formatRfc5424,
  type SyslogHeader,
} from '../../server/siem/format.ts';
import { parseReceivedLine } from '../../server/siem/receivedCopy.ts';

const header: SyslogHeader = {
  facility: 13,
  hostname: 'backoffice-1',
  appName: 'frisbee-backoffice',
  procId: '4242',
  sdId: 'audit@32473',
};

/** An event whose text fields hold what a receiver or a parser could trip over. */
function row(seq: number, label = 'Ivan Ivanov'): AuditRow {
  const base: AuditRow = {
    seq: String(seq),
    at: new Date(Date.UTC(2026, 11, 4, 10, 15, seq)),
    actor_id: 'a1b2',
    actor_label: 'Anna "the admin" Petrova ] \\',
    actor_role: 'admin',
    ip: '10.0.0.1',
    user_agent: null,
    request_id: 'req-1',
    action: 'user.deactivated',
    target_type: 'User',
    target_id: 'u1',
    target_label: label,
    outcome: 'success',
    reason: null,
    diff: { status: ['active', 'inactive'] },
    details: { note: 'ünïcode {"nested": [1, 2]}' },
    hash: Buffer.alloc(0),
  };
  return { ...base, hash: keylessHash(GENESIS_HASH, contentOfRow(base)) };
}

function signer(): CheckpointSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  return { keyId: keyIdOf(raw), publicKey: raw, privateKey, file: null };
}

describe('reading a line the SIEM receiver stored', () => {
  it('an event as sent (rsyslog %rawmsg%): its content and hash, exactly', () => {
    const event = row(7);
    const items = parseReceivedLine(formatRfc5424(header, event), 1);
    expect(items).toEqual([
      { kind: 'event', line: 1, hash: event.hash, content: contentOfRow(event) },
    ]);
  });

  it('with whatever the receiver prepends, or only MSG after a traditional header', () => {
    const event = row(8);
    const raw = formatRfc5424(header, event);
    const msg = raw.slice(raw.indexOf('] {') + 2);
    for (const line of [
      `2026-12-04T10:15:08.000123+00:00 siem-host ${raw}`,
      `Dec  4 10:15:08 backoffice-1 frisbee-backoffice[4242]: ${msg}`,
      `${raw}\r`,
    ]) {
      const [item] = parseReceivedLine(line, 3);
      expect(item).toMatchObject({ kind: 'event', hash: event.hash });
      expect(item?.kind === 'event' && item.content).toEqual(contentOfRow(event));
    }
  });

  it('a label that looks like a message header does not split the message', () => {
    const event = row(9, 'x <13>1 2026-01-01T00:00:00Z host app - - - {"seq":"1"}');
    const items = parseReceivedLine(formatRfc5424(header, event), 1);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'event', hash: event.hash });
  });

  it('a message torn by a receiver crash, with the next one appended: torn, then the next', () => {
    const torn = formatRfc5424(header, row(10));
    const next = row(11);
    const items = parseReceivedLine(`${torn.slice(0, 120)}${formatRfc5424(header, next)}`, 5);
    expect(items.map((item) => item.kind)).toEqual(['torn', 'event']);
    expect(items[1]).toMatchObject({ hash: next.hash, line: 5 });
  });

  it('a broken message of ours is bad (torn only on the unterminated last line)', () => {
    const cut = formatRfc5424(header, row(12)).slice(0, -10);
    expect(parseReceivedLine(cut, 2)).toEqual([
      { kind: 'bad', line: 2, seq: '12', detail: 'MSG is not JSON' },
    ]);
    expect(parseReceivedLine(cut, 2, true)).toEqual([{ kind: 'torn', line: 2 }]);
  });

  it('structured data that disagrees with MSG, and a field missing, are bad', () => {
    const event = row(13);
    const line = formatRfc5424(header, event);
    const otherHash = line.replace(
      `hash="${event.hash.toString('hex')}"`,
      `hash="${'0'.repeat(64)}"`,
    );
    expect(parseReceivedLine(otherHash, 1)[0]).toMatchObject({ kind: 'bad', seq: '13' });
    const noAction = line.replace('"action":"user.deactivated",', '');
    expect(parseReceivedLine(noAction, 1)[0]).toMatchObject({
      kind: 'bad',
      detail: 'action is missing',
    });
  });

  it("other programs' lines are foreign, not problems", () => {
    for (const line of [
      '<46>1 2026-12-04T10:15:00.000Z siem rsyslogd - - [origin software="rsyslogd"] start',
      'Dec  4 10:15:00 siem kernel: something else',
      '<13>1 2026-12-04T10:15:00.000Z host app 1 - - {"level":"info"}',
    ])
      expect(parseReceivedLine(line, 1)).toEqual([{ kind: 'foreign', line: 1 }]);
    expect(parseReceivedLine('   ', 1)).toEqual([]);
  });

  it('a signed checkpoint record: MSGID audit.checkpoint, the record exactly as signed', () => {
    const record = signRecord(signer(), 3, {
      type: 'checkpoint',
      seq: '1000',
      headHash: 'ab'.repeat(32),
      keylessFrom: '1',
      at: '2026-12-04T10:16:00.000Z',
    });
    const line = formatCheckpointRfc5424(header, record);
    expect(line).toMatch(
      /^<109>1 2026-12-04T10:16:00.000Z backoffice-1 frisbee-backoffice 4242 audit\.checkpoint \[audit@32473 index="3" type="checkpoint" seq="1000" hash="(ab){32}" keyId="[0-9a-f]{16}" signature="[^"]+"\] \{/,
    );
    expect(parseReceivedLine(line, 4)).toEqual([{ kind: 'record', line: 4, record }]);
    const otherIndex = line.replace('index="3"', 'index="4"');
    expect(parseReceivedLine(otherIndex, 4)[0]).toMatchObject({ kind: 'bad' });
  });
});

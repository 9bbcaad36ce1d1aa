import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ROW_COLUMNS, type AuditRow } from '../../server/audit/auditRow.ts';
import { systemActor } from '../../server/authz/actor.ts';
import { runCommand } from '../../server/commands/runCommand.ts';
import { SiemWorker } from '../../server/siem/worker.ts';
import type { ServiceProcess } from '../core/serviceProcess.ts';
import {
  killHard,
  scratchDir,
  serviceEnv,
  startService,
  writeServiceConfig,
} from '../faults/support.ts';
import { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  type Rsyslog,
  rsyslogAvailable,
  startRsyslog,
  streamSettings,
} from '../support/rsyslog.ts';
import {
  SERVICE_PROCESS_TEST_MS,
  SIEM_DELIVERY_MS,
  SIEM_FAULT_TEST_MS,
  SIEM_RECEIVER_DOWN_MS,
  waitUntil,
} from '../support/timeouts.ts';

/** One received message, parsed as RFC 5424 (only what the service sends). */
interface Received {
  line: string;
  pri: number;
  timestamp: string;
  hostname: string;
  appName: string;
  msgId: string;
  sdId: string;
  params: Record<string, string>;
  msg: Record<string, unknown>;
}

/** Parses `<PRI>1 TS HOST APP PROCID MSGID [SD-ID name="value"...] MSG`, escapes included. */
function parse(line: string): Received {
  const head = /^<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) \[([^ \]]+)/.exec(line);
  if (!head) throw new Error(`not RFC 5424: ${line}`);
  const params: Record<string, string> = {};
  let rest = line.slice(head[0].length);
  const param = /^ ([^=\s\]"]+)="((?:[^"\\]|\\.)*)"/;
  for (let match = param.exec(rest); match; match = param.exec(rest)) {
    params[match[1] as string] = (match[2] as string).replace(/\\(["\\\]])/g, '$1');
    rest = rest.slice(match[0].length);
  }
  if (!rest.startsWith('] ')) throw new Error(`bad structured data: ${line}`);
  return {
    line,
    pri: Number(head[1]),
    timestamp: head[2] as string,
    hostname: head[3] as string,
    appName: head[4] as string,
    msgId: head[6] as string,
    sdId: head[7] as string,
    params,
    msg: JSON.parse(rest.slice(2)) as Record<string, unknown>,
  };
}

let context: TestContext;
let rsyslog: Rsyslog;
const workers: SiemWorker[] = [];

/** A worker on the test's rsyslog, fast to poll and retry. */
function worker(): SiemWorker {
  const created = new SiemWorker(context.services, streamSettings(rsyslog));
  workers.push(created);
  created.start();
  return created;
}

let written = 0;
/** Commits `count` audit events, one transaction each, with every outcome and awkward text. */
async function writeEvents(count: number): Promise<void> {
  const outcomes = ['success', 'denied', 'failure'] as const;
  for (let i = 0; i < count; i += 1) {
    written += 1;
    const n = written;
    await runCommand(context.services, systemActor(`writer "${n}" ]\\`), async ({ audit }) => {
      audit({
        action: n % 2 === 0 ? 'user.updated' : 'user.deactivated',
        targetType: 'User',
        targetId: `person-${n}`,
        targetLabel: `Person ${n} ] "quoted" \\ ünïcode\nnext line`,
        outcome: outcomes[n % 3],
        details: { n },
      });
    });
  }
}

async function headSeq(): Promise<number> {
  const { rows } = await context.services.pool.query<{ seq: string }>(
    'select coalesce(max(seq), 0)::text as seq from audit_event',
  );
  return Number(rows[0]?.seq ?? '0');
}

/** The seqs rsyslog got, in arrival order. */
async function receivedSeqs(): Promise<number[]> {
  return (await rsyslog.received()).map((line) => Number(parse(line).params.seq));
}

/**
 * Checks the receiver's copy against the log: every seq from 1 to the head, first arrivals in
 * order, and every duplicate the very same message as the first copy of its seq (but for
 * PROCID: a copy resent by another service process carries that process's pid).
 */
async function expectCompleteCopy(): Promise<{ duplicates: number }> {
  const withoutProcId = (line: string) => line.split(' ').toSpliced(4, 1).join(' ');
  const head = await headSeq();
  const lines = await rsyslog.received();
  const first = new Map<number, string>();
  let duplicates = 0;
  const order: number[] = [];
  for (const line of lines) {
    const seq = Number(parse(line).params.seq);
    const seen = first.get(seq);
    if (seen === undefined) {
      first.set(seq, line);
      order.push(seq);
    } else {
      duplicates += 1;
      expect(withoutProcId(line)).toBe(withoutProcId(seen));
    }
  }
  expect(order).toEqual(Array.from({ length: head }, (_, index) => index + 1));
  return { duplicates };
}

async function waitForAll(what: string): Promise<void> {
  await waitUntil(what, SIEM_DELIVERY_MS, async () => {
    const head = await headSeq();
    return new Set(await receivedSeqs()).size >= head;
  });
}

describe.runIf(rsyslogAvailable)('the SIEM stream into a real rsyslog over TLS', () => {
  beforeAll(async () => {
    rsyslog = await startRsyslog();
    context = await startTestContext({
      siem: {
        host: '127.0.0.1',
        port: rsyslog.port,
        ca: rsyslog.ca,
        serverName: rsyslog.serverName,
        enabled: false,
      },
    });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((each) => each.stop()));
  });
  afterAll(async () => {
    await context?.close();
    await rsyslog?.close();
  });

  it('delivers every event in order, once, with the right fields', async () => {
    await writeEvents(60);
    const stream = worker();
    await waitForAll('60 events at rsyslog');
    const { duplicates } = await expectCompleteCopy();
    expect(duplicates).toBe(0);
    // The leader's session is its own, not the pool's: while the stream runs, the pool keeps
    // every connection for requests (token introspection's among them).
    expect(stream.leading).toBe(true);
    expect(context.services.pool.totalCount - context.services.pool.idleCount).toBe(0);

    const { rows } = await context.services.pool.query<AuditRow>(
      `select ${AUDIT_ROW_COLUMNS} from audit_event order by audit_event.seq`,
    );
    const received = (await rsyslog.received()).map(parse);
    for (const [index, row] of rows.entries()) {
      const message = received[index] as Received;
      const severity = { success: 5, denied: 4, failure: 3 }[row.outcome] ?? -1;
      expect(message.pri).toBe(13 * 8 + severity);
      expect(message.timestamp).toBe(row.at.toISOString());
      expect([message.hostname, message.appName, message.msgId, message.sdId]).toEqual([
        'backoffice-test',
        'frisbee-test',
        row.action,
        'audit@32473',
      ]);
      expect(message.params).toEqual({
        seq: row.seq,
        actor: row.actor_label,
        ...(row.actor_role ? { actorRole: row.actor_role } : {}),
        target: `User:${row.target_id}`,
        // Control characters become spaces in structured data; MSG keeps the exact text.
        targetLabel: row.target_label?.replaceAll('\n', ' '),
        outcome: row.outcome,
        hash: row.hash.toString('hex'),
      });
      expect(message.msg).toMatchObject({
        seq: row.seq,
        at: row.at.toISOString(),
        action: row.action,
        actorLabel: row.actor_label,
        targetLabel: row.target_label,
        outcome: row.outcome,
        details: row.details,
        hash: row.hash.toString('hex'),
      });
    }
  });

  it(
    'loses nothing when rsyslog is killed with SIGKILL and stays down while events are written',
    async () => {
      const stream = worker();
      let writing = true;
      const writer = (async () => {
        while (writing) await writeEvents(5);
      })();
      await waitUntil('the stream to go on before the kill', SIEM_DELIVERY_MS, async () => {
        return (await receivedSeqs()).length > 80;
      });
      await rsyslog.kill();
      // Down on purpose for a while: deliveries fail and back off; writers never wait for them.
      await waitUntil('the worker to record the outage', SIEM_DELIVERY_MS, async () => {
        const { rows } = await context.services.pool.query<{ connected: boolean }>(
          'select connected from siem_cursor',
        );
        return rows[0]?.connected === false;
      });
      await new Promise((resolve) => setTimeout(resolve, SIEM_RECEIVER_DOWN_MS));
      await rsyslog.start();
      await writeEvents(20);
      writing = false;
      await writer;
      await waitForAll('every event after rsyslog came back');
      await expectCompleteCopy();
      expect(stream.leading).toBe(true);
    },
    SIEM_FAULT_TEST_MS,
  );

  it(
    'loses nothing when the streaming worker is abandoned mid-stream and a standby takes over',
    async () => {
      // Counted before the first worker starts: a fast worker may deliver a whole burst before
      // the standby is up, and "under way" means "since this worker began", not "since then".
      const before = (await receivedSeqs()).length;
      await writeEvents(1000);
      const first = worker();
      await waitUntil('one worker elected', SIEM_DELIVERY_MS, () => first.leading);
      const standby = worker();
      await waitUntil('the stream to be under way', SIEM_DELIVERY_MS, async () => {
        return (await receivedSeqs()).length > before + 30;
      });
      // Only one streams: the standby waits for the lock.
      expect(standby.leading).toBe(false);
      await first.stop({ abandon: true });
      await waitUntil('the standby to take over', SIEM_DELIVERY_MS, () => standby.leading);
      await waitForAll('every event after the takeover');
      await expectCompleteCopy();
    },
    SIEM_FAULT_TEST_MS,
  );

  it(
    'loses nothing when the streaming service process is killed with SIGKILL and another starts',
    async () => {
      const scratch = await scratchDir();
      const processes: ServiceProcess[] = [];
      try {
        const configFile = await writeServiceConfig(scratch.path, null, {
          siem: { ...streamSettings(rsyslog), enabled: true },
          // Only events on the stream: checkpoint records would carry the seqs they sign.
          audit: { checkpoints: { enabled: false } },
        });
        const env = serviceEnv(context, configFile);
        await writeEvents(1_500);
        // Counted before the start: the process streams before it answers /readyz.
        const before = (await receivedSeqs()).length;
        const first = await startService(env, processes);
        await waitUntil('the service process to stream', SIEM_DELIVERY_MS, async () => {
          return (await receivedSeqs()).length > before + 50;
        });
        await killHard(first);
        await writeEvents(30);
        await startService(env, processes);
        await waitForAll('every event after the restart');
        await expectCompleteCopy();
      } finally {
        await Promise.all(processes.map((service) => service.stop()));
        await scratch.remove();
      }
    },
    SERVICE_PROCESS_TEST_MS,
  );

  it('shows the status to auditor, admin and superadmin, and refuses staff (audited)', async () => {
    const head = String(await headSeq());
    for (const role of ['auditor', 'admin', 'superadmin'] as const) {
      const { api } = await signedIn(context, role);
      const status = await api.get<Record<string, unknown>>('/api/v1/audit/siem');
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({
        configured: true,
        target: `127.0.0.1:${rsyslog.port}`,
        connected: true,
        lastError: null,
      });
      // Each sign-in writes events the stopped worker has not sent: lag = head − cursor.
      const body = status.body as { cursorSeq: string; headSeq: string; lag: string };
      expect(BigInt(body.cursorSeq)).toBeGreaterThanOrEqual(BigInt(head));
      expect(BigInt(body.lag)).toBe(BigInt(body.headSeq) - BigInt(body.cursorSeq));
    }
    const staff = await signedIn(context, 'staff');
    const refused = await staff.api.get('/api/v1/audit/siem');
    expect(refused.status).toBe(403);
    const { rows } = await context.services.pool.query<{ actor_id: string }>(
      "select actor_id from audit_event where action = 'siem.status_viewed' and outcome = 'denied'",
    );
    expect(rows.map((row) => row.actor_id)).toEqual([staff.user.id]);
    const anonymous = await new ApiClient(context.baseUrl).get('/api/v1/audit/siem');
    expect(anonymous.status).toBe(401);
  });
});

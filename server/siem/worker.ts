import { hostname } from 'node:os';
import type tls from 'node:tls';
import pg from 'pg';
import { AUDIT_ROW_COLUMNS, type AuditRow } from '../audit/auditRow.ts';
import { checkpointDir } from '../audit/checkpoints.ts';
import { sealStagedEvents } from '../audit/seal.ts';
import type { SiemConfig } from '../shared/config/siem.ts';
import type { Services } from '../shared/services.ts';
import { CheckpointFeed, type PendingRecord } from './checkpointRecords.ts';
import { formatCheckpointRfc5424, formatRfc5424, octetFrame, syslogHeader } from './format.ts';
import { deliverFrames, type SiemTlsOptions, siemTlsOptions } from './transport.ts';

// Session-level advisory lock (namespace, hash of the target): one streaming process per
// receiver; PostgreSQL drops it with the session of a dead process, and a standby takes over.
const LOCK_NAMESPACE = 7_302;

/** Looks at one gap in `seq` (one poll interval apart) before taking it for missing for good. */
const GAP_PATIENCE = 5;

/** The receiver a cursor belongs to: a new receiver gets the whole log from seq 1. */
export function siemTarget(siem: SiemConfig): string {
  return `${siem.host}:${siem.port}`;
}

/** How `stop` ends the worker. */
export interface SiemStopOptions {
  /**
   * Cut the receiver connection and the database session without recording anything, as a
   * killed process would (tests): the cursor stays where it was, a standby resends from there.
   */
  abandon?: boolean;
}

/** Ends a session of the worker's own; a session already broken has nothing left to end. */
function closeSession(client: pg.Client): Promise<void> {
  return client.end().catch(() => undefined);
}

/**
 * Streams the audit log to the SIEM: one process at a time (the holder of the advisory lock; the
 * others retry every poll interval), in `seq` order, in batches of `siem.batchSize`, each on a
 * TLS connection of its own whose clean close confirms it (transport.ts). The cursor in
 * `siem_cursor` advances only after that confirmation, so a delivery that fails, a receiver that
 * dies and a process that dies all lead to sending again from the cursor: at least once,
 * duplicates carry the same seq. The first delivery after a failure (or a start) also resends
 * `resendWindow` events (and as many checkpoint records) before the cursors, which the receiver
 * may have read but not stored. The signed checkpoint records go in the same stream, from the
 * checkpoint file, each after the event it signs, with a cursor of their own (their index).
 * Audit writers never wait for any of this: the worker only reads committed rows.
 */
export class SiemWorker {
  private readonly siem: SiemConfig;
  private readonly target: string;
  private tlsOptions: SiemTlsOptions | null = null;
  /** The session that holds the stream's lock while this worker leads. */
  private client: pg.Client | null = null;
  /** The worker's session between elections it lost, kept to try again. */
  private standby: pg.Client | null = null;
  private socket: tls.TLSSocket | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private sleeper: NodeJS.Timeout | null = null;
  private gap: { at: bigint; looks: number } | null = null;
  private readonly records: CheckpointFeed;

  constructor(
    private readonly services: Services,
    settings: Partial<SiemConfig> = {},
  ) {
    this.siem = { ...services.config.siem, ...settings };
    this.target = siemTarget(this.siem);
    this.records = new CheckpointFeed(checkpointDir(services.config), services.logger);
  }

  /** Whether this worker currently holds the stream's lock (tests, logs). */
  get leading(): boolean {
    return this.client !== null;
  }

  /** Reads the TLS files (throws if one is missing) and starts the loop in the background. */
  start(): void {
    if (this.running) return;
    this.tlsOptions = siemTlsOptions(this.siem);
    this.running = true;
    this.loop = this.run();
  }

  /** Stops; by default lets the delivery in flight finish and record, then releases the lock. */
  async stop(options: SiemStopOptions = {}): Promise<void> {
    this.running = false;
    if (this.sleeper) clearTimeout(this.sleeper);
    this.wakeUp?.();
    if (options.abandon) {
      this.socket?.destroy();
      // Closing the session frees the advisory lock.
      const client = this.client;
      this.client = null;
      this.closeStandby();
      if (client) void closeSession(client);
      return;
    }
    await this.loop;
  }

  private async sleep(ms: number): Promise<void> {
    if (!this.running) return;
    await new Promise<void>((resolve) => {
      this.wakeUp = resolve;
      this.sleeper = setTimeout(resolve, ms);
    });
    this.wakeUp = null;
  }

  private async run(): Promise<void> {
    let failures = 0;
    // Resend the window on the first delivery after an election or a failure.
    let resend = true;
    while (this.running) {
      try {
        if (!this.client) {
          if (!(await this.elect())) {
            await this.sleep(this.siem.pollIntervalMs);
            continue;
          }
          resend = true;
        }
        const sent = await this.deliverOnce(resend);
        // Anything delivered (events or checkpoint records alone) ends the resending.
        if (sent.frames > 0) resend = false;
        failures = 0;
        // A full batch means more may be waiting: go on at once.
        if (sent.events < this.siem.batchSize) await this.sleep(this.siem.pollIntervalMs);
      } catch (error) {
        if (!this.running) break;
        failures += 1;
        resend = true;
        this.services.logger.warn({ err: error, target: this.target }, 'siem delivery failed');
        await this.recordFailure(error);
        const delay = Math.min(
          this.siem.maxRetryDelayMs,
          this.siem.retryDelayMs * 2 ** Math.min(failures - 1, 16),
        );
        await this.sleep(delay);
      }
    }
    const client = this.client;
    this.client = null;
    this.closeStandby();
    // Closing the session frees the advisory lock.
    if (client) await closeSession(client);
  }

  private closeStandby(): void {
    const standby = this.standby;
    this.standby = null;
    if (standby) void closeSession(standby);
  }

  /**
   * The worker's database session: a connection of its own, not one of the pool's. The leader
   * holds its session (and so the lock) for as long as it streams; taken from the pool it would
   * leave the pool one connection short for every request, token introspection among them.
   */
  private async session(): Promise<pg.Client> {
    const kept = this.standby;
    this.standby = null;
    if (kept) return kept;
    const client = new pg.Client(this.services.pool.options);
    // A broken session has lost the lock: step down and elect again.
    client.on('error', (error) => {
      if (this.client === client) {
        this.services.logger.warn({ err: error }, 'siem worker lost its database session');
        this.client = null;
      }
      if (this.standby === client) this.standby = null;
      void closeSession(client);
    });
    try {
      await client.connect();
    } catch (error) {
      void closeSession(client);
      throw error;
    }
    return client;
  }

  /** Tries to become the streaming process; keeps the session (and so the lock) if it does. */
  private async elect(): Promise<boolean> {
    const client = await this.session();
    let won = false;
    try {
      const { rows } = await client.query<{ ok: boolean }>(
        'select pg_try_advisory_lock($1, hashtext($2)) as ok',
        [LOCK_NAMESPACE, this.target],
      );
      won = rows[0]?.ok === true && this.running;
      if (won)
        await client.query(
          'insert into siem_cursor (target) values ($1) on conflict (target) do nothing',
          [this.target],
        );
    } catch (error) {
      void closeSession(client);
      throw error;
    }
    if (!won) {
      // A lost election keeps the session for the next; a lock won while stopping goes with it.
      if (this.running) this.standby = client;
      else void closeSession(client);
      return false;
    }
    this.client = client;
    this.services.logger.info({ target: this.target }, 'siem worker elected');
    return true;
  }

  /**
   * Sends the next batch (from before the cursors after a failure), the checkpoint records due
   * among its events, and moves the cursors. Returns how many events and frames went.
   */
  private async deliverOnce(afterFailure: boolean): Promise<{ events: number; frames: number }> {
    const client = this.client;
    if (!client || !this.tlsOptions) throw new Error('siem worker is not leading');
    const cursor = await client.query<{ seq: string; checkpoint_index: string }>(
      `select seq::text as seq, checkpoint_index::text as checkpoint_index
       from siem_cursor where target = $1`,
      [this.target],
    );
    const confirmed = BigInt(cursor.rows[0]?.seq ?? '0');
    // Events committed while another commit held the chain are staged: seal them, then read.
    await sealStagedEvents(client, false);
    const confirmedIndex = Number(cursor.rows[0]?.checkpoint_index ?? '-1');
    const window = afterFailure ? this.siem.resendWindow : 0;
    let from = confirmed > BigInt(window) ? confirmed - BigInt(window) : 0n;
    const records = this.records.after(Math.max(-1, confirmedIndex - window));
    // A restore record not sent yet takes the stream back to the last event both histories share
    // (its `after`): what went out past it before the record is of the abandoned history, or of
    // the new one sent before the operator confirmed the restore. Sent again after the record, the
    // new history follows the record in the receiver's copy, which is how verification tells the
    // two apart (audit/siemCopy.ts).
    const restore = records.find(
      (pending) => pending.record.index > confirmedIndex && pending.record.type === 'restore',
    );
    const rewound = restore !== undefined && restore.after < from;
    if (rewound) from = restore.after;
    // Archived events left the log for a signed bundle (audit archive): a stream that starts, or
    // resumes, behind the archive boundary starts after it, rather than waiting out a gap.
    const archived = await client.query<{ seq: string | null }>(
      'select max(through_seq)::text as seq from audit_archive',
    );
    const boundary = BigInt(archived.rows[0]?.seq ?? '0');
    if (from < boundary) from = boundary;
    const { rows } = await client.query<AuditRow>(
      // Qualified: a bare `seq` in ORDER BY is the text output column.
      `select ${AUDIT_ROW_COLUMNS} from audit_event where audit_event.seq > $1
       order by audit_event.seq limit $2`,
      [from.toString(), this.siem.batchSize],
    );
    const batch = this.contiguous(rows, from);
    const { frames, lastIndex } = this.frames(batch, records, from);
    if (frames.length === 0) return { events: 0, frames: 0 };
    await deliverFrames(this.tlsOptions, frames, (socket) => {
      this.socket = socket;
    });
    const last = BigInt(batch[batch.length - 1]?.seq ?? from.toString());
    // greatest(): a resent window never moves a cursor back; only a restore's rewind does.
    await client.query(
      `update siem_cursor set seq = case when $4 then $2::bigint else greatest(seq, $2::bigint) end,
         checkpoint_index = greatest(checkpoint_index, $3::bigint), connected = true,
         last_error = null, delivered_at = now(), updated_at = now() where target = $1`,
      [this.target, last.toString(), lastIndex, rewound],
    );
    return { events: batch.length, frames: frames.length };
  }

  /**
   * The frames of one delivery: the events in order, and the pending records in index order,
   * each as soon as the event it follows has gone (at the start when it went before). A record
   * whose event is not in this batch waits, and so does every record after it.
   */
  private frames(
    batch: AuditRow[],
    records: PendingRecord[],
    from: bigint,
  ): { frames: Buffer[]; lastIndex: number } {
    const header = syslogHeader(this.siem, hostname(), process.pid);
    const frames: Buffer[] = [];
    let next = 0;
    let lastIndex = -1;
    const due = (sent: bigint) => {
      for (let pending = records[next]; pending && pending.after <= sent; pending = records[next]) {
        frames.push(octetFrame(formatCheckpointRfc5424(header, pending.record)));
        lastIndex = pending.record.index;
        next += 1;
      }
    };
    due(from);
    for (const row of batch) {
      frames.push(octetFrame(formatRfc5424(header, row)));
      due(BigInt(row.seq));
    }
    return { frames, lastIndex };
  }

  /**
   * The rows that follow `from` without a gap. Sequence numbers are gap-free and given at commit
   * under the chain lock, so a gap is first taken for a commit not yet visible: stop before it
   * and look again. A gap still there after {@link GAP_PATIENCE} looks is missing for good
   * (archived, or deleted: `audit verify` reports that); stalling the stream would leave every
   * newer event without its outside copy, so it is skipped, loudly.
   */
  private contiguous(rows: AuditRow[], from: bigint): AuditRow[] {
    const out: AuditRow[] = [];
    let expected = from + 1n;
    for (const row of rows) {
      if (BigInt(row.seq) !== expected) break;
      out.push(row);
      expected += 1n;
    }
    const next = rows[out.length];
    if (out.length > 0 || !next) {
      this.gap = null;
      return out;
    }
    if (this.gap?.at !== expected) this.gap = { at: expected, looks: 0 };
    this.gap.looks += 1;
    if (this.gap.looks < GAP_PATIENCE) return out;
    this.services.logger.error(
      { target: this.target, missingFrom: expected.toString(), resumesAt: next.seq },
      'audit events missing from the log; the siem stream skips them',
    );
    this.gap = null;
    return this.contiguous(rows.slice(rows.indexOf(next)), BigInt(next.seq) - 1n);
  }

  private async recordFailure(error: unknown): Promise<void> {
    const text = error instanceof Error ? error.message : String(error);
    await this.client
      ?.query(
        `update siem_cursor set connected = false, last_error = $2, last_error_at = now(),
           updated_at = now() where target = $1`,
        [this.target, text.slice(0, 500)],
      )
      .catch(() => undefined);
  }
}

/** Starts the SIEM worker when `siem.host` is set and `siem.enabled`; null otherwise. */
export function startSiem(services: Services): SiemWorker | null {
  const { siem } = services.config;
  if (!siem.host || !siem.enabled) return null;
  const worker = new SiemWorker(services);
  worker.start();
  return worker;
}

import { z } from 'zod';
import type { Actor } from '../authz/actor.ts';
import { authorize } from '../authz/index.ts';
import { runCommand } from '../commands/runCommand.ts';
import type { Services } from '../shared/services.ts';
import { siemTarget } from './worker.ts';

/** The SIEM stream's state as `GET /api/v1/audit/siem` shows it (no event content). */
export const siemStatusView = z.object({
  configured: z.boolean(),
  /** `host:port` of the receiver (null: not configured). */
  target: z.string().nullable(),
  /** The last seq the receiver confirmably read. */
  cursorSeq: z.string(),
  /** The newest seq in the audit log. */
  headSeq: z.string(),
  /** Events not yet confirmed (head − cursor). */
  lag: z.string(),
  /** Whether the last delivery (by whichever process streams) reached the receiver. */
  connected: z.boolean(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});
/** The SIEM stream's state. */
export type SiemStatusView = z.infer<typeof siemStatusView>;

/**
 * Reads the stream's cursor and the log's head from the database, so every process answers the
 * same whichever one streams (superadmin, admin, auditor; counts only, so not audited).
 */
export function readSiemStatus(services: Services, actor: Actor): Promise<SiemStatusView> {
  return runCommand(services, actor, async ({ ability, em }) => {
    authorize(ability, 'read', 'SiemStream', {
      auditAction: 'siem.status_viewed',
      targetType: 'SiemStream',
    });
    const { siem } = services.config;
    const target = siem.host ? siemTarget(siem) : null;
    const [head] = await em.execute<{ seq: string }[]>(
      'select coalesce(max(seq), 0)::text as seq from audit_event',
    );
    const [row] = target
      ? await em.execute<
          {
            seq: string;
            connected: boolean;
            last_error: string | null;
            last_error_at: Date | null;
            delivered_at: Date | null;
          }[]
        >(
          `select seq::text as seq, connected, last_error, last_error_at, delivered_at
           from siem_cursor where target = ?`,
          [target],
        )
      : [];
    const headSeq = head?.seq ?? '0';
    const cursorSeq = row?.seq ?? '0';
    const lag = BigInt(headSeq) - BigInt(cursorSeq);
    return {
      configured: target !== null,
      target,
      cursorSeq,
      headSeq,
      lag: (lag > 0n ? lag : 0n).toString(),
      connected: row?.connected ?? false,
      lastError: row?.last_error ?? null,
      lastErrorAt: row?.last_error_at ? new Date(row.last_error_at).toISOString() : null,
      deliveredAt: row?.delivered_at ? new Date(row.delivered_at).toISOString() : null,
    };
  });
}

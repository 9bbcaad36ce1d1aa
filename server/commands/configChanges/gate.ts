import { randomUUID } from 'node:crypto';
import type { AuditEventInput } from '../../audit/actions.ts';
import { redact } from '../../audit/redact.ts';
import { authorize } from '../../authz/index.ts';
import type { CommandContext } from '../runCommand.ts';
import { ConfigChange, type ConfigOperation, type ConfigSetting } from './entity.ts';
import { type GateOutcome, presentConfigChange } from './schemas.ts';

/**
 * What a change's command adds to the audit details of the event it writes when it takes effect:
 * the request it belongs to, and how it was let through (`single superadmin` or `approved`).
 */
export type ApplyNote = Record<string, unknown> & { configChangeId: string; dualControl: string };

/** A change of a gated setting, as its command describes it before applying it. */
export interface GatedChange {
  setting: ConfigSetting;
  operation: ConfigOperation;
  targetId: string;
  targetLabel: string | null;
  /** The body the command takes, secrets already sealed (it is stored until approval). */
  payload: Record<string, unknown>;
  /** The setting's state now (ConfigApplier.versionOf): an approval against another is refused. */
  baseVersion: string;
}

/** Applies a change in the given context (the command's own code path), noting why in its audit. */
export type ApplyChange<T> = (ctx: CommandContext, note: ApplyNote) => Promise<T>;

/** Thrown inside the savepoint of a preview to undo it. */
class PreviewDone extends Error {}

/** Active superadmins: more than one puts every sensitive change under dual control. */
export async function activeSuperadmins(ctx: Pick<CommandContext, 'em'>): Promise<number> {
  const [row] = await ctx.em.execute<{ n: number }[]>(
    "select count(*)::int as n from app_user where role = 'superadmin' and status = 'active'",
  );
  return row?.n ?? 0;
}

/** `{before, after, details}` of the event a change's command wrote last, secrets redacted. */
export function diffOf(events: readonly AuditEventInput[]): Record<string, unknown> {
  const main = events.at(-1);
  if (!main) return {};
  return redact({ ...main.diff, ...(main.details ? { details: main.details } : {}) });
}

/**
 * Dual control of a sensitive setting (issue 18, scope 3). With at most one active superadmin the
 * change applies at once, in this transaction, and its audit says `single superadmin`; it is
 * recorded as an applied change in the history. With more, it is first applied inside a
 * savepoint that is rolled back — the command's own validation runs on the current state, and its
 * audit event gives the diff — and then stored as a pending request (`config_change.requested`)
 * that another superadmin approves or rejects (approveConfigChange.ts, rejectConfigChange.ts).
 */
export async function underDualControl<T>(
  ctx: CommandContext,
  change: GatedChange,
  apply: ApplyChange<T>,
): Promise<GateOutcome<T>> {
  const { em, actor, services } = ctx;
  authorize(ctx.ability, 'create', 'ConfigChange', {
    auditAction: 'config_change.requested',
    targetType: change.setting,
    targetId: change.targetId,
  });
  const id = randomUUID();
  const now = services.now();
  const captured: AuditEventInput[] = [];
  const capture = (event: AuditEventInput) => captured.push(event);
  const enabled = services.config.dualControl.enabled;
  const alone = enabled && (await activeSuperadmins(ctx)) <= 1;
  const single = !enabled || alone;
  let value: T | undefined;
  if (single) {
    value = await apply(
      {
        ...ctx,
        audit: (event) => {
          capture(event);
          ctx.audit(event);
        },
      },
      { configChangeId: id, dualControl: enabled ? 'single superadmin' : 'off' },
    );
  } else {
    try {
      await em.transactional(
        async (preview) => {
          await apply(
            { ...ctx, em: preview, audit: capture, emit: () => undefined },
            { configChangeId: id, dualControl: 'preview' },
          );
          await preview.flush();
          throw new PreviewDone();
        },
        { clear: true },
      );
    } catch (error) {
      if (!(error instanceof PreviewDone)) throw error;
    }
    // Nothing the preview touched may reach this transaction's flush: the change must wait.
    em.clear();
  }
  const diff = diffOf(captured);
  const row = em.create(ConfigChange, {
    id,
    setting: change.setting,
    operation: change.operation,
    targetId: change.targetId,
    targetLabel: change.targetLabel,
    status: single ? 'applied' : 'pending',
    payload: change.payload,
    diff,
    baseVersion: change.baseVersion,
    requestedById: actor.userId,
    requestedBy: actor.label,
    requestedAt: now,
    expiresAt: new Date(now.getTime() + services.config.dualControl.expiryHours * 3_600_000),
    decidedById: single ? actor.userId : null,
    decidedBy: single ? actor.label : null,
    decidedAt: single ? now : null,
    reason: null,
    singleSuperadmin: alone,
  });
  await em.flush();
  if (single) return { kind: 'applied', value: value as T };
  ctx.audit({
    action: 'config_change.requested',
    targetType: 'config_change',
    targetId: id,
    targetLabel: change.targetLabel ?? change.targetId,
    diff: {
      before: diff.before as Record<string, unknown> | undefined,
      after: diff.after as Record<string, unknown> | undefined,
    },
    details: {
      setting: change.setting,
      operation: change.operation,
      settingId: change.targetId,
      expiresAt: row.expiresAt.toISOString(),
      ...(diff.details ? { change: diff.details } : {}),
    },
  });
  return { kind: 'pending', request: presentConfigChange(row, now) };
}

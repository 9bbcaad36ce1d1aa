import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Actor } from '../authz/actor.ts';
import { authorize } from '../authz/index.ts';
import { runCommand } from '../commands/runCommand.ts';
import { conflict, notFound } from '../shared/errors.ts';
import { paging } from '../shared/schemas.ts';
import type { Services } from '../shared/services.ts';

/** Where an outbox row is in its life. */
export const DELIVERY_STATUSES = ['pending', 'dead', 'delivered', 'skipped'] as const;
/** One of {@link DELIVERY_STATUSES}. */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The SQL condition of each status (pending includes rows waiting behind a dead head). */
const WHERE: Record<DeliveryStatus, string> = {
  pending: 'delivered_at is null and skipped_at is null and dead_at is null',
  dead: 'delivered_at is null and skipped_at is null and dead_at is not null',
  delivered: 'delivered_at is not null',
  skipped: 'skipped_at is not null',
};
const STATUS_SQL = `case when delivered_at is not null then 'delivered'
  when skipped_at is not null then 'skipped' when dead_at is not null then 'dead'
  else 'pending' end`;

/** `GET /core/deliveries` query. */
export function deliveryListQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({
      status: z.enum(DELIVERY_STATUSES).default('pending'),
      connector: z.string().min(1).max(64).optional(),
      key: z.string().min(1).max(200).optional(),
      ...paging(maxLimit, defaultLimit),
    })
    .strict();
}
/** The parsed list query. */
export type DeliveryListQuery = z.infer<ReturnType<typeof deliveryListQuery>>;

/** One outbox row as the API shows it. */
export const deliveryView = z.object({
  id: z.string(),
  connector: z.string(),
  key: z.string(),
  type: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  payload: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  deadAt: z.string().nullable(),
  skippedAt: z.string().nullable(),
  lastError: z.string().nullable(),
});
/** One delivery as the API shows it. */
export type DeliveryView = z.infer<typeof deliveryView>;

/** Counts per connector and status (the dashboard); `oldestPendingAt` shows a stuck queue. */
export const deliverySummary = z.object({
  data: z.array(
    z.object({
      connector: z.string(),
      pending: z.number().int(),
      dead: z.number().int(),
      delivered: z.number().int(),
      skipped: z.number().int(),
      oldestPendingAt: z.string().nullable(),
    }),
  ),
});
/** The dashboard's counts. */
export type DeliverySummary = z.infer<typeof deliverySummary>;

interface Row {
  id: string;
  connector: string;
  key: string;
  type: string;
  status: DeliveryStatus;
  payload: Record<string, unknown>;
  created_at: Date;
  attempts: number;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  dead_at: Date | null;
  skipped_at: Date | null;
  last_error: string | null;
}

const iso = (value: Date | string | null) => (value ? new Date(value).toISOString() : null);
// `id` goes out as text (a bigint); sort by `outbox_event.id`, not by this text alias.
const COLUMNS = `id::text as id, connector, key, type, ${STATUS_SQL} as status, payload, created_at,
  attempts, next_attempt_at, delivered_at, dead_at, skipped_at, last_error`;

function present(row: Row): DeliveryView {
  return {
    id: row.id,
    connector: row.connector,
    key: row.key,
    type: row.type,
    status: row.status,
    payload: row.payload,
    createdAt: iso(row.created_at) ?? '',
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    deliveredAt: iso(row.delivered_at),
    deadAt: iso(row.dead_at),
    skippedAt: iso(row.skipped_at),
    lastError: row.last_error,
  };
}

/**
 * Lists outbox rows (admin and up; auditor read-only): pending and dead oldest first (the order
 * they go out in), delivered and skipped newest first. Payloads carry personal data, so the
 * read is audited as `core.deliveries_listed`.
 */
export function listDeliveries(
  services: Services,
  actor: Actor,
  query: DeliveryListQuery,
): Promise<{ data: DeliveryView[]; total: number }> {
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    authorize(ability, 'read', 'CoreDelivery', {
      auditAction: 'core.deliveries_listed',
      targetType: 'CoreDelivery',
    });
    const where = [WHERE[query.status]];
    const params: unknown[] = [];
    if (query.connector) {
      where.push('connector = ?');
      params.push(query.connector);
    }
    if (query.key) {
      where.push('key = ?');
      params.push(query.key);
    }
    const direction = query.status === 'pending' || query.status === 'dead' ? 'asc' : 'desc';
    const rows = await em.execute<(Row & { total: number })[]>(
      `select ${COLUMNS}, count(*) over ()::int as total from outbox_event
        where ${where.join(' and ')} order by outbox_event.id ${direction} limit ? offset ?`,
      [...params, query.limit, query.offset],
    );
    audit({
      action: 'core.deliveries_listed',
      targetType: 'CoreDelivery',
      details: { ...query, returned: rows.length },
    });
    return { data: rows.map(present), total: rows[0]?.total ?? 0 };
  });
}

/** Counts per connector and status, for the dashboard (no personal data, not audited). */
export function summarizeDeliveries(services: Services, actor: Actor): Promise<DeliverySummary> {
  return runCommand(services, actor, async ({ em, ability }) => {
    authorize(ability, 'read', 'CoreDelivery', {
      auditAction: 'core.deliveries_listed',
      targetType: 'CoreDelivery',
    });
    const rows = await em.execute<
      {
        connector: string;
        pending: number;
        dead: number;
        delivered: number;
        skipped: number;
        oldest: Date | null;
      }[]
    >(
      `select connector,
              count(*) filter (where ${WHERE.pending})::int as pending,
              count(*) filter (where ${WHERE.dead})::int as dead,
              count(*) filter (where ${WHERE.delivered})::int as delivered,
              count(*) filter (where ${WHERE.skipped})::int as skipped,
              min(created_at) filter (where ${WHERE.pending}) as oldest
         from outbox_event group by connector order by connector`,
    );
    return {
      data: rows.map((row) => ({
        connector: row.connector,
        pending: row.pending,
        dead: row.dead,
        delivered: row.delivered,
        skipped: row.skipped,
        oldestPendingAt: iso(row.oldest),
      })),
    };
  });
}

/**
 * Acts on a dead event (admin and up), audited: `retry` makes it pending again with a fresh
 * attempt budget, due at once; `skip` gives up on it so its key's later events go out.
 */
export function resolveDeadDelivery(
  services: Services,
  actor: Actor,
  id: string,
  action: 'retry' | 'skip',
): Promise<DeliveryView> {
  const auditAction = action === 'retry' ? 'core.delivery_retried' : 'core.delivery_skipped';
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    authorize(ability, 'retry', 'CoreDelivery', {
      auditAction,
      targetType: 'CoreDelivery',
      targetId: id,
    });
    const row = await lockRow(em, id);
    if (row.status !== 'dead')
      throw conflict(
        'not_dead',
        `Only a dead delivery can be retried or skipped (this one is ${row.status})`,
      );
    const set =
      action === 'retry'
        ? 'dead_at = null, attempts = 0, next_attempt_at = now(), locked_until = null'
        : 'skipped_at = now()';
    const [updated] = await em.execute<Row[]>(
      `update outbox_event set ${set} where id = ? returning ${COLUMNS}`,
      [id],
    );
    audit({
      action: auditAction,
      targetType: 'CoreDelivery',
      targetId: id,
      targetLabel: `${row.connector}:${row.type}`,
      details: { connector: row.connector, key: row.key, type: row.type, attempts: row.attempts },
      diff: {
        before: { status: 'dead' },
        after: { status: action === 'retry' ? 'pending' : 'skipped' },
      },
    });
    return present(updated as Row);
  });
}

async function lockRow(em: EntityManager, id: string): Promise<Row> {
  const [row] = await em.execute<Row[]>(
    `select ${COLUMNS} from outbox_event where id = ? for update`,
    [id],
  );
  if (!row) throw notFound('Delivery');
  return row;
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { executeBound } from '../db/execute.ts';
import { withCoreAccounts } from './coreAccounts.ts';
import type { OutboxEvent } from './events.ts';

/** The LISTEN/NOTIFY channel that wakes delivery workers. */
export const OUTBOX_CHANNEL = 'outbox';

/** Which connectors an emit is for; default: every connector in `outbox_connector`. */
export interface EmitOptions {
  connectors?: readonly string[];
}

/**
 * Writes events to the outbox inside the caller's transaction, one row per connector, in one
 * statement however many events there are (bulk paths: sync, CSV import, reconciliation). Rows
 * get ids in the order of `events`, which is the delivery order per key (`nextval` is taken over
 * the sorted rows explicitly: a column default is not guaranteed to follow the ORDER BY). A `pg_notify` in the same
 * statement wakes the workers when the transaction commits (and never if it rolls back).
 * Every person an event names gets their core account (outbox/coreAccounts.ts). Returns the
 * number of rows written (events × connectors).
 */
export async function emitMany(
  em: EntityManager,
  events: readonly OutboxEvent[],
  options: EmitOptions = {},
): Promise<number> {
  if (events.length === 0) return 0;
  // A PostgreSQL array literal (names are [A-Za-z0-9._-], see shared/config/core.ts); the driver would
  // expand a JS array into a list of values.
  const stored = await withCoreAccounts(em, events);
  const only = options.connectors ? `{${options.connectors.join(',')}}` : null;
  const [row] = await executeBound<{ n: number }>(
    em,
    `with inserted as (
       insert into outbox_event (id, connector, key, type, payload)
       select nextval('outbox_event_id_seq'), s.* from (
         select c.name, x.e->>'key', x.e->>'type', x.e
           from jsonb_array_elements(?::jsonb) with ordinality as x(e, n)
          cross join outbox_connector c
          where ?::text[] is null or c.name = any(?::text[])
          order by x.n, c.name) s
       returning 1)
     select n, case when n > 0 then pg_notify(?, '') end as notified
       from (select count(*)::int as n from inserted) counted`,
    [JSON.stringify(stored), only, only, OUTBOX_CHANNEL],
  );
  return row?.n ?? 0;
}

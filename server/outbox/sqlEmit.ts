import { OUTBOX_CHANNEL } from './emit.ts';

/**
 * What a bulk statement writes to the outbox for rows it already has at hand: the SQL of a
 * data-modifying CTE body that inserts one event per row of `from` and connector, in `orderBy`
 * order (ids follow it, as emitMany's do), `payload` a jsonb expression of the whole stored event
 * (its `type` and `key` are read from it), and wakes the delivery workers at commit. The same
 * rows emitMany() would write for those events; no `?` placeholders. The statement must also
 * select notifyAfterSql() of the CTE.
 */
export function sqlEmitCte(payload: string, from: string, orderBy: string): string {
  return `insert into outbox_event (id, connector, key, type, payload)
  select nextval('outbox_event_id_seq'), s.* from (
    select c.name, e.payload->>'key', e.payload->>'type', e.payload
      from (select ${payload} as payload, row_number() over (order by ${orderBy}) as n
              from ${from}) e
     cross join outbox_connector c
     order by e.n, c.name) s
  returning 1`;
}

/**
 * A scalar SQL expression that wakes the delivery workers at commit (pg_notify is sent then,
 * and never if the transaction rolls back) when the CTE `cte` of sqlEmitCte() wrote anything.
 */
export function notifyAfterSql(cte: string): string {
  return `(select pg_notify('${OUTBOX_CHANNEL}', '') from (select 1 from ${cte} limit 1) any_row)`;
}

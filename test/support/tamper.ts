import pg from 'pg';
import { appendAuditEvents } from '../../server/audit/append.ts';
import { AUDIT_ROW_COLUMNS, type AuditRow, contentOfRow } from '../../server/audit/auditRow.ts';
import { GENESIS_HASH, keylessHash } from '../../server/audit/chain.ts';
import { systemActor } from '../../server/authz/actor.ts';
import type { TestContext } from './harness.ts';

/**
 * What a database administrator can do to the audit log, for the tamper tests
 * (test/audit/checkpoints.test.ts, siemCopy.test.ts): statements as the PostgreSQL superuser with
 * the append-only triggers off, and the keyless chain recomputed afterwards, since anyone can.
 */

/** Every column of audit_event but `seq` and `hash`, in table order (for insert … select). */
export const CONTENT_COLUMNS = `at, actor_id, actor_label, actor_role, ip, user_agent, request_id, action,
  target_type, target_id, target_label, outcome, reason, diff, details`;

/** Commits `count` audit events, one transaction each, labelled `label i`. */
export async function appendEvents(
  context: TestContext,
  count: number,
  label: string,
): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await context.services.orm.em.fork().transactional((em) =>
      appendAuditEvents(em, systemActor('cli'), [
        {
          action: 'organization.created',
          targetType: 'Organization',
          targetId: `${label}-${i}`,
          targetLabel: `${label} ${i}`,
          details: { i, label },
        },
      ]),
    );
  }
}

/**
 * Runs statements as the PostgreSQL superuser in one transaction with every user trigger off
 * (`session_replication_role = replica`): the append-only guards refuse even the superuser
 * otherwise, and a DBA can switch them off like this.
 */
export async function asSuperuser(
  context: TestContext,
  body: (client: pg.Client) => Promise<unknown>,
): Promise<void> {
  const client = new pg.Client(context.databaseUrl);
  await client.connect();
  try {
    await client.query('begin');
    await client.query('set local session_replication_role = replica');
    await body(client);
    await client.query('commit');
  } finally {
    await client.end();
  }
}

/** Recomputes every hash from `from` on with the keyless formula and moves the head. */
export async function rechain(client: pg.Client, from: number): Promise<void> {
  const previous = await client.query<{ hash: Buffer }>(
    'select hash from audit_event where seq = $1',
    [from - 1],
  );
  let hash = previous.rows[0]?.hash ?? GENESIS_HASH;
  const { rows } = await client.query<AuditRow>(
    `select ${AUDIT_ROW_COLUMNS} from audit_event e where e.seq >= $1 order by e.seq`,
    [from],
  );
  let last = String(from - 1);
  for (const row of rows) {
    hash = keylessHash(hash, contentOfRow(row));
    await client.query('update audit_event set hash = $2 where seq = $1', [row.seq, hash]);
    last = row.seq;
  }
  await client.query('update audit_chain_head set seq = $1, hash = $2 where id = 1', [last, hash]);
}

/** Rewinds the head to `seq` (its stored hash), as after deleting everything past it. */
export async function rewindHead(client: pg.Client, seq: number): Promise<void> {
  const { rows } = await client.query<{ hash: Buffer }>(
    'select hash from audit_event where seq = $1',
    [seq],
  );
  await client.query('update audit_chain_head set seq = $1, hash = $2 where id = 1', [
    seq,
    rows[0]?.hash ?? GENESIS_HASH,
  ]);
}

/** Edits one event's label, then recomputes every later hash and moves the head. */
export function editAndRechain(context: TestContext, seq: number): Promise<void> {
  return asSuperuser(context, async (client) => {
    await client.query(`update audit_event set target_label = 'forged' where seq = $1`, [seq]);
    await rechain(client, seq);
  });
}

/** Deletes one event, renumbers the later ones down by one and recomputes their hashes. */
export function deleteAndRenumber(context: TestContext, seq: number): Promise<void> {
  return asSuperuser(context, async (client) => {
    await client.query('create temp table moved as select * from audit_event where seq > $1', [
      seq,
    ]);
    await client.query('delete from audit_event where seq >= $1', [seq]);
    await client.query(
      `insert into audit_event select seq - 1, ${CONTENT_COLUMNS}, hash from moved`,
    );
    await rechain(client, seq);
  });
}

/** Deletes every event past `seq` and rewinds the head to it. */
export function deleteTail(context: TestContext, seq: number): Promise<void> {
  return asSuperuser(context, async (client) => {
    await client.query('delete from audit_event where seq > $1', [seq]);
    await rewindHead(client, seq);
  });
}

/**
 * Inserts a forged event at `seq` (a copy of the one before, relabelled), renumbering the later
 * ones up by one and recomputing every hash from there.
 */
export function insertForged(context: TestContext, seq: number): Promise<void> {
  return asSuperuser(context, async (client) => {
    await client.query('create temp table moved as select * from audit_event where seq >= $1', [
      seq,
    ]);
    await client.query('delete from audit_event where seq >= $1', [seq]);
    await client.query(
      `insert into audit_event select seq + 1, ${CONTENT_COLUMNS}, hash from moved`,
    );
    await client.query(
      `insert into audit_event select $1::bigint, ${CONTENT_COLUMNS.replace('target_label', `'forged'`)}, hash
         from audit_event where seq = $1::bigint - 1`,
      [seq],
    );
    await rechain(client, seq);
  });
}

/** Swaps the contents of two events (keeping seq), optionally recomputing the hashes. */
export function swapEvents(
  context: TestContext,
  a: number,
  b: number,
  recompute = true,
): Promise<void> {
  return asSuperuser(context, async (client) => {
    await client.query(
      `create temp table pair as select * from audit_event where seq in ($1, $2)`,
      [a, b],
    );
    await client.query('delete from audit_event where seq in ($1, $2)', [a, b]);
    await client.query(
      `insert into audit_event select case seq when $1 then $2::bigint else $1::bigint end, ${CONTENT_COLUMNS}, hash from pair`,
      [a, b],
    );
    if (recompute) await rechain(client, a);
  });
}

/** Empties audit_event and resets the head to the genesis. */
export function truncateLog(context: TestContext): Promise<void> {
  return asSuperuser(context, async (client) => {
    await client.query('truncate audit_event');
    await client.query('update audit_chain_head set seq = 0, hash = $1 where id = 1', [
      GENESIS_HASH,
    ]);
  });
}

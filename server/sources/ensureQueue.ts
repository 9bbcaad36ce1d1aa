import type PgBoss from 'pg-boss';
import type { Services } from '../shared/services.ts';

// Advisory lock key of queue creation (namespace of this service's locks, then 'queue').
const QUEUE_LOCK = [7_301, 1] as const;

/**
 * Creates a pg-boss queue unless it exists, one process at a time: pg-boss's createQueue makes a
 * partition table, and two processes starting together deadlock on it. A session advisory lock
 * on a connection of our own serializes them; the lock dies with the connection if we do.
 */
export async function ensureQueue(services: Services, boss: PgBoss, name: string): Promise<void> {
  if (await boss.getQueue(name)) return;
  const client = await services.pool.connect();
  try {
    await client.query('select pg_advisory_lock($1, $2)', [...QUEUE_LOCK]);
    try {
      if (!(await boss.getQueue(name))) await boss.createQueue(name);
    } finally {
      await client.query('select pg_advisory_unlock($1, $2)', [...QUEUE_LOCK]);
    }
  } finally {
    client.release();
  }
}

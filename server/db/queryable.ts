import type pg from 'pg';

/** Any pg connection: the pool, or a client holding a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

import type pg from 'pg';
import type { MikroORM } from '../db/orm.ts';
import type { Logger } from '../logger.ts';
import type { Config } from './config/schema.ts';
import type { Keys } from './secrets.ts';

/** Everything a command or route needs from the running service; passed explicitly, never global. */
export interface Services {
  config: Config;
  orm: MikroORM;
  /** Raw pool for streamed reads and notifications. */
  pool: pg.Pool;
  keys: Keys;
  logger: Logger;
  /** The clock; tests replace it. */
  now: () => Date;
}

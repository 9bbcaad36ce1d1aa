import type { RequestMeta } from '../authz/actor.ts';
import type { Config } from '../config.ts';
import type { RejectionReason } from '../core/keyRejections.ts';

/** What the core's port thread is started with (its `workerData`). */
export interface CorePortData {
  config: Config;
  /** The runtime role's URL: the thread opens a pool of its own on it. */
  databaseUrl: string;
}

/** What the thread tells the main thread. */
export type CorePortMessage =
  | { type: 'listening'; port: number }
  | { type: 'failed'; message: string }
  | { type: 'keyRefused'; meta: RequestMeta; reason: RejectionReason };

/** What the main thread tells the thread: stop serving, close the pool, end. */
export interface CorePortStop {
  type: 'stop';
}

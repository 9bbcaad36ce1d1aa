import type { Config } from './schema.ts';

/**
 * The base URL people reach the service at. Here, not in config.ts, so that a worker thread's
 * bundled module (shared/workerModule.ts) can use it without config.ts, which finds the
 * project's files through import.meta.
 */
export function publicBaseUrl(config: Config): string {
  return (config.http.publicUrl ?? `http://${config.http.host}:${config.http.port}`).replace(
    /\/$/,
    '',
  );
}

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { coreDeliveryConfig, resolveConnectorSecrets } from './shared/config/core.ts';
import { directorySourcesSchema } from './shared/config/directorySources.ts';
import { directorySyncConfigSchema, jobsConfigSchema } from './shared/config/directorySync.ts';
import { hrConfigSchema } from './shared/config/hr.ts';
import { namedHashList } from './shared/namedHashes.ts';

/** The project root (where `config/` lives), independent of the process's working directory. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const configSchema = z
  .object({
    http: z
      .object({
        host: z.string().min(1),
        port: z.coerce.number().int().min(0).max(65535),
        publicUrl: z.url().nullable(),
        bodyLimitBytes: z.coerce.number().int().positive(),
        trustProxy: z.coerce.boolean(),
      })
      .strict(),
    dataDir: z.string().min(1),
    database: z
      .object({
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
          .nullable(),
        poolMax: z.coerce.number().int().min(1).max(200),
      })
      .strict(),
    /** Master secret (base64, >= 32 bytes); subkeys for TOTP encryption, audit chain and CSRF derive from it. */
    secretKey: z.string().min(1).nullable().default(null),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) })
      .strict(),
    session: z
      .object({
        idleTimeoutMinutes: z.coerce.number().int().min(1),
        absoluteTimeoutHours: z.coerce.number().int().min(1),
        secureCookies: z.union([z.literal('auto'), z.boolean()]),
      })
      .strict(),
    enrollment: z.object({ linkValidityHours: z.coerce.number().int().min(1) }).strict(),
    rateLimit: z
      .object({
        loginFailuresPerAccount: z.coerce.number().int().min(1),
        loginFailuresPerIp: z.coerce.number().int().min(1),
        windowSeconds: z.coerce.number().int().min(1),
      })
      .strict(),
    lists: z
      .object({
        maxLimit: z.coerce.number().int().min(1).max(1000),
        defaultLimit: z.coerce.number().int().min(1),
      })
      .strict(),
    /** Directories people log in against (`ldap` login method) and, later, sync from. */
    directorySources: directorySourcesSchema,
    /** Sync settings of config sources (server/shared/config/directorySync.ts); jobs: pg-boss schedules. */
    directorySync: directorySyncConfigSchema,
    jobs: jobsConfigSchema,
    /** HR feeds: time zone of effective dates, attribute precedence, imports, SCIM tokens. */
    hr: hrConfigSchema,
    identity: z
      .object({
        /** Ask every messenger user for a second factor, not only people with a back-office role. */
        requireSecondFactorForEveryone: z.boolean(),
        messengerSession: z
          .object({
            idleTimeoutDays: z.coerce.number().int().min(1),
            absoluteTimeoutDays: z.coerce.number().int().min(1),
          })
          .strict(),
        lockout: z
          .object({
            failuresBeforeLock: z.coerce.number().int().min(1),
            baseLockSeconds: z.coerce.number().int().min(1),
            maxLockSeconds: z.coerce.number().int().min(1),
            forgetAfterHours: z.coerce.number().int().min(1),
          })
          .strict(),
      })
      .strict(),
    /** The messaging core's API keys, as SHA-256 hashes (several at once, for rotation). */
    /** ...and the connectors the outbox delivers to (server/shared/config/core.ts). */
    core: z.object({ apiKeys: namedHashList, ...coreDeliveryConfig }).strict(),
  })
  .strict();

/** The validated service configuration. */
export type Config = z.infer<typeof configSchema>;

/** A configuration error with a message meant for the operator. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Tree = { [key: string]: unknown };

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: Tree, override: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isTree(current) && isTree(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function readYaml(path: string): Tree {
  const parsed: unknown = parseYaml(readFileSync(path, 'utf8'));
  if (parsed == null) return {};
  if (!isTree(parsed)) throw new ConfigError(`${path}: expected a mapping at the top level`);
  return parsed;
}

/** Environment variables and the config path each one sets. */
const envMapping: Record<string, string[]> = {
  HOST: ['http', 'host'],
  PORT: ['http', 'port'],
  PUBLIC_URL: ['http', 'publicUrl'],
  TRUST_PROXY: ['http', 'trustProxy'],
  DATA_DIR: ['dataDir'],
  DATABASE_URL: ['database', 'url'],
  SECRET_KEY: ['secretKey'],
  LOG_LEVEL: ['log', 'level'],
  CORE_API_KEYS: ['core', 'apiKeys'],
  SCIM_TOKENS: ['hr', 'scim', 'tokens'],
  TIME_ZONE: ['hr', 'timeZone'],
};

function envOverrides(env: NodeJS.ProcessEnv): Tree {
  const out: Tree = {};
  for (const [name, path] of Object.entries(envMapping)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    let node = out;
    for (const key of path.slice(0, -1)) {
      const next = isTree(node[key]) ? (node[key] as Tree) : {};
      node[key] = next;
      node = next;
    }
    const leaf = path.at(-1) as string;
    node[leaf] = name === 'TRUST_PROXY' ? value === 'true' || value === '1' : value;
  }
  return out;
}

/**
 * Loads `config/default.yaml`, then the file in `CONFIG_FILE`, then environment variables,
 * and validates the result. This is the only reader of `process.env` for service settings.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Tree = {}): Config {
  let tree = readYaml(resolve(projectRoot, 'config/default.yaml'));
  if (env.CONFIG_FILE) tree = deepMerge(tree, readYaml(resolve(env.CONFIG_FILE)));
  tree = deepMerge(tree, envOverrides(env));
  tree = deepMerge(tree, overrides);
  const result = configSchema.safeParse(tree);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `  - ${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = result.data;
  const secretProblems = resolveConnectorSecrets(config.core.connectors, env);
  if (secretProblems.length > 0)
    throw new ConfigError(`Invalid configuration:\n  - ${secretProblems.join('\n  - ')}`);
  config.dataDir = resolve(config.dataDir);
  if (config.database.url && !config.secretKey) {
    throw new ConfigError(
      'SECRET_KEY is required with an external DATABASE_URL (generate one with: openssl rand -base64 32)',
    );
  }
  return config;
}

/** The base URL people reach the service at. */
export function publicBaseUrl(config: Config): string {
  return (config.http.publicUrl ?? `http://${config.http.host}:${config.http.port}`).replace(
    /\/$/,
    '',
  );
}

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { resolveConnectorSecrets } from './shared/config/core.ts';
import { resolveMailPassword } from './shared/config/mail.ts';
import { type Config, ConfigError, configSchema } from './shared/config/schema.ts';
import { resolveSmsSecret } from './shared/config/sms.ts';
import { resolveSsoSecret } from './shared/config/sso.ts';

/** The project root (where `config/` lives), independent of the process's working directory. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export { publicBaseUrl } from './shared/config/publicUrl.ts';
/** The configuration's type and error, defined beside the schema (shared/config/schema.ts). */
export { type Config, ConfigError };

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
  DATABASE_OWNER_URL: ['database', 'ownerUrl'],
  SECRET_KEY: ['secretKey'],
  LOG_LEVEL: ['log', 'level'],
  CORE_API_KEYS: ['core', 'apiKeys'],
  CORE_PORT: ['core', 'listen', 'port'],
  CORE_HOST: ['core', 'listen', 'host'],
  SCIM_TOKENS: ['hr', 'scim', 'tokens'],
  TIME_ZONE: ['hr', 'timeZone'],
  AUDIT_CHECKPOINT_KEY: ['audit', 'checkpoints', 'privateKey'],
  AUDIT_CHECKPOINT_DIR: ['audit', 'checkpoints', 'dir'],
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
  const secretProblems = [
    ...resolveConnectorSecrets(config.core.connectors, env),
    ...resolveMailPassword(config.mail, env),
    ...resolveSsoSecret(config.sso, env),
    ...resolveSmsSecret(config.sms, env),
  ];
  if (secretProblems.length > 0)
    throw new ConfigError(`Invalid configuration:\n  - ${secretProblems.join('\n  - ')}`);
  config.dataDir = resolve(config.dataDir);
  const corePort = config.core.listen.port;
  if (corePort !== null && corePort !== 0 && corePort === config.http.port)
    throw new ConfigError(
      `Invalid configuration:\n  - core.listen.port: must differ from http.port (${corePort}); the core's port is a second port`,
    );
  if (config.database.url && !config.secretKey) {
    throw new ConfigError(
      'SECRET_KEY is required with an external DATABASE_URL (generate one with: openssl rand -base64 32)',
    );
  }
  return config;
}

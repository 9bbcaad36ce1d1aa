import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from '../../audit/chain.ts';
import type { Config } from '../../shared/config/schema.ts';

/**
 * The sensitive settings only the configuration file (or the environment) can change: directory
 * sources and their sync, mail, SMS, SSO, the SIEM target, the audit checkpoints' storage and
 * dual control itself (docs/decisions.md "File-only settings are fingerprinted, not gated").
 */
const SECTIONS = [
  'directorySources',
  'directorySync',
  'mail',
  'sms',
  'sso',
  'siem',
  'dualControl',
] as const;

/** A key whose value is a secret: only a keyed hash of it enters the snapshot. */
const SECRET_KEY = /secret|password|privatekey|token|apikey/i;

/** What one secret looks like in a snapshot: never the value, a keyed hash of it. */
export const SECRET_MARK = 'secret:';

/** Flat `path → value` of the file-configured sensitive settings, secrets as keyed hashes. */
export type ConfigSnapshot = Record<string, string | number | boolean | null>;

function flatten(
  value: unknown,
  path: string,
  secret: boolean,
  key: Buffer,
  out: ConfigSnapshot,
): void {
  if (secret && value !== null && value !== undefined && value !== '') {
    const text = Buffer.isBuffer(value) ? value.toString('base64') : canonicalJson(value);
    out[path] = SECRET_MARK + createHmac('sha256', key).update(text).digest('hex').slice(0, 32);
    return;
  }
  if (Buffer.isBuffer(value)) {
    flatten(value.toString('base64'), path, true, key, out);
    return;
  }
  if (Array.isArray(value)) {
    // Sources are named by id so a reordered list is not a change of every source.
    value.forEach((item, index) => {
      const id =
        item && typeof item === 'object' && 'id' in item
          ? String((item as { id: unknown }).id)
          : index;
      flatten(item, `${path}[${id}]`, secret, key, out);
    });
    if (value.length === 0) out[path] = '[]';
    return;
  }
  if (value && typeof value === 'object') {
    for (const [name, item] of Object.entries(value))
      flatten(item, path ? `${path}.${name}` : name, SECRET_KEY.test(name), key, out);
    return;
  }
  if (value === undefined) return;
  out[path] = value as string | number | boolean | null;
}

/** The snapshot of `config`'s file-only sensitive settings; `key` hashes the secrets. */
export function snapshotOf(config: Config, key: Buffer): ConfigSnapshot {
  const out: ConfigSnapshot = {};
  for (const section of SECTIONS) flatten(config[section], section, false, key, out);
  flatten(
    {
      dir: config.audit.checkpoints.dir,
      keyFile: config.audit.checkpoints.keyFile,
      privateKey: config.audit.checkpoints.privateKey,
    },
    'audit.checkpoints',
    false,
    key,
    out,
  );
  return out;
}

/** The fingerprint of a snapshot: SHA-256 of its canonical JSON. */
export function fingerprintOf(snapshot: ConfigSnapshot): string {
  return createHash('sha256').update(canonicalJson(snapshot)).digest('hex');
}

/**
 * The change from one snapshot to the next, as an audit diff: the paths that differ, non-secret
 * values as they are, a secret as `changed` / `set` / `removed` only.
 */
export function snapshotDiff(
  before: ConfigSnapshot,
  after: ConfigSnapshot,
): { before: Record<string, unknown>; after: Record<string, unknown>; paths: string[] } {
  const paths = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((path) => before[path] !== after[path])
    .sort();
  const shown = (value: ConfigSnapshot[string] | undefined, other: unknown) => {
    if (typeof value === 'string' && value.startsWith(SECRET_MARK))
      return other === undefined || other === null ? 'set' : 'changed';
    return value ?? null;
  };
  const out = {
    before: {} as Record<string, unknown>,
    after: {} as Record<string, unknown>,
    paths,
  };
  for (const path of paths) {
    const isSecret = [before[path], after[path]].some(
      (value) => typeof value === 'string' && value.startsWith(SECRET_MARK),
    );
    out.before[path] = isSecret
      ? before[path] === undefined || before[path] === null
        ? null
        : 'secret'
      : (before[path] ?? null);
    out.after[path] = isSecret
      ? after[path] === undefined || after[path] === null
        ? 'removed'
        : shown(after[path], before[path])
      : (after[path] ?? null);
  }
  return out;
}

import { hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, ConfigError } from './config/schema.ts';

/** Purpose-bound keys derived from the master secret; never logged, never stored in the database. */
export interface Keys {
  /** AES-256-GCM key for TOTP secrets at rest. */
  totp: Buffer;
  /** HMAC key for the audit hash chain. */
  audit: Buffer;
  /** HMAC key for CSRF tokens. */
  csrf: Buffer;
  /** AES-256-GCM key for directory sources' stored bind passwords (server/shared/sealed.ts). */
  sourcePasswords: Buffer;
  /** HMAC key for one-time login codes at rest (a bare hash of 6 digits is reversed at once). */
  loginCodes: Buffer;
  /** HMAC key for the secrets in the fingerprint of the file-configured settings (issue 18). */
  configFingerprint: Buffer;
}

function derive(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `frisbee/${purpose}`, 32));
}

/** Derives the purpose keys from a master secret. */
export function deriveKeys(master: Buffer): Keys {
  if (master.length < 32) throw new ConfigError('SECRET_KEY must decode to at least 32 bytes');
  return {
    totp: derive(master, 'totp'),
    audit: derive(master, 'audit-chain'),
    csrf: derive(master, 'csrf'),
    sourcePasswords: derive(master, 'directory-source-bind-password'),
    loginCodes: derive(master, 'login-code'),
    configFingerprint: derive(master, 'config-fingerprint'),
  };
}

/**
 * The master secret: SECRET_KEY when set; otherwise, for the embedded database only, a key kept in
 * `<dataDir>/secret.key` (created on first start, mode 0600) so a local install needs no setup.
 */
export function loadMasterKey(config: Config): Buffer {
  if (config.secretKey) return Buffer.from(config.secretKey, 'base64');
  const path = join(config.dataDir, 'secret.key');
  if (!existsSync(path)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
}

/** Field names whose values never reach the audit log or the logs, at any depth. */
const SECRET_FIELDS = new Set([
  'password',
  'passwordhash',
  'secret',
  'secretencrypted',
  'totpsecret',
  'pendingtotpsecret',
  'token',
  'tokenhash',
  'code',
  'recoverycodes',
  'apikey',
  'bindpassword',
  'otpauthuri',
]);

const REDACTED = '[redacted]';

/** A deep copy of `value` with secret fields replaced and NUL characters removed (jsonb refuses them). */
export function redact<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '') as T;
  if (Array.isArray(value)) return value.map((item) => redact(item)) as T;
  if (value instanceof Date) return value.toISOString() as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      out[key] = SECRET_FIELDS.has(key.toLowerCase()) ? REDACTED : redact(item);
    }
    return out as T;
  }
  return value;
}

/** LDAP GeneralizedTime (RFC 4517 §3.3.13) as our cursors use it: `YYYYMMDDHHMMSSZ`, UTC. */

const PATTERN = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{2,4})$/;

/** Parses a GeneralizedTime; null when it is not one. */
export function parseGeneralizedTime(value: string): Date | null {
  const match = PATTERN.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s = '00', fraction = '0', zone = 'Z'] = match;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  ms += Math.floor(Number(`0.${fraction}`) * 1000);
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const hours = Number(zone.slice(1, 3));
    const minutes = Number(zone.slice(3, 5) || '0');
    ms -= sign * (hours * 60 + minutes) * 60_000;
  }
  return new Date(ms);
}

/** A Date as `YYYYMMDDHHMMSSZ` (whole seconds, rounded down). */
export function formatGeneralizedTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace(/[-T:]/g, '')}Z`;
}

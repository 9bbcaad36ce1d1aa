import type { Entry } from 'ldapts';
import type { DirectorySource } from '../../shared/config/directorySources.ts';

/** `userAccountControl` / `msDS-User-Account-Control-Computed` flags (MS-ADTS 2.2.16). */
export const UAC_ACCOUNTDISABLE = 0x2;
export const UAC_LOCKOUT = 0x10;
export const UAC_PASSWORD_EXPIRED = 0x80_0000;

/** AD's "never expires" values of `accountExpires`. */
const NEVER = new Set(['0', '9223372036854775807']);
/** 100 ns ticks between 1601-01-01 (FILETIME epoch) and 1970-01-01. */
const FILETIME_UNIX_OFFSET = 116_444_736_000_000_000n;

/** The attributes the login search asks for, by kind, to judge an account before binding. */
export function stateAttributes(source: DirectorySource): string[] {
  if (source.kind === 'active-directory')
    return ['userAccountControl', 'accountExpires', 'msDS-User-Account-Control-Computed'];
  // "1.1": no attributes at all (an empty list would mean all of them).
  return source.lockAttribute ? [source.lockAttribute] : ['1.1'];
}

/** The first value of an attribute as text (ldapts names attributes as the server spells them). */
export function attributeText(entry: Entry, name: string): string | null {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const raw = key === undefined ? undefined : entry[key];
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (first === undefined) return null;
  return typeof first === 'string' ? first : first.toString('utf8');
}

/** An AD FILETIME (`accountExpires`, `pwdLastSet`) as a Date; null for "never" or unparsable. */
export function filetimeToDate(value: string | null): Date | null {
  if (value === null || NEVER.has(value) || !/^\d+$/.test(value)) return null;
  const ms = (BigInt(value) - FILETIME_UNIX_OFFSET) / 10_000n;
  return new Date(Number(ms));
}

/** A Date as an AD FILETIME string (for setting `accountExpires`). */
export function dateToFiletime(date: Date): string {
  return (BigInt(date.getTime()) * 10_000n + FILETIME_UNIX_OFFSET).toString();
}

function flags(entry: Entry, name: string): number {
  const text = attributeText(entry, name);
  const value = text === null ? 0 : Number.parseInt(text, 10);
  return Number.isFinite(value) ? value : 0;
}

/**
 * Whether the directory entry says the account may not sign in: for AD, disabled
 * (`userAccountControl` bit 2), past `accountExpires`, or locked out / password expired as AD
 * computes them; for generic LDAP, the configured lock attribute holding any value but `FALSE`.
 */
export function isAccountBlocked(source: DirectorySource, entry: Entry, now: Date): boolean {
  if (source.kind === 'active-directory') {
    if (flags(entry, 'userAccountControl') & UAC_ACCOUNTDISABLE) return true;
    const computed = flags(entry, 'msDS-User-Account-Control-Computed');
    if (computed & (UAC_LOCKOUT | UAC_PASSWORD_EXPIRED)) return true;
    const expires = filetimeToDate(attributeText(entry, 'accountExpires'));
    return expires !== null && expires.getTime() <= now.getTime();
  }
  if (!source.lockAttribute) return false;
  const lock = attributeText(entry, source.lockAttribute);
  return lock !== null && lock.trim() !== '' && lock.trim().toLowerCase() !== 'false';
}

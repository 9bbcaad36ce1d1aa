import type { Entry } from 'ldapts';
import { UAC_ACCOUNTDISABLE } from '../../identity/ldap/accountState.ts';
import type { DirectorySource } from '../../shared/config/directorySources.ts';
import { syncAttributeFields } from '../../shared/config/directorySources.ts';
import type { SourcePerson } from '../types.ts';
import { formatGuid } from './guid.ts';

/** A mapped SourcePerson field. */
export type MappedField = (typeof syncAttributeFields)[number];

/** Field → attributes tried in order (empty: not mapped). */
export type AttributeMapping = Record<MappedField, string[]>;

const AD_DEFAULTS: AttributeMapping = {
  username: ['sAMAccountName', 'userPrincipalName'],
  givenName: ['givenName'],
  familyName: ['sn'],
  middleName: ['middleName'],
  displayName: ['displayName'],
  email: ['mail'],
  phone: ['telephoneNumber', 'mobile'],
  title: ['title'],
  department: ['department', 'company'],
  employeeId: ['employeeID'],
  groups: ['memberOf'],
};

const LDAP_DEFAULTS: AttributeMapping = {
  username: ['uid'],
  givenName: ['givenName'],
  familyName: ['sn'],
  middleName: [],
  displayName: ['displayName', 'cn'],
  email: ['mail'],
  phone: ['telephoneNumber', 'mobile'],
  title: ['title'],
  department: ['departmentNumber', 'ou'],
  employeeId: ['employeeNumber'],
  groups: ['memberOf'],
};

/** The kind's defaults with the source's overrides applied. */
export function attributeMapping(source: DirectorySource): AttributeMapping {
  const mapping = { ...(source.kind === 'active-directory' ? AD_DEFAULTS : LDAP_DEFAULTS) };
  for (const field of syncAttributeFields) {
    const override = source.attributes[field];
    if (override === undefined) continue;
    mapping[field] = override === null ? [] : Array.isArray(override) ? override : [override];
  }
  return mapping;
}

/** The attribute holding the external id, and whether it is binary. */
export function idAttributeOf(source: DirectorySource): string {
  return source.kind === 'active-directory' ? 'objectGUID' : source.idAttribute;
}

/** Every attribute a people search asks for. */
export function requestedAttributes(source: DirectorySource): string[] {
  const names = new Set<string>([idAttributeOf(source)]);
  for (const list of Object.values(attributeMapping(source)))
    for (const name of list) names.add(name);
  if (source.kind === 'active-directory') {
    names.add('userAccountControl');
    names.add('accountExpires');
  } else {
    names.add('modifyTimestamp');
    if (source.lockAttribute) names.add(source.lockAttribute);
  }
  return [...names];
}

type Values = Array<string | Buffer>;

// Attribute names as the directory spells them → lower-cased: a read sees the same dozen names
// on every entry, and lower-casing each again cost a string per attribute per entry.
const lowered = new Map<string, string>();
const LOWERED_MAX = 10_000;

function lower(name: string): string {
  let low = lowered.get(name);
  if (low === undefined) {
    low = name.toLowerCase();
    if (lowered.size < LOWERED_MAX) lowered.set(name, low);
  }
  return low;
}

// An attribute's value as ldapts gives it: one value bare, several as a list.
type Raw = Entry[string];

/** The entry's attributes by lower-cased name, as ldapts gives them (not copied into lists). */
function attributesOf(entry: Entry): Map<string, Raw> {
  const map = new Map<string, Raw>();
  for (const key in entry) {
    // "member;range=0-1499" and the like keep their options; plain names are what we map.
    if (key !== 'dn') map.set(lower(key), entry[key] as Raw);
  }
  return map;
}

/** The entry's attributes by lower-cased name, each as a list (ldapts gives one value bare). */
export function valuesByName(entry: Entry): Map<string, Values> {
  const map = new Map<string, Values>();
  for (const [name, raw] of attributesOf(entry)) map.set(name, Array.isArray(raw) ? raw : [raw]);
  return map;
}

function text(value: string | Buffer): string {
  return typeof value === 'string' ? value : value.toString('utf8');
}

/** The first non-empty value of `raw`, trimmed. */
function firstOf(raw: Raw): string | null {
  if (!Array.isArray(raw)) {
    const trimmed = text(raw).trim();
    return trimmed === '' ? null : trimmed;
  }
  for (const value of raw) {
    const trimmed = text(value).trim();
    if (trimmed !== '') return trimmed;
  }
  return null;
}

/** First non-empty value of the first attribute in `names` (lower-cased) that has one; trimmed. */
function first(values: Map<string, Raw>, names: readonly string[]): string | null {
  for (const name of names) {
    const raw = values.get(name);
    const value = raw === undefined ? null : firstOf(raw);
    if (value !== null) return value;
  }
  return null;
}

/** All values of all the attributes in `names`, de-duplicated. */
function all(values: Map<string, Raw>, names: readonly string[]): string[] {
  const out = new Set<string>();
  for (const name of names) {
    const raw = values.get(name);
    if (raw === undefined) continue;
    if (Array.isArray(raw)) for (const value of raw) out.add(text(value));
    else out.add(text(raw));
  }
  return [...out];
}

// A mapping with its attribute names lower-cased, made once per mapping (a read uses one).
const loweredMappings = new WeakMap<AttributeMapping, AttributeMapping>();

function lowerMapping(mapping: AttributeMapping): AttributeMapping {
  let low = loweredMappings.get(mapping);
  if (low === undefined) {
    low = Object.fromEntries(
      Object.entries(mapping).map(([field, names]) => [field, names.map(lower)]),
    ) as AttributeMapping;
    loweredMappings.set(mapping, low);
  }
  return low;
}

const NEVER_EXPIRES = new Set(['0', '9223372036854775807']);
const FILETIME_UNIX_OFFSET = 116_444_736_000_000_000n;

function adDisabled(values: Map<string, Raw>, now: Date): boolean {
  const uac = Number.parseInt(first(values, ['useraccountcontrol']) ?? '0', 10);
  if (Number.isFinite(uac) && uac & UAC_ACCOUNTDISABLE) return true;
  const expires = first(values, ['accountexpires']);
  if (expires === null || NEVER_EXPIRES.has(expires) || !/^\d+$/.test(expires)) return false;
  // Compared in FILETIME ticks: no precision lost to a Number conversion.
  return BigInt(expires) <= BigInt(now.getTime()) * 10_000n + FILETIME_UNIX_OFFSET;
}

/** Same rule as the login check (accountState.ts): any value but FALSE in the lock attribute. */
function ldapLocked(source: DirectorySource, values: Map<string, Raw>): boolean {
  if (source.kind !== 'ldap' || !source.lockAttribute) return false;
  const lock = first(values, [lower(source.lockAttribute)]);
  return lock !== null && lock.toLowerCase() !== 'false';
}

function externalIdOf(source: DirectorySource, values: Map<string, Raw>, dn: string): string {
  const attribute = values.get(lower(idAttributeOf(source)));
  const raw = Array.isArray(attribute) ? attribute[0] : attribute;
  if (raw === undefined)
    throw new Error(`entry ${dn} has no ${idAttributeOf(source)}: cannot identify it`);
  if (source.kind === 'active-directory') {
    if (typeof raw === 'string') throw new Error(`objectGUID of ${dn} came back as text`);
    return formatGuid(raw);
  }
  return text(raw).trim().toLowerCase();
}

/** Turns a directory entry into a SourcePerson with the source's mapping. */
export function toSourcePerson(
  source: DirectorySource,
  mapping: AttributeMapping,
  entry: Entry,
  now: Date,
): SourcePerson {
  const values = attributesOf(entry);
  const names = lowerMapping(mapping);
  const username = first(values, names.username);
  return {
    externalId: externalIdOf(source, values, entry.dn),
    locator: entry.dn,
    username: username === null ? null : username.toLowerCase(),
    familyName: first(values, names.familyName),
    givenName: first(values, names.givenName),
    middleName: first(values, names.middleName),
    displayName: first(values, names.displayName),
    email: first(values, names.email),
    phone: first(values, names.phone),
    title: first(values, names.title),
    department: first(values, names.department),
    employeeId: first(values, names.employeeId),
    disabled:
      source.kind === 'active-directory' ? adDisabled(values, now) : ldapLocked(source, values),
    groups: all(values, names.groups),
  };
}

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Attribute, Change, Client } from 'ldapts';
import { dateToFiletime } from '../../server/identity/ldap/accountState.ts';
import { escapeFilterValue } from '../../server/identity/ldap/filter.ts';
import type { PersonAttributes, SambaDc } from './samba.ts';
import { DIRECTORY_REQUEST_MS } from './timeouts.ts';

/**
 * Bulk people, groups and the changes sync tests make in a throw-away Samba DC (test/support/samba.ts):
 * one LDAPS connection as Administrator with requests pipelined, or `ldbadd` on the stopped DC's
 * sam.ldb for large directories (measured: see docs/ldap.md, "Test directories").
 */

const run = promisify(execFile);

/** One person to create. `name` is the sAMAccountName; `cn` defaults to it. */
export interface BulkPerson extends PersonAttributes {
  name: string;
  cn?: string;
  /** Parent container DN; default `CN=Users,<base>`. */
  parent?: string;
  disabled?: boolean;
  /** `accountExpires`; unset or null: never. */
  expiresAt?: Date | null;
  /** Sets unicodePwd (slow: Kerberos keys are derived); unset: an account without a password. */
  password?: string;
  userPrincipalName?: string;
}

/** ACCOUNTDISABLE, PASSWD_NOTREQD, NORMAL_ACCOUNT (MS-ADTS 2.2.16). */
const UAC_DISABLED = 0x2;
const UAC_PASSWD_NOTREQD = 0x20;
const UAC_NORMAL = 0x200;

/** Escapes an RDN value (RFC 4514 §2.4). */
export function escapeDnValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (char) => `\\${char}`);
  if (/^[ #]/.test(out)) out = `\\${out}`;
  if (out.endsWith(' ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** The DN a bulk person gets. */
export function personDn(dc: SambaDc, person: BulkPerson): string {
  return `CN=${escapeDnValue(person.cn ?? person.name)},${person.parent ?? `CN=Users,${dc.baseDn}`}`;
}

function personAttributes(person: BulkPerson): Record<string, string[] | Buffer[]> {
  const { name, cn: _cn, parent: _p, disabled, expiresAt, password, ...rest } = person;
  const uac = UAC_NORMAL | (password ? 0 : UAC_PASSWD_NOTREQD) | (disabled ? UAC_DISABLED : 0);
  const attributes: Record<string, string[] | Buffer[]> = {
    objectClass: ['user'],
    sAMAccountName: [name],
    userAccountControl: [String(uac)],
  };
  if (expiresAt) attributes.accountExpires = [dateToFiletime(expiresAt)];
  if (password) attributes.unicodePwd = [Buffer.from(`"${password}"`, 'utf16le')];
  for (const [type, value] of Object.entries(rest))
    if (typeof value === 'string' && value !== '') attributes[type] = [value];
  return attributes;
}

/** A client bound as Administrator over LDAPS (AD takes unicodePwd on encrypted connections only). */
export async function adminLdaps(dc: SambaDc): Promise<Client> {
  const client = new Client({
    url: dc.ldapsUrl,
    timeout: DIRECTORY_REQUEST_MS,
    connectTimeout: DIRECTORY_REQUEST_MS,
    tlsOptions: { ca: readFileSync(dc.caFile) },
  });
  await client.bind(dc.adminDn, dc.adminPassword);
  return client;
}

/** Runs `task` over `items` with `concurrency` requests in flight (LDAP pipelining). */
async function pipelined<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * Adds people over one LDAPS connection with up to `concurrency` adds in flight. Returns their DNs
 * in order. Without passwords ~hundreds/s on a small directory; AD adds slow down as it grows.
 */
export async function addPeople(
  dc: SambaDc,
  people: readonly BulkPerson[],
  concurrency = 8,
): Promise<string[]> {
  const client = await adminLdaps(dc);
  try {
    await pipelined(people, concurrency, async (person) => {
      const attributes = personAttributes(person);
      await client.add(
        personDn(dc, person),
        Object.entries(attributes).map(([type, values]) => new Attribute({ type, values })),
      );
    });
  } finally {
    await client.unbind().catch(() => undefined);
  }
  return people.map((person) => personDn(dc, person));
}

function ldifValue(value: string | Buffer): string {
  const text = typeof value === 'string' ? value : null;
  // SAFE-STRING (RFC 2849): printable ASCII, not starting with space, colon or "<".
  if (text !== null && /^[\x21-\x39\x3b\x3d-\x7e][\x20-\x7e]*$/.test(text) && !text.endsWith(' '))
    return ` ${text}`;
  return `: ${Buffer.from(value).toString('base64')}`;
}

/** People (and any extra entries) as LDIF for `ldbadd`. */
export function peopleLdif(dc: SambaDc, people: readonly BulkPerson[]): string {
  const blocks: string[] = [];
  for (const person of people) {
    const lines = [`dn:${ldifValue(personDn(dc, person))}`];
    for (const [type, values] of Object.entries(personAttributes(person)))
      for (const value of values) lines.push(`${type}:${ldifValue(value)}`);
    blocks.push(lines.join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}

/**
 * Adds people with `ldbadd` straight into the DC's sam.ldb: the DC is stopped first (and started
 * again if it was running). Much faster than LDAP for thousands of entries; no passwords.
 */
export async function addPeopleOffline(
  dc: SambaDc,
  people: readonly BulkPerson[],
  options: { restart?: boolean } = {},
): Promise<void> {
  if (people.some((person) => person.password))
    throw new Error('addPeopleOffline cannot set passwords: use addPeople');
  await dc.stop();
  // One ldbadd (one transaction) per 1,000 entries: ldb's index cache makes a single huge
  // transaction several times slower (measured: 9,000 in one run ≈ 3 min, in 1,000s ≈ 1 min).
  for (let i = 0; i < people.length; i += 1_000) {
    const file = join(dc.dir, 'bulk.ldif');
    await writeFile(file, peopleLdif(dc, people.slice(i, i + 1_000)));
    await run('/usr/bin/ldbadd', ['-H', join(dc.dir, 'private', 'sam.ldb'), file], {
      maxBuffer: 64 << 20,
    });
    await rm(file, { force: true });
  }
  if (options.restart ?? true) await dc.start();
}

/** Creates a group (global security group) under `parent` with the given member DNs. */
export async function addGroupWithMembers(
  dc: SambaDc,
  name: string,
  memberDns: readonly string[] = [],
  parent = `CN=Users,${dc.baseDn}`,
): Promise<string> {
  const dn = `CN=${escapeDnValue(name)},${parent}`;
  const client = await adminLdaps(dc);
  try {
    await client.add(dn, [
      new Attribute({ type: 'objectClass', values: ['group'] }),
      // sAMAccountName forbids "[]:;|=+*?<>/\, (the CN keeps the name as given).
      new Attribute({
        type: 'sAMAccountName',
        values: [name.replace(/["[\]:;|=+*?<>/\\,]/g, '_')],
      }),
    ]);
    // Chunks keep each modify small; AD accepts 5,000 values per request at most.
    for (let i = 0; i < memberDns.length; i += 1_000)
      await client.modify(
        dn,
        new Change({
          operation: 'add',
          modification: new Attribute({ type: 'member', values: memberDns.slice(i, i + 1_000) }),
        }),
      );
  } finally {
    await client.unbind().catch(() => undefined);
  }
  return dn;
}

/** Adds or removes member DNs of a group (by DN). */
export async function changeGroupMembers(
  dc: SambaDc,
  groupDn: string,
  operation: 'add' | 'delete',
  memberDns: readonly string[],
): Promise<void> {
  await dc.asAdmin((client) =>
    client.modify(
      groupDn,
      new Change({
        operation,
        modification: new Attribute({ type: 'member', values: [...memberDns] }),
      }),
    ),
  );
}

/** Creates an organizational unit; returns its DN. */
export async function addOu(dc: SambaDc, name: string, parent = dc.baseDn): Promise<string> {
  const dn = `OU=${escapeDnValue(name)},${parent}`;
  await dc.asAdmin((client) =>
    client.add(dn, [new Attribute({ type: 'objectClass', values: ['organizationalUnit'] })]),
  );
  return dn;
}

/** Renames a person's entry (modrdn to a new CN) and/or moves it under another parent. */
export async function renamePerson(
  dc: SambaDc,
  dn: string,
  change: { cn?: string; parent?: string },
): Promise<string> {
  const [rdn = '', ...rest] = dn.split(/(?<!\\),/);
  const newRdn = change.cn === undefined ? rdn : `CN=${escapeDnValue(change.cn)}`;
  const newDn = `${newRdn},${change.parent ?? rest.join(',')}`;
  await dc.asAdmin((client) => client.modifyDN(dn, newDn));
  return newDn;
}

/** Deletes an entry by DN. */
export async function deleteEntry(dc: SambaDc, dn: string): Promise<void> {
  await dc.asAdmin((client) => client.del(dn));
}

/** Sets or clears `userAccountControl` bit 2 of a person by DN (LDAP, no samba-tool start-up). */
export async function setDisabled(dc: SambaDc, dn: string, disabled: boolean): Promise<void> {
  await dc.asAdmin(async (client) => {
    const { searchEntries } = await client.search(dn, {
      scope: 'base',
      attributes: ['userAccountControl'],
    });
    const uac = Number(searchEntries[0]?.userAccountControl ?? UAC_NORMAL);
    const next = disabled ? uac | UAC_DISABLED : uac & ~UAC_DISABLED;
    await client.modify(
      dn,
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'userAccountControl', values: [String(next)] }),
      }),
    );
  });
}

/** The objectGUID of an entry as `ldbsearch` prints it (read from the stopped or running DC's files). */
export async function guidFromLdb(dc: SambaDc, sAMAccountName: string): Promise<string> {
  const { stdout } = await run('/usr/bin/ldbsearch', [
    '-H',
    join(dc.dir, 'private', 'sam.ldb'),
    `(sAMAccountName=${escapeFilterValue(sAMAccountName)})`,
    'objectGUID',
  ]);
  const match = /^objectGUID: ([0-9a-f-]{36})$/m.exec(stdout);
  if (!match?.[1]) throw new Error(`no objectGUID for ${sAMAccountName} in ldbsearch output`);
  return match[1];
}

/** Moves a person from one group to another (two modifies, as an admin would). */
export async function moveBetweenGroups(
  dc: SambaDc,
  memberDn: string,
  fromGroupDn: string,
  toGroupDn: string,
): Promise<void> {
  await changeGroupMembers(dc, fromGroupDn, 'delete', [memberDn]);
  await changeGroupMembers(dc, toGroupDn, 'add', [memberDn]);
}

/** Sets `accountExpires` of a person by DN (null: never). */
export async function setExpiry(dc: SambaDc, dn: string, at: Date | null): Promise<void> {
  await dc.asAdmin((client) =>
    client.modify(
      dn,
      new Change({
        operation: 'replace',
        modification: new Attribute({
          type: 'accountExpires',
          values: [at ? dateToFiletime(at) : '0'],
        }),
      }),
    ),
  );
}

/**
 * Lets a (non-admin) account see tombstones: appends `(A;;LCRP;;;<its SID>)` to the DACL of
 * `CN=Deleted Objects` (list and read, what Microsoft KB 892806 grants with dsacls). Done with
 * `ldbmodify` on the DC's sam.ldb with the show_deleted and sd_flags (DACL only) controls, the
 * commands docs/directory-sync.md gives administrators (`samba-tool dsacl set` crashes on that
 * container in Samba 4.17).
 */
export async function grantDeletedObjects(dc: SambaDc, sAMAccountName: string): Promise<void> {
  const sam = join(dc.dir, 'private', 'sam.ldb');
  const container = `CN=Deleted Objects,${dc.baseDn}`;
  const { stdout: account } = await run('/usr/bin/ldbsearch', [
    '-H',
    sam,
    `(sAMAccountName=${escapeFilterValue(sAMAccountName)})`,
    'objectSid',
  ]);
  const sid = /^objectSid: (S-[\d-]+)$/m.exec(account)?.[1];
  if (!sid) throw new Error(`no objectSid for ${sAMAccountName}`);
  const { stdout: current } = await run('/usr/bin/ldbsearch', [
    '-H',
    sam,
    '-b',
    container,
    '-s',
    'base',
    '--controls=show_deleted:1',
    '--controls=sd_flags:1:4',
    'nTSecurityDescriptor',
  ]);
  // LDIF folds long lines (a continuation starts with one space): unfold before reading.
  const dacl = /^nTSecurityDescriptor: (\S+)$/m.exec(current.replaceAll('\n ', ''))?.[1];
  if (!dacl) throw new Error(`no nTSecurityDescriptor on ${container}`);
  const ldif = `dn: ${container}\nchangetype: modify\nreplace: nTSecurityDescriptor\nnTSecurityDescriptor: ${dacl}(A;;LCRP;;;${sid})\n`;
  const file = join(dc.dir, 'grant-deleted-objects.ldif');
  await writeFile(file, ldif);
  try {
    await run('/usr/bin/ldbmodify', [
      '-H',
      sam,
      '--controls=show_deleted:1',
      '--controls=sd_flags:1:4',
      file,
    ]);
  } finally {
    await rm(file, { force: true });
  }
}

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  closeSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
} from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { Attribute, Change, Client } from 'ldapts';
import { freePort } from '../../server/shared/freePort.ts';
import { DIRECTORY_REQUEST_MS, GRACEFUL_EXIT_MS, SLAPD_READY_MS } from './timeouts.ts';

/**
 * A throw-away OpenLDAP `slapd` for tests and benchmarks: its own slapd.conf and mdb database in a
 * temp folder, listening on ldap://127.0.0.2:<free port>, run in the foreground (`-d 0`) as our
 * child and stopped by its pid. Schemas: core, cosine, inetorgperson, nis; overlays memberof
 * (groupOfNames → memberOf on people), ppolicy (pwdAccountLockedTime, the lock attribute) and,
 * unless `syncprov: false`, syncprov (keeps `contextCSN` on the suffix, which the reader's
 * entryCSN change tracking needs; `entryCSN` itself is kept on every entry by slapd).
 * Large directories: write an LDIF and `slapadd` it into a template once, then copy the folder.
 */

const run = promisify(execFile);

const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';
const SLAPINDEX = '/usr/sbin/slapindex';
/**
 * In a template folder: its mdb has the entryCSN index. Templates built before the index was
 * configured get it once with slapindex; an index configured but never built makes mdb answer
 * `(entryCSN>=…)` with nothing at all.
 */
const ENTRYCSN_INDEXED = 'entrycsn-indexed';
const ADDRESS = '127.0.0.2';
/** Base DN of every throw-away directory. */
export const OPENLDAP_BASE_DN = 'dc=corp,dc=example,dc=test';
const ROOT_DN = `cn=admin,${OPENLDAP_BASE_DN}`;
const ROOT_PASSWORD = 'Root-Passw0rd-for-tests';

/** Why slapd cannot be started here, or null when it can. */
export const slapdMissing: string | null =
  [SLAPD, SLAPADD]
    .filter((path) => !existsSync(path))
    .map((path) => `${path} not found`)
    .join('; ') || null;

/** Whether OpenLDAP suites run: on CI a missing slapd fails at import; elsewhere they skip loudly. */
export const slapdAvailable: boolean = (() => {
  if (!slapdMissing) return true;
  const message = `OpenLDAP tests cannot run: ${slapdMissing}. Install: apt-get install -y slapd ldap-utils`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n!!!!! SKIPPING: ${message}\n`);
  return false;
})();

/** A running throw-away slapd. */
export interface OpenLdap {
  readonly url: string;
  readonly baseDn: string;
  readonly rootDn: string;
  readonly rootPassword: string;
  /** `ou=people,<base>`, where {@link peopleLdif} puts people. */
  readonly peopleDn: string;
  readonly groupsDn: string;
  readonly dir: string;
  /** Runs `fn` with a client bound as the root DN. */
  asRoot<T>(fn: (client: Client) => Promise<T>): Promise<T>;
  /** Stops slapd and starts it again on the same folder and port (open connections drop). */
  restart(): Promise<void>;
  /** Stops slapd (by pid), keeping the folder; connections drop and new ones are refused. */
  stop(): Promise<void>;
  /** Stops slapd (by pid) and removes the folder. Safe to call twice. */
  close(): Promise<void>;
}

/** One person for an LDIF or an add (inetOrgPerson). `uid` names the entry. */
export interface LdapPerson {
  uid: string;
  givenName?: string;
  sn: string;
  cn?: string;
  displayName?: string;
  mail?: string;
  telephoneNumber?: string;
  title?: string;
  departmentNumber?: string;
  employeeNumber?: string;
}

/** How a throw-away slapd is configured. */
export interface OpenLdapOptions {
  /** Load the syncprov overlay (contextCSN on the suffix); default true. */
  syncprov?: boolean;
}

function config(dir: string, options: OpenLdapOptions = {}): string {
  const syncprov = options.syncprov !== false;
  return `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
moduleload ppolicy
${syncprov ? 'moduleload syncprov\n' : ''}pidfile ${join(dir, 'slapd.pid')}
argsfile ${join(dir, 'slapd.args')}
sizelimit unlimited
timelimit unlimited
database mdb
maxsize 17179869184
suffix "${OPENLDAP_BASE_DN}"
rootdn "${ROOT_DN}"
rootpw ${ROOT_PASSWORD}
directory ${join(dir, 'data')}
index objectClass eq
index uid eq
index entryUUID eq
index member eq
index modifyTimestamp eq
index entryCSN eq
overlay memberof
overlay ppolicy
${syncprov ? 'overlay syncprov\n' : ''}`;
}

const BASE_LDIF = `dn: ${OPENLDAP_BASE_DN}
objectClass: dcObject
objectClass: organization
dc: corp
o: Corp

dn: ou=people,${OPENLDAP_BASE_DN}
objectClass: organizationalUnit
ou: people

dn: ou=groups,${OPENLDAP_BASE_DN}
objectClass: organizationalUnit
ou: groups
`;

function ldifLine(type: string, value: string): string {
  return /^[\x21-\x39\x3b\x3d-\x7e][\x20-\x7e]*$/.test(value) && !value.endsWith(' ')
    ? `${type}: ${value}`
    : `${type}:: ${Buffer.from(value).toString('base64')}`;
}

/** The DN of a person made by this fixture. */
export function ldapPersonDn(uid: string): string {
  return `uid=${uid},ou=people,${OPENLDAP_BASE_DN}`;
}

/** One person as an LDIF block. */
export function personLdif(person: LdapPerson): string {
  const { uid, ...rest } = person;
  const lines = [
    ldifLine('dn', ldapPersonDn(uid)),
    'objectClass: inetOrgPerson',
    ldifLine('uid', uid),
    ldifLine('cn', person.cn ?? `${person.givenName ?? ''} ${person.sn}`.trim()),
  ];
  for (const [type, value] of Object.entries(rest))
    if (type !== 'cn' && typeof value === 'string' && value !== '')
      lines.push(ldifLine(type, value));
  return `${lines.join('\n')}\n`;
}

async function slapadd(dir: string, ldif: string | LdifWriter): Promise<void> {
  const file = join(dir, 'load.ldif');
  if (typeof ldif === 'string') await writeFile(file, ldif);
  else {
    // Streamed to the file: a million entries are more text than one JavaScript string holds.
    const out = createWriteStream(file);
    const closed = once(out, 'close');
    await ldif(out);
    out.end();
    await closed;
  }
  // -q: quick mode (no consistency checks), the fast way for 100k entries.
  await run(SLAPADD, ['-q', '-f', join(dir, 'slapd.conf'), '-l', file], { maxBuffer: 64 << 20 });
  await rm(file, { force: true });
}

/**
 * Writes LDIF blocks to `out` (awaiting `drain` when it asks to): the streamed form of a large
 * template's entries, after the base entries.
 */
export type LdifWriter = (out: Writable) => Promise<void>;

/** slapd's folder, with the base entries (and `ldif`, if given) loaded by slapadd. */
async function prepare(
  dir: string,
  ldif: string | LdifWriter = '',
  options: OpenLdapOptions = {},
): Promise<void> {
  mkdirSync(join(dir, 'data'), { recursive: true });
  await writeFile(join(dir, 'slapd.conf'), config(dir, options));
  await slapadd(
    dir,
    typeof ldif === 'string'
      ? `${BASE_LDIF}\n${ldif}`
      : async (out) => {
          out.write(`${BASE_LDIF}\n`);
          await ldif(out);
        },
  );
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts a throw-away slapd. `ldif`: extra entries to slapadd before the start; `template`: a
 * folder made by {@link buildOpenLdapTemplate} to copy instead.
 */
export async function startOpenLdap(
  options: { ldif?: string; template?: string } & OpenLdapOptions = {},
): Promise<OpenLdap> {
  if (slapdMissing) throw new Error(`OpenLDAP is not installed: ${slapdMissing}`);
  const dir = await mkdtemp(join(tmpdir(), 'frisbee-slapd-'));
  let child: ChildProcess | null = null;
  // Stops slapd (by pid), keeping its folder.
  const stop = async () => {
    const launched = child;
    child = null;
    if (launched && launched.exitCode === null && launched.signalCode === null) {
      const exited = new Promise((resolve) => launched.once('exit', resolve));
      launched.kill('SIGTERM');
      const timer = setTimeout(() => launched.kill('SIGKILL'), GRACEFUL_EXIT_MS);
      await exited;
      clearTimeout(timer);
    }
    if (launched) running.delete(launched);
  };
  const close = async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  };
  let launch: () => Promise<void> = async () => {
    throw new Error('slapd was never started');
  };
  try {
    if (options.template) {
      // The mdb file is sparse (maxsize): `cp --sparse=always` keeps it small, fs.cp writes it all.
      await run('/bin/cp', ['-a', '--sparse=always', join(options.template, 'data'), dir]);
      await writeFile(join(dir, 'slapd.conf'), config(dir, options));
    } else await prepare(dir, options.ldif, options);
    const port = await freePort();
    const url = `ldap://${ADDRESS}:${port}`;
    const asRoot = async <T>(fn: (client: Client) => Promise<T>): Promise<T> => {
      const client = new Client({
        url,
        timeout: DIRECTORY_REQUEST_MS,
        connectTimeout: DIRECTORY_REQUEST_MS,
      });
      try {
        await client.bind(ROOT_DN, ROOT_PASSWORD);
        return await fn(client);
      } finally {
        await client.unbind().catch(() => undefined);
      }
    };
    // Starts slapd on this folder and port and waits until it answers a bind.
    launch = async () => {
      const log = openSync(join(dir, 'slapd.out'), 'a');
      const launched = spawn(SLAPD, ['-h', `${url}/`, '-f', join(dir, 'slapd.conf'), '-d', '0'], {
        stdio: ['ignore', log, log],
      });
      closeSync(log);
      child = launched;
      running.add(launched);
      const deadline = Date.now() + SLAPD_READY_MS;
      for (;;) {
        if (launched.exitCode !== null)
          throw new Error(
            `slapd exited with ${launched.exitCode}: ${tail(join(dir, 'slapd.out'))}`,
          );
        if (await asRoot(async () => true).catch(() => false)) break;
        if (Date.now() > deadline)
          throw new Error(
            `slapd did not answer in ${SLAPD_READY_MS} ms: ${tail(join(dir, 'slapd.out'))}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await launch();
    return {
      url,
      baseDn: OPENLDAP_BASE_DN,
      rootDn: ROOT_DN,
      rootPassword: ROOT_PASSWORD,
      peopleDn: `ou=people,${OPENLDAP_BASE_DN}`,
      groupsDn: `ou=groups,${OPENLDAP_BASE_DN}`,
      dir,
      asRoot,
      async restart() {
        await stop();
        await launch();
      },
      stop,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * A slapd data folder to start copies of; built once with `slapadd` of the LDIF `makeLdif`
 * returns (called only when `folder` holds no template yet).
 */
export async function buildOpenLdapTemplate(
  folder: string,
  makeLdif: (() => string | Promise<string>) | { stream: LdifWriter },
): Promise<string> {
  if (existsSync(join(folder, 'data', 'data.mdb'))) {
    if (!existsSync(join(folder, ENTRYCSN_INDEXED))) {
      await writeFile(join(folder, 'slapd.conf'), config(folder));
      await run(SLAPINDEX, ['-q', '-f', join(folder, 'slapd.conf'), 'entryCSN'], {
        maxBuffer: 64 << 20,
      });
      await writeFile(join(folder, ENTRYCSN_INDEXED), '');
    }
    return folder;
  }
  if (slapdMissing) throw new Error(`OpenLDAP is not installed: ${slapdMissing}`);
  const partial = `${folder}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await prepare(partial, typeof makeLdif === 'function' ? await makeLdif() : makeLdif.stream);
  await writeFile(join(partial, ENTRYCSN_INDEXED), '');
  await rm(folder, { recursive: true, force: true });
  await rename(partial, folder);
  return folder;
}

/** Adds a person over LDAP (slapd sets entryUUID and modifyTimestamp). */
export async function addLdapPerson(ldap: OpenLdap, person: LdapPerson): Promise<string> {
  const dn = ldapPersonDn(person.uid);
  const { uid, ...rest } = person;
  const attributes = [
    new Attribute({ type: 'objectClass', values: ['inetOrgPerson'] }),
    new Attribute({ type: 'uid', values: [uid] }),
    new Attribute({
      type: 'cn',
      values: [person.cn ?? `${person.givenName ?? ''} ${person.sn}`.trim()],
    }),
  ];
  for (const [type, value] of Object.entries(rest))
    if (type !== 'cn' && typeof value === 'string' && value !== '')
      attributes.push(new Attribute({ type, values: [value] }));
  await ldap.asRoot((client) => client.add(dn, attributes));
  return dn;
}

/** Replaces (or, with null, removes) attributes of an entry. */
export async function modifyLdapEntry(
  ldap: OpenLdap,
  dn: string,
  attributes: Record<string, string | null>,
): Promise<void> {
  const changes = Object.entries(attributes).map(
    ([type, value]) =>
      new Change({
        operation: value === null ? 'delete' : 'replace',
        modification: new Attribute({ type, values: value === null ? [] : [value] }),
      }),
  );
  await ldap.asRoot((client) => client.modify(dn, changes));
}

/** Adds a groupOfNames with member DNs (the memberof overlay sets memberOf on them). */
export async function addLdapGroup(ldap: OpenLdap, cn: string, members: string[]): Promise<string> {
  const dn = `cn=${cn},${ldap.groupsDn}`;
  await ldap.asRoot((client) =>
    client.add(dn, [
      new Attribute({ type: 'objectClass', values: ['groupOfNames'] }),
      new Attribute({ type: 'cn', values: [cn] }),
      new Attribute({ type: 'member', values: members }),
    ]),
  );
  return dn;
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no output)';
  }
}

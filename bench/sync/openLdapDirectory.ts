import { once } from 'node:events';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { directorySourceSchema } from '../../server/shared/config/directorySources.ts';
import {
  buildOpenLdapTemplate,
  OPENLDAP_BASE_DN,
  personLdif,
  startOpenLdap,
} from '../../test/support/openldap.ts';
import { benchPerson } from './people.ts';
import type { BenchDirectory } from './sambaDirectory.ts';

/** Where the 100k template lives (built once with slapadd, reused by every run). */
export const OPENLDAP_100K_DIR = fileURLToPath(new URL('../.data/openldap-100k', import.meta.url));
/** Environment variable the benchmark source reads its bind password from. */
export const BENCH_LDAP_PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_FRISBEE_BENCH_LDAP_PASSWORD';

/** Synthetic person n as an LDIF block (disabled ones carry pwdAccountLockedTime). */
function benchBlock(n: number): string {
  const person = benchPerson(n);
  const block = personLdif({
    uid: person.login,
    givenName: person.givenName,
    sn: person.familyName,
    displayName: person.displayName,
    mail: person.email,
    telephoneNumber: person.phone,
    title: person.title,
    departmentNumber: person.department,
    employeeNumber: person.employeeId,
  });
  return person.disabled || person.expired
    ? `${block}pwdAccountLockedTime: 000001010000Z\n`
    : block;
}

/** `count` synthetic people as LDIF. */
export function benchLdif(count: number): string {
  return Array.from({ length: count }, (_, n) => benchBlock(n)).join('\n');
}

/**
 * `count` synthetic people written to `out` a block at a time, waiting for `drain`: a million
 * people are ~600 MB of LDIF, more than one string may hold, and never all in memory.
 */
export async function streamBenchLdif(out: Writable, count: number): Promise<void> {
  for (let n = 0; n < count; n += 1) if (!out.write(`${benchBlock(n)}\n`)) await once(out, 'drain');
}

/**
 * Where the template of `people` lives: `BENCH_LDAP_CACHE` (a folder outside the repository,
 * e.g. /work/.cache, kept across clones and worktrees) or bench/.data; 100,000 keeps its old
 * name.
 */
export function templateFolder(people: number): string {
  const root = process.env.BENCH_LDAP_CACHE;
  if (root) return join(root, `openldap-${people}`);
  return people === 100_000 ? OPENLDAP_100K_DIR : `${OPENLDAP_100K_DIR}-${people}`;
}

/**
 * The 100,000-person OpenLDAP directory: an LDIF slapadd-ed once into bench/.data/openldap-100k,
 * then each call starts slapd on a copy of it.
 */
export async function buildOpenLdap100k(
  options: { folder?: string; people?: number } = {},
): Promise<BenchDirectory> {
  const people = options.people ?? 100_000;
  const folder = options.folder ?? templateFolder(people);
  const started = performance.now();
  // Streamed above 100,000: the joined LDIF of a million people does not fit in one string.
  await buildOpenLdapTemplate(
    folder,
    people > 100_000 ? { stream: (out) => streamBenchLdif(out, people) } : () => benchLdif(people),
  );
  const built = (performance.now() - started) / 1000;
  if (built > 1) console.error(`openldap: template of ${people} ready in ${built.toFixed(1)} s`);
  const ldap = await startOpenLdap({ template: folder });
  process.env[BENCH_LDAP_PASSWORD_ENV] = ldap.rootPassword;
  const source = directorySourceSchema.parse({
    id: 'bench-ldap',
    kind: 'ldap',
    url: ldap.url,
    allowPlain: true,
    bindDn: ldap.rootDn,
    bindPasswordEnv: BENCH_LDAP_PASSWORD_ENV,
    baseDn: OPENLDAP_BASE_DN,
    lockAttribute: 'pwdAccountLockedTime',
    timeoutMs: 30_000,
  });
  return {
    source,
    url: ldap.url,
    baseDn: ldap.baseDn,
    bindDn: ldap.rootDn,
    bindPassword: ldap.rootPassword,
    people,
    stop: () => ldap.close(),
  };
}

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

/** `count` synthetic people as LDIF (disabled ones carry pwdAccountLockedTime). */
export function benchLdif(count: number): string {
  const blocks: string[] = [];
  for (let n = 0; n < count; n += 1) {
    const person = benchPerson(n);
    let block = personLdif({
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
    if (person.disabled || person.expired) block += 'pwdAccountLockedTime: 000001010000Z\n';
    blocks.push(block);
  }
  return blocks.join('\n');
}

/**
 * The 100,000-person OpenLDAP directory: an LDIF slapadd-ed once into bench/.data/openldap-100k,
 * then each call starts slapd on a copy of it.
 */
export async function buildOpenLdap100k(
  options: { folder?: string; people?: number } = {},
): Promise<BenchDirectory> {
  const people = options.people ?? 100_000;
  const folder = options.folder ?? OPENLDAP_100K_DIR;
  const started = performance.now();
  await buildOpenLdapTemplate(folder, () => benchLdif(people));
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

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type DirectorySource,
  directorySourceSchema,
} from '../../server/shared/config/directorySources.ts';
import { buildSambaTemplate, type SambaDc, startSambaDc } from '../../test/support/samba.ts';
import {
  addGroupWithMembers,
  addOu,
  addPeopleOffline,
  type BulkPerson,
  escapeDnValue,
} from '../../test/support/sambaPeople.ts';
import { benchPerson, DEPARTMENTS, departmentName } from './people.ts';

/** Where the 10k template lives (built once, reused by every run). */
export const SAMBA_10K_DIR = fileURLToPath(new URL('../.data/samba-10k', import.meta.url));
/** Environment variable the benchmark source reads its bind password from. */
export const BENCH_AD_PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_FRISBEE_BENCH_AD_PASSWORD';

/** A running copy of a benchmark directory. */
export interface BenchDirectory {
  /** A validated source for it (plain ldap:// on loopback; password in process.env). */
  source: DirectorySource;
  url: string;
  baseDn: string;
  bindDn: string;
  bindPassword: string;
  people: number;
  /** Stops the server and removes the copy. */
  stop(): Promise<void>;
}

/** Person n as a bulk AD entry, in OU=Staff. */
function adPerson(n: number, staffDn: string): BulkPerson {
  const person = benchPerson(n);
  return {
    name: person.login,
    cn: `${person.displayName} ${n}`,
    parent: staffDn,
    givenName: person.givenName,
    sn: person.familyName,
    middleName: person.middleName,
    displayName: person.displayName,
    mail: person.email,
    telephoneNumber: person.phone,
    title: person.title,
    department: person.department,
    employeeID: person.employeeId,
    userPrincipalName: `${person.login}@corp.example.test`,
    disabled: person.disabled,
    expiresAt: person.expired ? new Date('2024-01-01T00:00:00Z') : null,
  };
}

/**
 * Fills a DC with `count` people (ldbadd on the stopped DC) and one group per department (LDAP),
 * logging how long each part took.
 */
export async function populateSamba(dc: SambaDc, count: number): Promise<void> {
  const staffDn = await addOu(dc, 'Staff');
  const groupsDn = await addOu(dc, 'Groups');
  const people = Array.from({ length: count }, (_, n) => adPerson(n, staffDn));
  let started = performance.now();
  await addPeopleOffline(dc, people);
  const addSeconds = (performance.now() - started) / 1000;
  console.error(
    `samba: ${count} people added in ${addSeconds.toFixed(1)} s (${(count / addSeconds).toFixed(0)}/s, ldbadd)`,
  );
  started = performance.now();
  for (let d = 0; d < DEPARTMENTS; d += 1) {
    const members = people
      .filter((_, n) => n % DEPARTMENTS === d)
      .map((person) => `CN=${escapeDnValue(person.cn ?? person.name)},${staffDn}`);
    await addGroupWithMembers(dc, `grp-${departmentName(d)}`, members, groupsDn);
  }
  console.error(
    `samba: ${DEPARTMENTS} groups filled in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

/**
 * The 10,000-person Samba AD directory: built once into bench/.data/samba-10k (a few minutes),
 * then each call starts a copy of it on its own loopback address (~2 s).
 */
export async function buildSambaDirectory10k(
  options: { folder?: string; people?: number } = {},
): Promise<BenchDirectory & { dc: SambaDc }> {
  const people = options.people ?? 10_000;
  const folder = options.folder ?? SAMBA_10K_DIR;
  await buildSambaTemplate(folder, (dc) => populateSamba(dc, people));
  const dc = await startSambaDc({ template: folder });
  process.env[BENCH_AD_PASSWORD_ENV] = dc.adminPassword;
  const source = directorySourceSchema.parse({
    id: 'bench-ad',
    kind: 'active-directory',
    url: dc.url,
    allowPlain: true,
    bindDn: dc.adminDn,
    bindPasswordEnv: BENCH_AD_PASSWORD_ENV,
    baseDn: dc.baseDn,
    timeoutMs: 30_000,
  });
  return {
    source,
    dc,
    url: dc.url,
    baseDn: dc.baseDn,
    bindDn: dc.adminDn,
    bindPassword: dc.adminPassword,
    people,
    stop: () => dc.close(),
  };
}

/** Where a folder named `name` under bench/.data is. */
export function benchDataDir(name: string): string {
  return join(fileURLToPath(new URL('../.data', import.meta.url)), name);
}

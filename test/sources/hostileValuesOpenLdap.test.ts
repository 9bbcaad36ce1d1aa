import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  addLdapPerson,
  type LdapPerson,
  ldapPersonDn,
  modifyLdapEntry,
  type OpenLdap,
  slapdAvailable,
  startOpenLdap,
} from '../support/openldap.ts';
import {
  BINARY_VALUE,
  expectHostileFullRun,
  expectHostileIncrementalRun,
  HOSTILE,
  HOSTILE_PEOPLE,
  type HostilePerson,
  INCREMENTAL_CHANGES,
} from './hostileValuesSupport.ts';
import { addOpenLdapSource } from './support.ts';

/** Issue 13: hostile values in a real OpenLDAP never fail a full or an incremental run. */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_HOSTILE_LDAP';
const SOURCE = 'hostile-ldap';

/** Our fields as inetOrgPerson attributes (OpenLDAP does not enforce the schema's length bounds). */
function ldapAttributes(person: Partial<HostilePerson>): Record<string, string> {
  return {
    ...(person.familyName ? { sn: person.familyName } : {}),
    ...(person.givenName ? { givenName: person.givenName } : {}),
    ...(person.title ? { title: person.title } : {}),
    ...(person.department ? { departmentNumber: person.department } : {}),
    ...(person.employeeId ? { employeeNumber: person.employeeId } : {}),
  };
}

const asLdapPerson = (person: HostilePerson): LdapPerson => ({
  uid: person.login,
  sn: person.familyName,
  ...ldapAttributes(person),
});

describe.skipIf(!slapdAvailable)('hostile values against OpenLDAP', () => {
  let ldap: OpenLdap;
  let context: TestContext;
  let api: ApiClient;

  beforeAll(async () => {
    ldap = await startOpenLdap();
    process.env[PASSWORD_ENV] = ldap.rootPassword;
    for (const person of HOSTILE_PEOPLE) await addLdapPerson(ldap, asLdapPerson(person));
    // jpegPhoto is binary (any bytes): mapped as the middle name, it is decoded as UTF-8.
    await ldap.asRoot((client) =>
      client.modify(
        ldapPersonDn(HOSTILE.binary.login),
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'jpegPhoto', values: [BINARY_VALUE] }),
        }),
      ),
    );
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    await addOpenLdapSource(api, ldap, {
      id: SOURCE,
      name: 'Hostile LDAP',
      passwordEnv: PASSWORD_ENV,
      baseDn: ldap.peopleDn,
      connection: {
        attributes: { middleName: 'jpegPhoto' },
      },
    });
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await ldap?.close();
  });

  it('a full run cuts on grapheme boundaries, reports the cuts and isolates the conflict', async () => {
    await expectHostileFullRun(context.services, api, SOURCE);
  });

  it('an incremental run with new hostile values succeeds too', async () => {
    const change = (login: string, person: Partial<HostilePerson>) =>
      modifyLdapEntry(ldap, ldapPersonDn(login), ldapAttributes(person));
    await change('rocket', INCREMENTAL_CHANGES.rocket);
    await change('plain', INCREMENTAL_CHANGES.plain);
    await change('badnumber', INCREMENTAL_CHANGES.badNumber);
    await addLdapPerson(ldap, asLdapPerson(INCREMENTAL_CHANGES.late));
    await expectHostileIncrementalRun(context.services, api, SOURCE);
  });
});

import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  type PersonAttributes,
  type SambaDc,
  sambaAvailable,
  startSambaDc,
} from '../support/samba.ts';
import { addOu, addPeople, adminLdaps, type BulkPerson } from '../support/sambaPeople.ts';
import { DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';
import {
  BINARY_VALUE,
  expectHostileFullRun,
  expectHostileIncrementalRun,
  HOSTILE,
  HOSTILE_PEOPLE,
  type HostilePerson,
  INCREMENTAL_CHANGES,
} from './hostileValuesSupport.ts';

/** Issue 13: hostile values in a real Samba AD DC never fail a full or an incremental run. */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_HOSTILE_AD';
const SOURCE = 'hostile-ad';

/**
 * Our fields as AD attributes. AD's schema holds `title` to 128 characters (Samba enforces
 * rangeUpper), below our 300: the title is mapped from `carLicense` instead (RFC 2798, in AD's
 * user class, no upper bound), as a source mapping a long free-text attribute would.
 */
function adAttributes(person: Partial<HostilePerson>): PersonAttributes {
  return {
    ...(person.familyName ? { sn: person.familyName } : {}),
    ...(person.givenName ? { givenName: person.givenName } : {}),
    ...(person.title ? ({ carLicense: person.title } as PersonAttributes) : {}),
    ...(person.department ? { department: person.department } : {}),
    ...(person.employeeId ? { employeeID: person.employeeId } : {}),
  };
}

describe.skipIf(!sambaAvailable)('hostile values against Samba AD', () => {
  let dc: SambaDc;
  let context: TestContext;
  let api: ApiClient;
  let staff: string;

  const asBulk = (person: HostilePerson): BulkPerson => ({
    name: person.login,
    parent: staff,
    ...adAttributes(person),
  });

  beforeAll(async () => {
    dc = await startSambaDc();
    process.env[PASSWORD_ENV] = dc.adminPassword;
    staff = await addOu(dc, 'Staff');
    const dns = await addPeople(dc, HOSTILE_PEOPLE.map(asBulk));
    const binary = dns[HOSTILE_PEOPLE.indexOf(HOSTILE.binary)] ?? '';
    const client = await adminLdaps(dc);
    try {
      await client.modify(
        binary,
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'thumbnailPhoto', values: [BINARY_VALUE] }),
        }),
      );
    } finally {
      await client.unbind();
    }
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    const created = await api.request('POST', '/api/v1/directory-sources', {
      body: {
        id: SOURCE,
        name: 'Hostile AD',
        connection: {
          kind: 'active-directory',
          url: dc.url,
          allowPlain: true,
          bindDn: dc.adminDn,
          bindPasswordEnv: PASSWORD_ENV,
          baseDn: staff,
          attributes: { title: 'carLicense', middleName: 'thumbnailPhoto' },
          timeoutMs: DIRECTORY_REQUEST_MS,
        },
      },
    });
    expect(created.status, created.text).toBe(201);
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await dc?.close();
  });

  it('a full run cuts on grapheme boundaries, reports the cuts and isolates the conflict', async () => {
    await expectHostileFullRun(context.services, api, SOURCE);
  });

  it('an incremental run with new hostile values succeeds too', async () => {
    await dc.setAttributes('rocket', adAttributes(INCREMENTAL_CHANGES.rocket));
    await dc.setAttributes('plain', adAttributes(INCREMENTAL_CHANGES.plain));
    await dc.setAttributes('badnumber', adAttributes(INCREMENTAL_CHANGES.badNumber));
    await addPeople(dc, [asBulk(INCREMENTAL_CHANGES.late)]);
    await expectHostileIncrementalRun(context.services, api, SOURCE);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanNote } from '../../server/shared/errorCodes.ts';
import { drainRuns } from '../../server/sources/runs.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  addLdapPerson,
  type LdapPerson,
  ldapPersonDn,
  type OpenLdap,
  slapdAvailable,
  startOpenLdap,
} from '../support/openldap.ts';
import { addOpenLdapSource, sync } from './support.ts';

/**
 * Issue 16: a plan's notes, a refused entry's errors and a blocked item's reason reach the API
 * as registered codes with params (PLAN_NOTE_CODES), which the console translates, beside the
 * English `reason` kept for the audit and older clients. Against a real OpenLDAP.
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_PLAN_NOTES';
const SOURCE = 'notes-ldap';

/** A plan item as this test reads it. */
interface NotedLine {
  label: string | null;
  action: string;
  reason: string | null;
  notes: PlanNote[] | null;
  blocked: string | null;
  blockedNote: PlanNote | null;
}

const PEOPLE: LdapPerson[] = [
  { uid: 'plain', sn: 'Обычная', givenName: 'Анна' },
  // An unparseable phone and an e-mail without a domain: dropped, the person is still created.
  { uid: 'badphone', sn: 'Телефонов', telephoneNumber: '12-34', mail: 'nobody' },
  // A control character in the employee number: the entry is refused (a conflict of its own).
  { uid: 'badnumber', sn: 'Номеров', employeeNumber: 'E-\u00072' },
  // A title over the column's 300 characters: cut, and the cut reported.
  { uid: 'longtitle', sn: 'Длинный', title: 'я'.repeat(310) },
  { uid: 'vera', sn: 'Верина' },
  { uid: 'gleb', sn: 'Глебов' },
];

describe.skipIf(!slapdAvailable)('plan notes as codes against OpenLDAP', () => {
  let ldap: OpenLdap;
  let context: TestContext;
  let api: ApiClient;

  const planOf = async (runId: string) => {
    const response = await api.request<{ data: NotedLine[] }>(
      'GET',
      `/api/v1/sync-runs/${runId}/plan?limit=200`,
    );
    expect(response.status, response.text).toBe(200);
    return new Map(response.body.data.map((line) => [line.label, line]));
  };

  beforeAll(async () => {
    ldap = await startOpenLdap();
    process.env[PASSWORD_ENV] = ldap.rootPassword;
    for (const person of PEOPLE) await addLdapPerson(ldap, person);
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    await addOpenLdapSource(api, ldap, {
      id: SOURCE,
      name: 'Notes LDAP',
      passwordEnv: PASSWORD_ENV,
      baseDn: ldap.peopleDn,
    });
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await ldap?.close();
  });

  it('a broken entry and dropped values are notes with codes and params', async () => {
    const run = await sync(api, SOURCE, 'full');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.counts).toMatchObject({ create: 5, conflict: 1 });
    const plan = await planOf(run.id);

    const refused = plan.get('badnumber');
    expect(refused).toMatchObject({
      action: 'conflict',
      notes: [
        {
          code: 'value_control_character',
          params: { attribute: 'employeeId', value: '"E-\\u00072"' },
        },
      ],
    });
    // The English stays for the audit and older clients.
    expect(refused?.reason).toMatch(/employee number .* control characters/);

    expect(plan.get('badphone')).toMatchObject({
      action: 'create',
      notes: [
        { code: 'invalid_email', params: { value: '"nobody"' } },
        { code: 'invalid_phone', params: { value: '"12-34"' } },
      ],
    });
    expect(plan.get('longtitle')).toMatchObject({
      action: 'create',
      notes: [{ code: 'value_cut', params: { attribute: 'title', from: 310, to: 300 } }],
    });
    // No note: an empty list (not null, which marks an item of an older version).
    expect(plan.get('plain')).toMatchObject({ action: 'create', notes: [], blockedNote: null });
  });

  it('a blocked deactivation says why as a code with the safety rule’s numbers', async () => {
    // 5 managed; 4 deleted leaves 1 entry, fewer than half: nobody is deactivated.
    await ldap.asRoot(async (client) => {
      for (const uid of ['plain', 'badphone', 'vera', 'gleb']) await client.del(ldapPersonDn(uid));
    });
    const run = await sync(api, SOURCE, 'full');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.counts).toMatchObject({ deactivate: 4, blocked: 4 });
    expect(run.safetyCode).toBe('safety_partial_read');
    const plan = await planOf(run.id);
    for (const uid of ['plain', 'badphone', 'vera', 'gleb'])
      expect(plan.get(uid), uid).toMatchObject({
        action: 'deactivate',
        notes: [{ code: 'not_found_in_source', params: {} }],
        blocked: expect.stringMatching(/fewer than 50%/),
        blockedNote: {
          code: 'blocked_partial_read',
          params: { read: 2, share: 50, managed: 5 },
        },
      });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import type { RunView, SourceChangeView } from '../../server/sources/schemas.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  ldapPersonDn,
  modifyLdapEntry,
  type OpenLdap,
  personLdif,
  slapdAvailable,
  startOpenLdap,
} from '../support/openldap.ts';
import { DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';
import { type Problem, startMessenger } from './messengerFlow.ts';

/**
 * Issue 13 scope 3: a person's directory password is checked against the source that owns them,
 * whatever way the source was defined. Two sources defined through the API on a real OpenLDAP, no
 * directory source in the configuration at all (the old lookup answered 503 for both): one with
 * a stored bind password, one with a DIRECTORY_BIND_PASSWORD_* variable.
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_LOGIN_API_SOURCE';
const IVANOV_PASSWORD = 'Пароль-Ivanov-2026!';
const PETROV_PASSWORD = 'Petrov-Passw0rd-2026';

describe.skipIf(!slapdAvailable)('LDAP login for people of API-defined sources', () => {
  let ldap: OpenLdap;
  let context: TestContext;
  let superadmin: ApiClient;

  /** A source of the test directory owning the people whose employeeNumber is `employee`. */
  const connection = (employee: string) => ({
    kind: 'ldap',
    url: ldap.url,
    allowPlain: true,
    bindDn: ldap.rootDn,
    baseDn: ldap.baseDn,
    userFilter: `(&(objectClass=inetOrgPerson)(employeeNumber=${employee}))`,
    timeoutMs: DIRECTORY_REQUEST_MS,
  });

  async function define(id: string, body: Record<string, unknown>): Promise<void> {
    const response = await superadmin.request<SourceChangeView>(
      'POST',
      '/api/v1/directory-sources',
      { body: { id, name: id, correlateBy: 'username', ...body } },
    );
    expect(response.status, response.text).toBe(201);
    const run = await superadmin.request<RunView>(
      'POST',
      `/api/v1/directory-sources/${id}/sync?wait=true`,
      { body: { mode: 'full' } },
    );
    expect(run.body, run.text).toMatchObject({ status: 'succeeded', counts: { create: 1 } });
  }

  beforeAll(async () => {
    ldap = await startOpenLdap({
      ldif: [
        personLdif({ uid: 'ivanov', givenName: 'Иван', sn: 'Иванов', employeeNumber: 'E-1' }),
        personLdif({ uid: 'petrov', givenName: 'Пётр', sn: 'Петров', employeeNumber: 'E-2' }),
      ].join('\n'),
    });
    try {
      await modifyLdapEntry(ldap, ldapPersonDn('ivanov'), { userPassword: IVANOV_PASSWORD });
      await modifyLdapEntry(ldap, ldapPersonDn('petrov'), { userPassword: PETROV_PASSWORD });
      process.env[PASSWORD_ENV] = ldap.rootPassword;
      context = await startTestContext({ jobs: { enabled: false } });
      ({ api: superadmin } = await signedIn(context, 'superadmin'));
      await define('ldap-stored', {
        connection: connection('E-1'),
        bindPassword: ldap.rootPassword,
      });
      await define('ldap-env', {
        connection: { ...connection('E-2'), bindPasswordEnv: PASSWORD_ENV },
      });
    } catch (error) {
      await ldap.close();
      throw error;
    }
  });

  afterAll(async () => {
    try {
      if (context) {
        await drainRuns(context.services);
        await context.close();
      }
    } finally {
      delete process.env[PASSWORD_ENV];
      await ldap?.close();
    }
  });

  it('the synced people belong to their sources', async () => {
    const { rows } = await context.services.pool.query(
      "select username, source_id, login_method from app_user where username in ('ivanov', 'petrov') order by username",
    );
    expect(rows).toEqual([
      { username: 'ivanov', source_id: 'ldap-stored', login_method: 'ldap' },
      { username: 'petrov', source_id: 'ldap-env', login_method: 'ldap' },
    ]);
  });

  it('a person of a source with a stored bind password logs in with their directory password', async () => {
    const ok = await startMessenger(context, 'ivanov', IVANOV_PASSWORD);
    expect(ok.status, ok.text).toBe(200);
    const wrong = await startMessenger(context, 'ivanov', 'Пароль-Ivanov-2025!');
    expect(wrong.status).toBe(401);
    expect((wrong.body as unknown as Problem).code).toBe('invalid_credentials');
  });

  it('a person of a source with a prefixed variable logs in with their directory password', async () => {
    const ok = await startMessenger(context, 'petrov', PETROV_PASSWORD);
    expect(ok.status, ok.text).toBe(200);
    // Each is checked against their own source: the other's password does not open it.
    const crossed = await startMessenger(context, 'petrov', IVANOV_PASSWORD);
    expect(crossed.status).toBe(401);
  });

  it('once a new bind DN cleared the stored password, logins wait until it is typed again', async () => {
    const moved = await superadmin.request<SourceChangeView>(
      'PATCH',
      '/api/v1/directory-sources/ldap-stored',
      { body: { connection: { bindDn: `cn=nobody,${ldap.baseDn}` } } },
    );
    expect(moved.body.bindPasswordChange).toBe('cleared_connection_changed');
    const back = await superadmin.request<SourceChangeView>(
      'PATCH',
      '/api/v1/directory-sources/ldap-stored',
      { body: { connection: { bindDn: ldap.rootDn } } },
    );
    expect(back.body.bindPasswordSet).toBe(false);
    const unavailable = await startMessenger(context, 'ivanov', IVANOV_PASSWORD);
    expect(unavailable.status).toBe(503);
    expect((unavailable.body as unknown as Problem).code).toBe('directory_unavailable');

    const typed = await superadmin.request<SourceChangeView>(
      'PATCH',
      '/api/v1/directory-sources/ldap-stored',
      { body: { bindPassword: ldap.rootPassword } },
    );
    expect(typed.body.bindPasswordChange).toBe('set');
    const ok = await startMessenger(context, 'ivanov', IVANOV_PASSWORD);
    expect(ok.status, ok.text).toBe(200);
  });
});

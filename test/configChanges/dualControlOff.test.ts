import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConfigChangeView } from '../../server/commands/configChanges/schemas.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

/*
 * `dualControl.enabled: false` (a file setting): with two superadmins a change still applies at
 * once, and its audit event and history say that dual control was off.
 */

let context: TestContext;

beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false }, dualControl: { enabled: false } });
});

afterAll(async () => {
  await context.close();
});

it('applies at once with dual control off, and says so', async () => {
  const { api } = await signedIn(context, 'superadmin');
  await signedIn(context, 'superadmin');
  const created = await api.request('POST', '/api/v1/directory-sources', {
    body: {
      id: 'off1',
      name: 'Без двойного контроля',
      connection: {
        kind: 'ldap',
        url: 'ldaps://ldap.off.example.test',
        bindDn: 'cn=svc,dc=off',
        bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_OFF',
        baseDn: 'dc=off',
      },
    },
  });
  expect(created.status, created.text).toBe(201);
  const { rows } = await context.services.pool.query(
    "select details from audit_event where action = 'directory_source.created' and target_id = 'off1'",
  );
  expect(rows[0]?.details).toMatchObject({ dualControl: 'off' });
  const history = await api.request<{ data: ConfigChangeView[] }>(
    'GET',
    '/api/v1/config-changes?targetId=off1',
  );
  expect(history.body.data).toMatchObject([{ status: 'applied', singleSuperadmin: false }]);
});

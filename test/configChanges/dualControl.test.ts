import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireConfigChanges } from '../../server/commands/configChanges/expireConfigChanges.ts';
import type { ConfigChangeView } from '../../server/commands/configChanges/schemas.ts';
import type { User } from '../../server/directory/entities.ts';
import { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

/*
 * Dual control of sensitive configuration (issue 18, scope 3), on directory sources defined
 * through the API: with one active superadmin a change applies at once; with two, it waits for
 * the other one's approval, which applies it through the source's own command code.
 */

let context: TestContext;
let first: { user: User; api: ApiClient };
let second: { user: User; api: ApiClient };
const SOURCE = 'dual1';

const connection = {
  kind: 'ldap',
  url: 'ldaps://ldap.dual.example.test',
  bindDn: 'cn=svc,dc=dual',
  baseDn: 'dc=dual',
};

interface SourceBody {
  name: string;
  enabled: boolean;
  bindPasswordChangedAt: string | null;
}

async function auditRows(action: string, targetId?: string) {
  const { rows } = await context.services.pool.query<{
    actor_id: string | null;
    outcome: string;
    details: Record<string, unknown> | null;
    diff: Record<string, unknown> | null;
    reason: string | null;
    content: string;
  }>(
    `select actor_id, outcome, details, diff, reason, row_to_json(e)::text as content
     from audit_event e where action = $1 and ($2::text is null or target_id = $2) order by seq`,
    [action, targetId ?? null],
  );
  return rows;
}

async function sourceNamed(id = SOURCE) {
  return first.api.request<SourceBody>('GET', `/api/v1/directory-sources/${id}`);
}

/** Asks (as the first superadmin) for a change of the source; expects it to wait. */
async function requestChange(body: Record<string, unknown>): Promise<ConfigChangeView> {
  const response = await first.api.request<ConfigChangeView>(
    'PATCH',
    `/api/v1/directory-sources/${SOURCE}`,
    { body },
  );
  expect(response.status, response.text).toBe(202);
  expect(response.body.status).toBe('pending');
  return response.body;
}

beforeAll(async () => {
  // Sessions outlive the expiry test's clock jump (73 h), so the same people act after it.
  context = await startTestContext({
    jobs: { enabled: false },
    session: { idleTimeoutMinutes: 10_000, absoluteTimeoutHours: 500, secureCookies: 'auto' },
  });
  first = await signedIn(context, 'superadmin');
});

afterAll(async () => {
  await context.close();
});

describe('with a single active superadmin', () => {
  it('applies a change at once, audited and recorded as such', async () => {
    const created = await first.api.request('POST', '/api/v1/directory-sources', {
      body: {
        id: SOURCE,
        name: 'Каталог Екатеринбург',
        connection: { ...connection, bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_DUAL' },
      },
    });
    expect(created.status, created.text).toBe(201);
    const [event] = await auditRows('directory_source.created', SOURCE);
    expect(event?.details).toMatchObject({ dualControl: 'single superadmin' });
    const history = await first.api.request<{ data: ConfigChangeView[] }>(
      'GET',
      `/api/v1/config-changes?setting=directory_source&targetId=${SOURCE}`,
    );
    expect(history.body.data).toMatchObject([
      {
        status: 'applied',
        operation: 'create',
        singleSuperadmin: true,
        requestedById: first.user.id,
      },
    ]);
    expect(history.body.data[0]?.id).toBe(event?.details?.configChangeId);
  });
});

describe('with two active superadmins', () => {
  beforeAll(async () => {
    second = await signedIn(context, 'superadmin');
  });

  it('keeps a change pending until the other superadmin approves it', async () => {
    const request = await requestChange({ name: 'Каталог Екатеринбург (новый)' });
    expect(request.diff).toMatchObject({
      before: { name: 'Каталог Екатеринбург' },
      after: { name: 'Каталог Екатеринбург (новый)' },
    });
    expect((await sourceNamed()).body.name).toBe('Каталог Екатеринбург');
    const [requested] = await auditRows('config_change.requested', request.id);
    expect(requested).toMatchObject({ actor_id: first.user.id, outcome: 'success' });

    const approved = await second.api.request<ConfigChangeView>(
      'POST',
      `/api/v1/config-changes/${request.id}/approve`,
    );
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({ status: 'applied', decidedById: second.user.id });
    expect((await sourceNamed()).body.name).toBe('Каталог Екатеринбург (новый)');
    const [approval] = await auditRows('config_change.approved', request.id);
    expect(approval).toMatchObject({ actor_id: second.user.id, outcome: 'success' });
    const updates = await auditRows('directory_source.updated', SOURCE);
    expect(updates.at(-1)).toMatchObject({
      actor_id: second.user.id,
      details: {
        configChangeId: request.id,
        dualControl: 'approved',
        requestedBy: first.user.username,
      },
    });
  });

  it('refuses the requester approving their own change (403, audited as denied)', async () => {
    const request = await requestChange({ enabled: false });
    const self = await first.api.request<{ code: string }>(
      'POST',
      `/api/v1/config-changes/${request.id}/approve`,
    );
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('second_approver_required');
    expect(await auditRows('config_change.approved', request.id)).toMatchObject([
      { actor_id: first.user.id, outcome: 'denied' },
    ]);
    expect((await sourceNamed()).body.enabled).toBe(true);
    // Withdrawn by its requester, so the next tests start from the same source.
    const withdrawn = await first.api.request<ConfigChangeView>(
      'POST',
      `/api/v1/config-changes/${request.id}/reject`,
      { body: { reason: 'Передумал' } },
    );
    expect(withdrawn.body.status).toBe('rejected');
    expect((await auditRows('config_change.rejected', request.id))[0]?.details).toMatchObject({
      withdrawn: true,
    });
  });

  it('rejects with a reason: nothing applied, no later approval', async () => {
    const request = await requestChange({ name: 'Отклонённое имя' });
    const noReason = await second.api.request<{ code: string }>(
      'POST',
      `/api/v1/config-changes/${request.id}/reject`,
      { body: { reason: '  ' } },
    );
    expect(noReason.status).toBe(400);
    expect(noReason.body.code).toBe('validation_failed');
    const rejected = await second.api.request<ConfigChangeView>(
      'POST',
      `/api/v1/config-changes/${request.id}/reject`,
      { body: { reason: 'Не согласовано с ИБ' } },
    );
    expect(rejected.status, rejected.text).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'Не согласовано с ИБ' });
    expect(await auditRows('config_change.rejected', request.id)).toMatchObject([
      { actor_id: second.user.id, reason: 'Не согласовано с ИБ' },
    ]);
    const late = await second.api.request<{ code: string }>(
      'POST',
      `/api/v1/config-changes/${request.id}/approve`,
    );
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('config_change_decided');
    expect((await sourceNamed()).body.name).toBe('Каталог Екатеринбург (новый)');
  });

  it('refuses a request made stale by another change, and closes it', async () => {
    const rename = await requestChange({ name: 'Первое' });
    const disable = await requestChange({ enabled: false });
    expect(
      (await second.api.request('POST', `/api/v1/config-changes/${rename.id}/approve`)).status,
    ).toBe(200);
    const stale = await second.api.request<{ code: string }>(
      'POST',
      `/api/v1/config-changes/${disable.id}/approve`,
    );
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('config_change_stale');
    expect((await sourceNamed()).body.enabled).toBe(true);
    const closed = await first.api.request<ConfigChangeView>(
      'GET',
      `/api/v1/config-changes/${disable.id}`,
    );
    expect(closed.body.status).toBe('superseded');
    expect(await auditRows('config_change.superseded', disable.id)).toHaveLength(1);
  });

  it('lets requests expire: refused at approval, and closed by the sweep', async () => {
    const lapsed = await requestChange({ name: 'Истёкшее' });
    const swept = await requestChange({ name: 'Тоже истёкшее' });
    const later = new Date(Date.now() + 73 * 3_600_000);
    context.setNow(later);
    try {
      const pending = await second.api.request<{ data: ConfigChangeView[] }>(
        'GET',
        '/api/v1/config-changes?status=pending',
      );
      expect(pending.body.data.map((change) => change.id)).not.toContain(lapsed.id);
      const refused = await second.api.request<{ code: string }>(
        'POST',
        `/api/v1/config-changes/${lapsed.id}/approve`,
      );
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('config_change_expired');
      expect(await auditRows('config_change.expired', lapsed.id)).toHaveLength(1);
      expect(await expireConfigChanges(context.services)).toEqual([swept.id]);
      expect(await auditRows('config_change.expired', swept.id)).toMatchObject([
        { actor_id: null, outcome: 'success' },
      ]);
      expect(await expireConfigChanges(context.services)).toEqual([]);
    } finally {
      context.setNow(undefined);
    }
    expect((await sourceNamed()).body.name).toBe('Первое');
  });

  it('creates a source only on approval, its bind password sealed while it waits', async () => {
    const secret = 'Пароль-ни-за-что-не-в-логе-42';
    const asked = await first.api.request<ConfigChangeView>('POST', '/api/v1/directory-sources', {
      body: { id: 'dual2', name: 'Каталог Казань', connection, bindPassword: secret },
    });
    expect(asked.status, asked.text).toBe(202);
    expect(asked.body).toMatchObject({ operation: 'create', status: 'pending' });
    expect((await sourceNamed('dual2')).status).toBe(404);
    const { rows } = await context.services.pool.query(
      'select row_to_json(c)::text as content from config_change c where id = $1',
      [asked.body.id],
    );
    expect(rows[0]?.content).not.toContain(secret);
    const approved = await second.api.request(
      'POST',
      `/api/v1/config-changes/${asked.body.id}/approve`,
    );
    expect(approved.status, approved.text).toBe(200);
    const made = await sourceNamed('dual2');
    expect(made.status).toBe(200);
    expect(made.body.bindPasswordChangedAt).not.toBeNull();
    const { rows: leaks } = await context.services.pool.query(
      'select count(*)::int as n from audit_event e where row_to_json(e)::text like $1',
      [`%${secret}%`],
    );
    expect(leaks).toEqual([{ n: 0 }]);
  });

  it('validates a change when it is asked for: a bad one is refused, not queued', async () => {
    const bad = await first.api.request<{ code: string }>(
      'PATCH',
      `/api/v1/directory-sources/${SOURCE}`,
      { body: { connection: { url: 'ldap://plain.example.test' } } },
    );
    expect(bad.status).toBe(400);
    const missing = await first.api.request('PATCH', '/api/v1/directory-sources/nosuch', {
      body: { name: 'x' },
    });
    expect(missing.status).toBe(404);
  });
});

describe('who may see and decide', () => {
  let pendingId: string;
  beforeAll(async () => {
    pendingId = (await requestChange({ name: 'Для проверки прав' })).id;
  });

  it('401 without a session', async () => {
    const api = new ApiClient(context.baseUrl);
    expect((await api.request('GET', '/api/v1/config-changes')).status).toBe(401);
    expect((await api.request('POST', `/api/v1/config-changes/${pendingId}/approve`)).status).toBe(
      401,
    );
  });

  it.each(['admin', 'staff'] as const)(
    '%s may neither read nor decide (audited as denied)',
    async (role) => {
      const { user, api } = await signedIn(context, role);
      expect((await api.request('GET', '/api/v1/config-changes')).status).toBe(403);
      expect(
        (await api.request('POST', `/api/v1/config-changes/${pendingId}/approve`)).status,
      ).toBe(403);
      const patch = await api.request('PATCH', `/api/v1/directory-sources/${SOURCE}`, {
        body: { name: 'x' },
      });
      expect(patch.status).toBe(403);
      const { rows } = await context.services.pool.query(
        `select action from audit_event where actor_id = $1 and outcome = 'denied' order by seq`,
        [user.id],
      );
      expect(rows.map((row) => row.action)).toEqual([
        'config_change.listed',
        'config_change.approved',
        'directory_source.updated',
      ]);
    },
  );

  it('an auditor reads the history but cannot decide', async () => {
    const { user, api } = await signedIn(context, 'auditor');
    const list = await api.request<{ data: ConfigChangeView[]; total: number }>(
      'GET',
      '/api/v1/config-changes?setting=directory_source',
    );
    expect(list.status).toBe(200);
    expect(list.body.data.map((change) => change.id)).toContain(pendingId);
    expect((await api.request('GET', `/api/v1/config-changes/${pendingId}`)).status).toBe(200);
    const reject = await api.request('POST', `/api/v1/config-changes/${pendingId}/reject`, {
      body: { reason: 'нет' },
    });
    expect(reject.status).toBe(403);
    expect(
      (await auditRows('config_change.rejected', pendingId)).filter(
        (row) => row.actor_id === user.id,
      ),
    ).toMatchObject([{ outcome: 'denied' }]);
  });
});

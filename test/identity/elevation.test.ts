import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tidyElevation } from '../../server/identity/elevation/expiryJob.ts';
import type { ElevationRequestView } from '../../server/identity/elevation/schemas.ts';
import { createPerson, signedIn, signIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

/**
 * Time-bound elevation (issue 18, scope 2): requests approved by a second superadmin (four eyes),
 * bounded durations, lapse by the clock, and rights that end with the clock whether or not the
 * expiry job has run. The job does not run in this file's app (the harness starts no pg-boss):
 * it is called by hand where its tidy-up is under test.
 */
type Client = Awaited<ReturnType<typeof signedIn>>;
type Problem = { code: string; errors?: { path: string; code?: string }[] };

let context: TestContext;
let superadmin: Client;
let secondSuperadmin: Client;
let auditor: Client;
let organization: string;

interface AuditRow {
  action: string;
  outcome: string;
  actor_id: string | null;
  target_id: string | null;
  details: Record<string, unknown>;
}

async function auditOf(action: string, targetId: string): Promise<AuditRow[]> {
  const { rows } = await context.services.pool.query<AuditRow>(
    'select action, outcome, actor_id, target_id, details from audit_event where action = $1 and target_id = $2 order by seq',
    [action, targetId],
  );
  return rows;
}

beforeAll(async () => {
  // Requests lapse after 10 minutes here, well inside a back-office session's idle timeout.
  context = await startTestContext({ elevation: { requestLapseMinutes: 10 } });
  superadmin = await signedIn(context, 'superadmin');
  secondSuperadmin = await signedIn(context, 'superadmin');
  auditor = await signedIn(context, 'auditor');
  organization = randomUUID();
  await context.services.pool.query(
    `insert into organization (id, name, kind, parent_id, created_at, updated_at, version)
     values ($1, 'Уральский филиал', 'department', null, now(), now(), 1)`,
    [organization],
  );
});
afterAll(async () => {
  context?.setNow(undefined);
  await context?.close();
});

const ask = (client: Client, body: Record<string, unknown>) =>
  client.api.post<ElevationRequestView & Problem>('/api/v1/elevation-requests', {
    role: 'admin',
    durationMinutes: 60,
    reason: 'Разбор обращения в поддержку',
    ...body,
  });

describe('an elevation request', () => {
  it('is approved by a second superadmin only: four eyes, audited', async () => {
    const staff = await signedIn(context, 'staff');
    const admin = await signedIn(context, 'admin');
    const asked = await ask(staff, { scope: [organization] });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body.status).toBe('pending');
    expect(asked.body.scope.map((o) => o.name)).toEqual(['Уральский филиал']);
    expect(await auditOf('elevation.requested', staff.user.id)).toHaveLength(1);
    const approve = (client: Client) =>
      client.api.post<ElevationRequestView & Problem>(
        `/api/v1/elevation-requests/${asked.body.id}/approve`,
        { reason: 'Согласовано' },
      );

    // Neither the requester nor an admin decides.
    expect((await approve(staff)).status).toBe(403);
    const byAdmin = await approve(admin);
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.body.code).toBe('forbidden');

    const before = Date.now();
    const approved = await approve(superadmin);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect(approved.body.decidedBy?.id).toBe(superadmin.user.id);
    const until = Date.parse(approved.body.grantExpiresAt ?? '');
    expect(until).toBeGreaterThanOrEqual(before + 60 * 60_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 60 * 60_000);

    // The grant is the grants' own, approved by the second person.
    const grants = await superadmin.api.get<{
      data: { id: string; role: string; approvedById: string | null; inForce: boolean }[];
    }>(`/api/v1/users/${staff.user.id}/grants`);
    expect(grants.body.data).toEqual([
      expect.objectContaining({
        id: approved.body.grantId,
        role: 'admin',
        approvedById: superadmin.user.id,
        inForce: true,
      }),
    ]);
    expect(await auditOf('user.role_granted', staff.user.id)).toHaveLength(1);
    const [event] = await auditOf('elevation.approved', staff.user.id);
    expect(event?.outcome).toBe('success');
    expect(event?.details.grantId).toBe(approved.body.grantId);

    // The requester now acts as an admin of the subtree, and sees until when.
    const mine = await staff.api.get<{ data: { role: string; expiresAt: string }[] }>(
      '/api/v1/me/elevation',
    );
    expect(mine.body.data).toEqual([
      expect.objectContaining({ role: 'admin', expiresAt: approved.body.grantExpiresAt }),
    ]);

    const again = await approve(secondSuperadmin);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('elevation_decided');
  });

  it('is never approved by the superadmin who asked: 403 second_approver_required, audited as denied', async () => {
    const asked = await ask(superadmin, { role: 'auditor' });
    expect(asked.status).toBe(201);
    const self = await superadmin.api.post<Problem>(
      `/api/v1/elevation-requests/${asked.body.id}/approve`,
      {},
    );
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('second_approver_required');
    const denied = await auditOf('elevation.approved', superadmin.user.id);
    expect(denied.map((row) => [row.outcome, row.details.errorCode])).toEqual([
      ['denied', 'second_approver_required'],
    ]);
    const rejectSelf = await superadmin.api.post<Problem>(
      `/api/v1/elevation-requests/${asked.body.id}/reject`,
      { reason: 'Передумал' },
    );
    expect(rejectSelf.body.code).toBe('second_approver_required');
    const other = await secondSuperadmin.api.post<ElevationRequestView>(
      `/api/v1/elevation-requests/${asked.body.id}/approve`,
      {},
    );
    expect(other.status).toBe(200);
  });

  it('is rejected with a reason, and the reason is required', async () => {
    const staff = await signedIn(context, 'staff');
    const asked = await ask(staff, {});
    const path = `/api/v1/elevation-requests/${asked.body.id}/reject`;
    const bare = await superadmin.api.post<Problem>(path, {});
    expect(bare.status).toBe(400);
    expect(bare.body.errors?.[0]?.path).toBe('reason');
    const rejected = await superadmin.api.post<ElevationRequestView>(path, {
      reason: 'Нет оснований',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('rejected');
    expect(rejected.body.decisionReason).toBe('Нет оснований');
    expect(await auditOf('elevation.rejected', staff.user.id)).toHaveLength(1);
    const grants = await superadmin.api.get<{ data: unknown[] }>(
      `/api/v1/users/${staff.user.id}/grants`,
    );
    expect(grants.body.data).toEqual([]);
  });

  it('refuses a bad body with problem+json pointing at the field', async () => {
    const staff = await signedIn(context, 'staff');
    const cases: [Record<string, unknown>, string, string | undefined][] = [
      // Over the configured maximum (8 hours by default).
      [{ durationMinutes: 481 }, 'durationMinutes', 'too_big'],
      [{ durationMinutes: 2 }, 'durationMinutes', undefined],
      [{ durationMinutes: 'долго' }, 'durationMinutes', undefined],
      [{ role: 'superadmin' }, 'role', undefined],
      [{ role: 'auditor', scope: [organization] }, 'scope', 'invalid'],
      [{ scope: [randomUUID()] }, 'scope', 'unknown_organization'],
      [{ reason: '   ' }, 'reason', undefined],
    ];
    for (const [body, path, code] of cases) {
      const response = await ask(staff, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toBe('validation_failed');
      expect(response.body.errors?.[0]?.path, JSON.stringify(body)).toBe(path);
      if (code) expect(response.body.errors?.[0]?.code).toBe(code);
    }
    const longest = await ask(staff, { durationMinutes: 480 });
    expect(longest.status).toBe(201);
  });

  it('is listed to its requester alone; superadmins and auditors see every one', async () => {
    const staff = await signedIn(context, 'staff');
    const otherStaff = await signedIn(context, 'staff');
    const mineAsked = await ask(staff, {});
    const othersAsked = await ask(otherStaff, {});
    const ids = async (client: Client, query = '') =>
      (
        await client.api.get<{ data: { id: string }[] }>(
          `/api/v1/elevation-requests?limit=200${query}`,
        )
      ).body.data.map((row) => row.id);
    expect(await ids(staff)).toEqual([mineAsked.body.id]);
    for (const reader of [superadmin, auditor]) {
      const all = await ids(reader);
      expect(all).toContain(mineAsked.body.id);
      expect(all).toContain(othersAsked.body.id);
    }
    expect(await ids(superadmin, '&mine=true')).not.toContain(mineAsked.body.id);
    const read = (client: Client) =>
      client.api.get(`/api/v1/elevation-requests/${othersAsked.body.id}`);
    expect((await read(staff)).status).toBe(404);
    expect((await read(auditor)).status).toBe(200);
    const auditorApproves = await auditor.api.post(
      `/api/v1/elevation-requests/${othersAsked.body.id}/approve`,
      {},
    );
    expect(auditorApproves.status).toBe(403);
  });

  it('lapses by the clock when nobody decides it, written down once by the job', async () => {
    const staff = await signedIn(context, 'staff');
    const asked = await ask(staff, {});
    const lapseMinutes = context.services.config.elevation.requestLapseMinutes;
    context.setNow(new Date(Date.parse(asked.body.lapsesAt) + 1000));
    try {
      const late = await secondSuperadmin.api.post<Problem>(
        `/api/v1/elevation-requests/${asked.body.id}/approve`,
        {},
      );
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('elevation_lapsed');
      const pending = await auditor.api.get<{ data: { id: string }[] }>(
        '/api/v1/elevation-requests?status=pending&limit=200',
      );
      expect(pending.body.data.map((row) => row.id)).not.toContain(asked.body.id);
      const [first, second] = await Promise.all([
        tidyElevation(context.services),
        tidyElevation(context.services),
      ]);
      expect((first?.requestsLapsed ?? 0) + (second?.requestsLapsed ?? 0)).toBeGreaterThanOrEqual(
        1,
      );
      expect(await auditOf('elevation.lapsed', staff.user.id)).toHaveLength(1);
      expect((await tidyElevation(context.services)).requestsLapsed).toBe(0);
      const read = await auditor.api.get<ElevationRequestView>(
        `/api/v1/elevation-requests/${asked.body.id}`,
      );
      expect(read.body.status).toBe('lapsed');
      expect(Date.parse(asked.body.lapsesAt) - Date.parse(asked.body.createdAt)).toBe(
        lapseMinutes * 60_000,
      );
    } finally {
      context.setNow(undefined);
    }
  });
});

describe('an approved elevation', () => {
  it('ends with the clock on the next request, with the job not running; the job then tidies once', async () => {
    const now = new Date();
    context.setNow(now);
    try {
      // A grant-only person (no standing role) and a staff member elevated to admin.
      const helper = await createPerson(context.services);
      const staff = await signedIn(context, 'staff');
      const person = await createPerson(context.services);
      const grantIds: string[] = [];
      for (const [userId, role] of [
        [helper.id, 'admin'],
        [staff.user.id, 'admin'],
      ] as const) {
        const created = await superadmin.api.post<{ id: string }>(
          `/api/v1/users/${userId}/grants`,
          {
            role,
            expiresAt: new Date(now.getTime() + 5 * 60_000).toISOString(),
            reason: 'Дежурство',
          },
        );
        expect(created.status).toBe(201);
        grantIds.push(created.body.id);
      }
      const helperApi = await signIn(context, helper);
      expect((await helperApi.get(`/api/v1/users/${person.id}/sessions`)).status).toBe(200);
      expect((await staff.api.get(`/api/v1/users/${person.id}/sessions`)).status).toBe(200);

      context.setNow(new Date(now.getTime() + 5 * 60_000 + 1000));
      // No job has run: the clock alone takes the rights away.
      const { rows: open } = await context.services.pool.query(
        'select id from role_grant where id = any($1::uuid[]) and ended_at is null',
        [grantIds],
      );
      expect(open).toHaveLength(2);
      const gone = await helperApi.get<Problem>('/api/v1/me');
      expect(gone.status).toBe(401);
      expect(gone.body.code).toBe('session_no_access');
      expect((await staff.api.get(`/api/v1/users/${person.id}/sessions`)).status).toBe(403);
      expect((await staff.api.get('/api/v1/me/elevation')).body).toEqual({ data: [] });

      // Two passes at once, then a third: each grant is ended and audited exactly once.
      await Promise.all([tidyElevation(context.services), tidyElevation(context.services)]);
      expect((await tidyElevation(context.services)).grantsExpired).toBe(0);
      for (const [userId, grantId] of [
        [helper.id, grantIds[0]],
        [staff.user.id, grantIds[1]],
      ] as const) {
        const events = await auditOf('user.role_grant_expired', userId);
        expect(events.map((row) => [row.actor_id, row.details.grantId])).toEqual([[null, grantId]]);
      }
      const { rows: ended } = await context.services.pool.query<{ end_reason: string }>(
        'select end_reason from role_grant where id = any($1::uuid[]) and ended_at is not null',
        [grantIds],
      );
      expect(ended.map((row) => row.end_reason)).toEqual(['expired', 'expired']);
      // The grant-only person's back-office sessions ended; the staff member keeps theirs.
      const { rows: sessions } = await context.services.pool.query<{
        user_id: string;
        revoked: boolean;
      }>(
        'select user_id, revoked_at is not null as revoked from backoffice_session where user_id = any($1::uuid[])',
        [[helper.id, staff.user.id]],
      );
      expect(sessions.filter((row) => row.user_id === helper.id).every((row) => row.revoked)).toBe(
        true,
      );
      expect(sessions.some((row) => row.user_id === staff.user.id && !row.revoked)).toBe(true);
      expect((await staff.api.get('/api/v1/me')).status).toBe(200);
    } finally {
      context.setNow(undefined);
    }
  });
});

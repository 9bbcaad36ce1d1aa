import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userActor } from '../../server/authz/actor.ts';
import { defineAbilityFor } from '../../server/authz/index.ts';
import { SESSION_COOKIE } from '../../server/identity/backofficeSession.ts';
import {
  drainBulkJobs,
  resumeBulkJobs,
  stopBulkJobs,
} from '../../server/identity/bulkJobs/runner.ts';
import type { BulkJobView } from '../../server/identity/bulkJobs/schemas.ts';
import { startBulkJob } from '../../server/identity/bulkJobs/startBulkJob.ts';
import type { ApiClient } from '../support/api.ts';
import { createDeviceSession, createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { BULK_JOB_MS, BULK_TEST_MS, waitUntil } from '../support/timeouts.ts';

let context: TestContext;

beforeAll(async () => {
  context = await startTestContext();
});
afterAll(async () => {
  await drainBulkJobs(context.services);
  await context.close();
});

/** A new organization with `count` active plain people in it (set-based test setup). */
async function organizationWith(count: number, prefix: string): Promise<string> {
  const id = randomUUID();
  await context.services.pool.query(
    `insert into organization (id, name, kind) values ($1, $2, 'department')`,
    [id, `Филиал ${prefix}`],
  );
  await context.services.pool.query(
    `insert into app_user (id, username, family_name, given_name, display_name, email,
                           organization_id, status, source)
     select gen_random_uuid(), $2 || i, 'Южанин' || i, 'Олег', 'Олег Южанин' || i,
            $2 || i || '@corp.example.test', $1, 'active', 'manual'
       from generate_series(1, $3::int) as i`,
    [id, prefix, count],
  );
  return id;
}

async function waitForEnd(api: ApiClient, id: string): Promise<BulkJobView> {
  let job: BulkJobView | undefined;
  await waitUntil(`bulk job ${id} to end`, BULK_JOB_MS, async () => {
    const response = await api.get<BulkJobView>(`/api/v1/bulk-jobs/${id}`);
    expect(response.status).toBe(200);
    job = response.body;
    return job.status !== 'running' && job.status !== 'queued';
  });
  return job as BulkJobView;
}

async function count(sql: string, params: unknown[]): Promise<number> {
  const { rows } = await context.services.pool.query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

describe('bulk jobs on the whole selection', () => {
  it(
    'deactivates 5,000 filtered people as one job: chunks, progress, sessions cut, audit, report',
    async () => {
      const { api, user: admin } = await signedIn(context, 'admin');
      const org = await organizationWith(4_997, 'south');
      // Three of them with live messenger sessions: the lifecycle cuts them.
      const withDevices = await Promise.all(
        [1, 2, 3].map(() => createPerson(context.services, { organizationId: org })),
      );
      for (const person of withDevices) await createDeviceSession(context.services, person);
      const outside = await createPerson(context.services);

      const started = await api.post<BulkJobView>('/api/v1/bulk-jobs', {
        verb: 'deactivate',
        filter: { organizationId: org, status: 'active' },
        reason: 'Закрытие филиала',
      });
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ verb: 'deactivate', total: 5_000 });
      const job = await waitForEnd(api, started.body.id);
      expect(job).toMatchObject({
        status: 'done',
        total: 5_000,
        processed: 5_000,
        ok: 5_000,
        skipped: 0,
        failed: 0,
        requestedBy: { id: admin.id },
      });
      // Ten chunks of 500, each its own transaction that advanced the progress.
      const { rows } = await context.services.pool.query<{ chunks: number }>(
        'select chunks from bulk_job where id = $1',
        [job.id],
      );
      expect(rows[0]?.chunks).toBe(10);

      expect(
        await count(
          `select count(*) as n from app_user where organization_id = $1 and status = 'deactivated'
              and status_reason = 'Закрытие филиала'`,
          [org],
        ),
      ).toBe(5_000);
      expect(
        await count(`select count(*) as n from app_user where id = $1 and status = 'active'`, [
          outside.id,
        ]),
      ).toBe(1);
      expect(
        await count(
          `select count(*) as n from device_session where user_id = any($1::uuid[]) and revoked_at is null`,
          [withDevices.map((p) => p.id)],
        ),
      ).toBe(0);
      expect(
        await count(
          `select count(*) as n from user_status_change c join app_user u on u.id = c.user_id
            where u.organization_id = $1 and c.door = 'bulk' and c.to_status = 'deactivated'`,
          [org],
        ),
      ).toBe(5_000);
      // One audit event per person, through the lifecycle, naming the job; start and end once.
      expect(
        await count(
          `select count(distinct target_id) as n from audit_event
            where action = 'user.deactivated' and outcome = 'success' and details->>'jobId' = $1`,
          [job.id],
        ),
      ).toBe(5_000);
      expect(
        await count(
          `select count(*) as n from audit_event where action = 'user.deactivated'
              and details->>'jobId' = $1`,
          [job.id],
        ),
      ).toBe(5_000);
      expect(
        await count(
          `select count(*) as n from audit_event where target_id = $1
              and action in ('bulk_job.started', 'bulk_job.finished') and actor_id = $2`,
          [job.id, admin.id],
        ),
      ).toBe(2);

      const report = await fetch(`${context.baseUrl}/api/v1/bulk-jobs/${job.id}/report`, {
        headers: { cookie: `${SESSION_COOKIE}=${api.cookie(SESSION_COOKIE)}` },
      });
      expect(report.status).toBe(200);
      expect(report.headers.get('content-type')).toContain('text/csv');
      const bytes = new Uint8Array(await report.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = new TextDecoder().decode(bytes.slice(3)).trim().split('\n');
      expect(lines).toHaveLength(5_001);
      expect(lines[0]).toBe('№,ID,Сотрудник,Результат,Код,Причина');
      expect(lines.slice(1).every((line) => line.includes(',выполнено,'))).toBe(true);
    },
    BULK_TEST_MS,
  );

  it('a staff member cannot bulk-deactivate admins: they are skipped as forbidden, denied in the audit', async () => {
    const { api } = await signedIn(context, 'staff');
    const org = await organizationWith(3, 'staffed');
    const admin = await createPerson(context.services, { role: 'admin', organizationId: org });
    const started = await api.post<BulkJobView>('/api/v1/bulk-jobs', {
      verb: 'deactivate',
      filter: { organizationId: org },
      reason: 'Увольнение',
    });
    expect(started.status).toBe(202);
    const job = await waitForEnd(api, started.body.id);
    expect(job).toMatchObject({ status: 'done', total: 4, ok: 3, skipped: 1 });
    const { rows } = await context.services.pool.query<{ status: string; code: string }>(
      `select u.status, i.code from bulk_job_item i join app_user u on u.id = i.user_id
        where i.job_id = $1 and i.user_id = $2`,
      [job.id, admin.id],
    );
    expect(rows[0]).toEqual({ status: 'active', code: 'forbidden' });
    expect(
      await count(
        `select count(*) as n from audit_event where action = 'user.deactivated'
            and outcome = 'denied' and target_id = $1 and details->>'jobId' = $2`,
        [admin.id, job.id],
      ),
    ).toBe(1);
  });

  it('the filter cannot widen past the rules: a role filter, unknown fields, a missing reason', async () => {
    const { api } = await signedIn(context, 'staff');
    const byRole = await api.post('/api/v1/bulk-jobs', {
      verb: 'deactivate',
      filter: { role: 'admin' },
      reason: 'x',
    });
    expect(byRole.status).toBe(403);
    expect(byRole.body).toMatchObject({ code: 'forbidden_filter' });
    const ids = await api.post('/api/v1/bulk-jobs', {
      verb: 'deactivate',
      filter: { ids: [randomUUID()] },
      reason: 'x',
    });
    expect(ids.status).toBe(400);
    expect(ids.body).toMatchObject({ code: 'unknown_field' });
    const noReason = await api.post('/api/v1/bulk-jobs', { verb: 'suspend', filter: {} });
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body)).toContain('reason');
    // Staff may not manage space membership at all; an auditor may not deactivate.
    const space = await api.post('/api/v1/bulk-jobs', {
      verb: 'add_to_space',
      filter: {},
      spaceId: randomUUID(),
    });
    expect(space.status).toBe(403);
    const { api: auditor, user } = await signedIn(context, 'auditor');
    const denied = await auditor.post('/api/v1/bulk-jobs', {
      verb: 'deactivate',
      filter: {},
      reason: 'x',
    });
    expect(denied.status).toBe(403);
    expect(
      await count(
        `select count(*) as n from audit_event where action = 'bulk_job.started'
            and outcome = 'denied' and actor_id = $1`,
        [user.id],
      ),
    ).toBe(1);
    // Nobody without a session.
    const anonymous = await fetch(`${context.baseUrl}/api/v1/bulk-jobs/${randomUUID()}`);
    expect(anonymous.status).toBe(401);
  });

  it('cancel stops the job at the next chunk boundary', async () => {
    const { api, user: admin } = await signedIn(context, 'admin');
    const org = await organizationWith(40, 'cancel');
    const actor = userActor(admin, { ip: null, userAgent: null, requestId: null });
    let release: () => void = () => undefined;
    const paused = new Promise<void>((resolve) => {
      release = resolve;
    });
    let firstChunk: () => void = () => undefined;
    const afterFirst = new Promise<void>((resolve) => {
      firstChunk = resolve;
    });
    const job = await startBulkJob(
      context.services,
      actor,
      defineAbilityFor(actor),
      { verb: 'suspend', filter: { organizationId: org }, reason: 'Проверка' },
      {
        chunkSize: 10,
        afterChunk: async (_id, chunk) => {
          if (chunk !== 1) return;
          firstChunk();
          await paused;
        },
      },
    );
    await afterFirst;
    const cancelled = await api.post<BulkJobView>(`/api/v1/bulk-jobs/${job.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.cancelRequested).toBe(true);
    release();
    const ended = await waitForEnd(api, job.id);
    expect(ended).toMatchObject({ status: 'cancelled', processed: 10, ok: 10 });
    expect(
      await count(
        `select count(*) as n from app_user where organization_id = $1 and status = 'suspended'`,
        [org],
      ),
    ).toBe(10);
    const again = await api.post(`/api/v1/bulk-jobs/${job.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'job_finished' });
    expect(
      await count(
        `select count(*) as n from audit_event where target_id = $1
            and action in ('bulk_job.cancelled', 'bulk_job.finished')`,
        [job.id],
      ),
    ).toBe(2);
    // Someone else's job is not there for an admin.
    const { api: other } = await signedIn(context, 'admin');
    expect((await other.get(`/api/v1/bulk-jobs/${job.id}`)).status).toBe(404);
  });

  it('a requester deactivated while their job runs: the job stops at the next chunk, failed', async () => {
    const { user: admin } = await signedIn(context, 'admin');
    const { api: superadmin } = await signedIn(context, 'superadmin');
    const org = await organizationWith(30, 'revoked');
    const actor = userActor(admin, { ip: null, userAgent: null, requestId: null });
    const job = await startBulkJob(
      context.services,
      actor,
      defineAbilityFor(actor),
      { verb: 'suspend', filter: { organizationId: org }, reason: 'Проверка' },
      {
        chunkSize: 10,
        // After the first chunk a superadmin deactivates the admin who started the job.
        afterChunk: async (_id, chunk) => {
          if (chunk !== 1) return;
          const deactivated = await superadmin.post(`/api/v1/users/${admin.id}/deactivate`, {
            reason: 'Уволен',
          });
          expect(deactivated.status).toBe(200);
        },
      },
    );
    await drainBulkJobs(context.services);
    const { rows } = await context.services.pool.query<{
      status: string;
      processed: number;
      error: string | null;
    }>('select status, processed, error from bulk_job where id = $1', [job.id]);
    expect(rows[0]).toEqual({ status: 'failed', processed: 10, error: 'requester_lost_access' });
    expect(
      await count(
        `select count(*) as n from app_user where organization_id = $1 and status = 'suspended'`,
        [org],
      ),
    ).toBe(10);
  });

  it('survives a restart: another runner resumes after the last committed chunk, nobody twice', async () => {
    const { api, user: admin } = await signedIn(context, 'admin');
    const org = await organizationWith(200, 'resume');
    const actor = userActor(admin, { ip: null, userAgent: null, requestId: null });
    let stopping: Promise<void> | undefined;
    const job = await startBulkJob(
      context.services,
      actor,
      defineAbilityFor(actor),
      { verb: 'deactivate', filter: { organizationId: org }, reason: 'Реорганизация' },
      {
        chunkSize: 50,
        // The process "stops" after its second chunk committed, keeping its lease as a
        // killed process would.
        afterChunk: (_id, chunk) => {
          if (chunk === 2) stopping = stopBulkJobs(context.services, { release: false });
        },
      },
    );
    await waitUntil('the runner to stop', BULK_JOB_MS, () => stopping !== undefined);
    await stopping;
    const halfway = await api.get<BulkJobView>(`/api/v1/bulk-jobs/${job.id}`);
    expect(halfway.body).toMatchObject({ status: 'running', processed: 100 });
    // Within the lease nobody takes the job over; once it passed, a new start does.
    expect(await resumeBulkJobs(context.services, { chunkSize: 50 })).toEqual([]);
    context.setNow(new Date(Date.now() + 10 * 60_000));
    try {
      expect(await resumeBulkJobs(context.services, { chunkSize: 50 })).toEqual([job.id]);
      const ended = await waitForEnd(api, job.id);
      expect(ended).toMatchObject({ status: 'done', processed: 200, ok: 200, skipped: 0 });
    } finally {
      context.setNow(undefined);
    }
    expect(
      await count(
        `select count(*) as n from audit_event where action = 'user.deactivated'
            and details->>'jobId' = $1`,
        [job.id],
      ),
    ).toBe(200);
    expect(
      await count(
        `select count(distinct target_id) as n from audit_event where action = 'user.deactivated'
            and details->>'jobId' = $1`,
        [job.id],
      ),
    ).toBe(200);
  });

  it('invites the selection: one invitation and mail per person who can be invited', async () => {
    const { api } = await signedIn(context, 'admin');
    const org = await organizationWith(3, 'invitees');
    const noMail = await createPerson(context.services, { organizationId: org, email: null });
    const started = await api.post<BulkJobView>('/api/v1/bulk-jobs', {
      verb: 'invite',
      filter: { organizationId: org },
      locale: 'ru',
    });
    expect(started.status).toBe(202);
    const job = await waitForEnd(api, started.body.id);
    expect(job).toMatchObject({ status: 'done', total: 4, ok: 3, skipped: 1 });
    const { rows } = await context.services.pool.query<{ code: string }>(
      'select code from bulk_job_item where job_id = $1 and user_id = $2',
      [job.id, noMail.id],
    );
    expect(rows[0]?.code).toBe('no_email');
    expect(
      await count(
        `select count(*) as n from invitation i join app_user u on u.id = i.user_id
          where u.organization_id = $1 and i.status = 'invited'`,
        [org],
      ),
    ).toBe(3);
    expect(
      await count(
        `select count(*) as n from audit_event where action = 'invitation.sent'
            and details->>'jobId' = $1`,
        [job.id],
      ),
    ).toBe(3);
  });

  it('moves people to an organization and adds them to and removes them from a space', async () => {
    const { api } = await signedIn(context, 'superadmin');
    const org = await organizationWith(5, 'mover');
    const target = await organizationWith(0, 'target');
    const space = await api.post<{ id: string }>('/api/v1/spaces', { name: 'Проект «Север»' });
    expect(space.status).toBe(201);
    const add = await api.post<BulkJobView>('/api/v1/bulk-jobs', {
      verb: 'add_to_space',
      filter: { organizationId: org },
      spaceId: space.body.id,
    });
    expect(await waitForEnd(api, add.body.id)).toMatchObject({ status: 'done', ok: 5 });
    const addAgain = await api.post<BulkJobView>('/api/v1/bulk-jobs', {
      verb: 'add_to_space',
      filter: { spaceId: space.body.id },
      spaceId: space.body.id,
    });
    expect(await waitForEnd(api, addAgain.body.id)).toMatchObject({ ok: 0, skipped: 5 });
    const move = await api.post<BulkJobView>('/api/v1/bulk-jobs', {
      verb: 'move',
      filter: { spaceId: space.body.id },
      organizationId: target,
    });
    expect(await waitForEnd(api, move.body.id)).toMatchObject({ status: 'done', ok: 5 });
    expect(
      await count('select count(*) as n from app_user where organization_id = $1', [target]),
    ).toBe(5);
    const remove = await api.post<BulkJobView>('/api/v1/bulk-jobs', {
      verb: 'remove_from_space',
      filter: { organizationId: target },
      spaceId: space.body.id,
    });
    expect(await waitForEnd(api, remove.body.id)).toMatchObject({ status: 'done', ok: 5 });
    expect(
      await count('select count(*) as n from space_member where space_id = $1', [space.body.id]),
    ).toBe(0);
    const badOrg = await api.post('/api/v1/bulk-jobs', {
      verb: 'move',
      filter: {},
      organizationId: randomUUID(),
    });
    expect(badOrg.status).toBe(422);
    expect(badOrg.body).toMatchObject({ code: 'organization_not_found' });
  });
});

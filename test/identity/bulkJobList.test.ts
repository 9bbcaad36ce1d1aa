import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainBulkJobs } from '../../server/identity/bulkJobs/runner.ts';
import type { BulkJobView } from '../../server/identity/bulkJobs/schemas.ts';
import type { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { BULK_JOB_MS, waitUntil } from '../support/timeouts.ts';

/*
 * Issue 16, scope 4 follow-ups: the list of bulk jobs (`GET /bulk-jobs`, the CASL read rules as
 * its SQL condition) and the audit of every report download.
 */

let context: TestContext;

beforeAll(async () => {
  context = await startTestContext();
});
afterAll(async () => {
  await drainBulkJobs(context.services);
  await context.close();
});

interface Page {
  data: BulkJobView[];
  total: number;
}

/** A new organization with `count` plain active people. */
async function organizationWith(count: number, name: string): Promise<string> {
  const id = randomUUID();
  await context.services.pool.query(
    `insert into organization (id, name, kind) values ($1, $2, 'department')`,
    [id, name],
  );
  for (let i = 0; i < count; i++) await createPerson(context.services, { organizationId: id });
  return id;
}

async function waitForEnd(api: ApiClient, id: string): Promise<BulkJobView> {
  let job: BulkJobView | undefined;
  await waitUntil(`bulk job ${id} to end`, BULK_JOB_MS, async () => {
    job = (await api.get<BulkJobView>(`/api/v1/bulk-jobs/${id}`)).body;
    return job.status !== 'running' && job.status !== 'queued';
  });
  return job as BulkJobView;
}

const ids = (page: Page) => page.data.map((job) => job.id);

describe('the list of bulk jobs', () => {
  it('shows staff and admins their own jobs only, superadmins and auditors everyone’s', async () => {
    const { api: olga, user: olgaUser } = await signedIn(context, 'staff', {
      familyName: 'Кузнецова',
      givenName: 'Ольга',
    });
    const { api: petr } = await signedIn(context, 'staff');
    const { api: admin } = await signedIn(context, 'admin');
    const { api: root } = await signedIn(context, 'superadmin');
    const { api: auditor } = await signedIn(context, 'auditor');
    const org = await organizationWith(2, 'Склад №3');

    const started = await olga.post<BulkJobView>('/api/v1/bulk-jobs', {
      verb: 'suspend',
      filter: { organizationId: org, status: 'active' },
      reason: 'Инвентаризация',
    });
    expect(started.status).toBe(202);
    const job = await waitForEnd(olga, started.body.id);
    const other = await petr.post<BulkJobView>('/api/v1/bulk-jobs', {
      verb: 'activate',
      filter: { organizationId: org },
    });
    expect(other.status).toBe(202);
    await waitForEnd(petr, other.body.id);

    const own = await olga.get<Page>('/api/v1/bulk-jobs');
    expect(own.status).toBe(200);
    expect(ids(own.body)).toEqual([job.id]);
    expect(own.body.total).toBe(1);
    expect(own.body.data[0]).toMatchObject({
      verb: 'suspend',
      status: 'done',
      total: 2,
      processed: 2,
      requestedBy: { id: olgaUser.id, fullName: 'Кузнецова Ольга' },
      filter: { organizationId: org, status: 'active' },
      filterNames: { organization: 'Склад №3', space: null, addedBy: null },
    });
    // The other staff member sees their own job, not Olga's, in the list and by id.
    const theirs = await petr.get<Page>('/api/v1/bulk-jobs');
    expect(ids(theirs.body)).toEqual([other.body.id]);
    expect((await petr.get(`/api/v1/bulk-jobs/${job.id}`)).status).toBe(404);
    // An admin who started nothing sees nothing.
    expect(await admin.get<Page>('/api/v1/bulk-jobs')).toMatchObject({
      status: 200,
      body: { data: [], total: 0 },
    });
    // Superadmins and auditors see both, newest first.
    for (const everyone of [root, auditor]) {
      const page = await everyone.get<Page>('/api/v1/bulk-jobs');
      expect(ids(page.body)).toEqual([other.body.id, job.id]);
    }
    const suspended = await root.get<Page>('/api/v1/bulk-jobs?verb=suspend&limit=1');
    expect(ids(suspended.body)).toEqual([job.id]);
    expect((await root.get<Page>('/api/v1/bulk-jobs?limit=1&offset=1')).body).toMatchObject({
      total: 2,
      data: [{ id: job.id }],
    });
    // Bad input is a problem with a code and the field, never a 500.
    const bad = await root.get('/api/v1/bulk-jobs?status=stuck');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('status');
    const anonymous = await fetch(`${context.baseUrl}/api/v1/bulk-jobs`);
    expect(anonymous.status).toBe(401);
  });

  it('audits every download of a report with the job and its row count', async () => {
    const { api, user } = await signedIn(context, 'admin');
    const org = await organizationWith(3, 'Отдел кадров');
    const started = await api.post<BulkJobView>('/api/v1/bulk-jobs', {
      verb: 'deactivate',
      filter: { organizationId: org },
      reason: 'Сокращение',
    });
    const job = await waitForEnd(api, started.body.id);
    expect(job).toMatchObject({ status: 'done', total: 3 });

    for (const lang of ['ru', 'en']) {
      const report = await api.get(`/api/v1/bulk-jobs/${job.id}/report?lang=${lang}`);
      expect(report.status).toBe(200);
      expect(report.text.trim().split('\n')).toHaveLength(4);
    }
    const { rows } = await context.services.pool.query<{
      actor_id: string;
      outcome: string;
      details: { rows: number; verb: string; lang: string };
    }>(
      `select actor_id, outcome, details from audit_event
        where action = 'bulk_job.report_downloaded' and target_id = $1 order by seq`,
      [job.id],
    );
    expect(rows).toEqual([
      {
        actor_id: user.id,
        outcome: 'success',
        details: expect.objectContaining({ rows: 3, verb: 'deactivate', lang: 'ru' }),
      },
      {
        actor_id: user.id,
        outcome: 'success',
        details: expect.objectContaining({ rows: 3, verb: 'deactivate', lang: 'en' }),
      },
    ]);

    // Someone who may not see the job gets 404 and no file; nothing is recorded as downloaded.
    const { api: stranger } = await signedIn(context, 'staff');
    expect((await stranger.get(`/api/v1/bulk-jobs/${job.id}/report`)).status).toBe(404);
    const { rows: after } = await context.services.pool.query(
      `select 1 from audit_event where action = 'bulk_job.report_downloaded' and target_id = $1`,
      [job.id],
    );
    expect(after).toHaveLength(2);
  });
});

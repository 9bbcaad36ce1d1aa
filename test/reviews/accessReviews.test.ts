import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointDir, KEYRING_FILE, readKeyring } from '../../server/audit/checkpoints.ts';
import { reviewReportCommand } from '../../server/cli/reviewReport.ts';
import { registerConnectors } from '../../server/core/connectors/registry.ts';
import { remindReviewers } from '../../server/identity/reviews/remindReviewers.ts';
import { verifyReviewReport } from '../../server/identity/reviews/report.ts';
import type { CampaignView, ItemView } from '../../server/identity/reviews/schemas.ts';
import type { ApiClient } from '../support/api.ts';
import { createPerson, signedIn, signIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { type ReviewCompany, reviewCompany } from './reviewData.ts';

/**
 * Access reviews (issue 18, scope 5) through the API against a real PostgreSQL: a campaign over
 * 5,000 people and 2,000 spaces is created set-based, decided item by item (and by "confirm the
 * selected", still one record per item), closed, and its signed report verifies offline.
 */
let context: TestContext;
let company: ReviewCompany;
let superadmin: ApiClient;
let auditor: ApiClient;
let fallbackId: string;

beforeAll(async () => {
  context = await startTestContext();
  // Outbox rows are written per registered connector: nothing delivers them in this test.
  await registerConnectors(context.services, [{ name: 'ejabberd', kind: 'ejabberd' }]);
  superadmin = (await signedIn(context, 'superadmin')).api;
  auditor = (await signedIn(context, 'auditor')).api;
  fallbackId = (await createPerson(context.services, { role: 'admin', familyName: 'Запасной' })).id;
  company = await reviewCompany(context, 'rv');
});
afterAll(async () => {
  await context?.close();
});

const count = async (sql: string, params: unknown[] = []) =>
  (await context.services.pool.query<{ n: number }>(sql, params)).rows[0]?.n ?? -1;

async function createCampaign(body: Record<string, unknown>) {
  return superadmin.post<CampaignView>('/api/v1/reviews/campaigns', {
    dueAt: new Date(Date.now() + 14 * 86_400_000).toISOString(),
    reviewerId: fallbackId,
    ...body,
  });
}

async function myItems(api: ApiClient, campaignId: string, query = '') {
  const response = await api.get<{ data: ItemView[]; total: number }>(
    `/api/v1/reviews/items?mine=true&campaignId=${campaignId}&limit=100${query}`,
  );
  expect(response.status, response.text).toBe(200);
  return response.body;
}

describe('a campaign over the members of every space', () => {
  let campaign: CampaignView;

  it('lists every membership with its reviewer, set-based, audited', async () => {
    expect(company.memberships).toBe(6_000);
    const created = await createCampaign({
      name: 'Участники пространств холдинга',
      kind: 'space_members',
      organizationId: company.rootId,
      reviewerRule: 'organization_head',
      revokeMode: 'at_once',
      undecided: 'keep',
    });
    expect(created.status, created.text).toBe(201);
    campaign = created.body;
    expect(campaign.progress.total).toBe(6_000);
    const covered = await context.services.pool.query<{ people: number; spaces: number }>(
      `select count(distinct user_id)::int as people, count(distinct space_id)::int as spaces
         from review_item where campaign_id = $1`,
      [campaign.id],
    );
    expect(covered.rows[0]?.spaces).toBe(2_000);
    expect(covered.rows[0]?.people).toBeGreaterThan(4_700);
    // Every headed branch's items go to its head; the headless branch's to the named reviewer.
    const byReviewer = await context.services.pool.query<{ reviewer_id: string; n: number }>(
      `select reviewer_id, count(*)::int as n from review_item where campaign_id = $1
        group by reviewer_id`,
      [campaign.id],
    );
    const reviewers = new Map(byReviewer.rows.map((row) => [row.reviewer_id, row.n]));
    expect(reviewers.get(company.heads[0]?.id as string)).toBe(60);
    expect(reviewers.get(fallbackId)).toBeGreaterThan(0);
    expect(reviewers.size).toBe(20);
    expect(
      await count(
        `select count(*)::int as n from audit_event where action = 'review.campaign_created'
            and target_id = $1 and (details->>'items')::int = 6000`,
        [campaign.id],
      ),
    ).toBe(1);
  });

  it('reminds each reviewer with undecided items by mail, at most once a day', async () => {
    expect(await remindReviewers(context.services)).toBe(20);
    expect(await remindReviewers(context.services)).toBe(0);
    const mails = async () =>
      count(`select count(*)::int as n from mail_message where template = 'reviewReminder'`);
    expect(await mails()).toBe(20);
    context.setNow(new Date(Date.now() + 25 * 3_600_000));
    try {
      expect(await remindReviewers(context.services)).toBe(20);
    } finally {
      context.setNow(undefined);
    }
    expect(await mails()).toBe(40);
  });

  it('shows a reviewer their own items only, searchable by name', async () => {
    const head = await signIn(context, company.heads[0] as never);
    const page = await myItems(head, campaign.id);
    expect(page.total).toBe(60);
    expect(page.data.every((item) => item.reviewer.id === company.heads[0]?.id)).toBe(true);
    const all = await head.get<{ total: number }>('/api/v1/reviews/items?limit=5');
    expect(all.body.total).toBe(60);
    const one = page.data[0] as ItemView;
    const found = await myItems(head, campaign.id, `&q=${encodeURIComponent(one.person.name)}`);
    expect(found.data.map((item) => item.person.id)).toContain(one.person.id);
    expect(found.total).toBeLessThan(60);
    expect((await head.get(`/api/v1/reviews/campaigns/${campaign.id}`)).status).toBe(403);
  });

  it('records each decision per item; a revocation applies at once through the outbox', async () => {
    const head = await signIn(context, company.heads[0] as never);
    const [first, ...rest] = (await myItems(head, campaign.id)).data as ItemView[];
    if (!first) throw new Error('no items');
    const revoked = await head.post<{ decided: number; revoked: number }>(
      `/api/v1/reviews/items/${first.id}/decision`,
      { decision: 'revoke', note: 'Перешёл в другой отдел' },
    );
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body).toEqual({ decided: 1, revoked: 1 });
    expect(
      await count(
        'select count(*)::int as n from space_member where space_id = $1 and user_id = $2',
        [first.space?.id, first.person.id],
      ),
    ).toBe(0);
    expect(
      await count(
        `select count(*)::int as n from outbox_event where type = 'space.members_changed'
            and payload::text like '%' || $1 || '%'`,
        [first.person.id],
      ),
    ).toBe(1);
    const again = await head.post<{ code: string }>(`/api/v1/reviews/items/${first.id}/decision`, {
      decision: 'confirm',
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('review_decided');

    // "Confirm the selected": one decision row and one audit event for each item.
    const confirmed = await head.post<{ decided: number }>('/api/v1/reviews/items/confirm', {
      ids: rest.map((item) => item.id),
    });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body.decided).toBe(59);
    expect(
      await count(
        `select count(*)::int as n from review_item where campaign_id = $1 and reviewer_id = $2
            and decision = 'confirm' and decided_by_id = $2 and decided_at is not null`,
        [campaign.id, company.heads[0]?.id],
      ),
    ).toBe(59);
    expect(
      await count(
        `select count(distinct details->>'itemId')::int as n from audit_event
          where action = 'review.item_decided' and details->>'campaignId' = $1`,
        [campaign.id],
      ),
    ).toBe(60);
  });

  it('refuses another reviewer’s items and one’s own access, audited as denied', async () => {
    const other = await signIn(context, company.heads[1] as never);
    const [theirs] = (await myItems(other, campaign.id)).data;
    const head = await signIn(context, company.heads[0] as never);
    const refused = await head.post(`/api/v1/reviews/items/${theirs?.id}/decision`, {
      decision: 'revoke',
    });
    expect(refused.status).toBe(403);
    expect(
      await count(
        `select count(*)::int as n from audit_event where action = 'review.item_decided'
            and outcome = 'denied' and target_id = $1`,
        [theirs?.person.id],
      ),
    ).toBe(1);
    expect((await auditor.post(`/api/v1/reviews/campaigns/${campaign.id}/close`, {})).status).toBe(
      403,
    );
    const report = await auditor.get<{ code: string }>(
      `/api/v1/reviews/campaigns/${campaign.id}/report`,
    );
    expect(report.status).toBe(409);
    expect(report.body.code).toBe('review_not_closed');
  });

  it('closes: undecided items recorded and kept, the report signed and verifiable offline', async () => {
    const closed = await superadmin.post<CampaignView>(
      `/api/v1/reviews/campaigns/${campaign.id}/close`,
      {},
    );
    expect(closed.status, closed.text).toBe(200);
    expect(closed.body.status).toBe('closed');
    expect(closed.body.progress).toMatchObject({
      total: 6_000,
      decided: 60,
      confirmed: 59,
      revoked: 1,
      applied: 1,
      undecidedAtClose: 5_940,
    });
    expect(
      await count(
        `select count(*)::int as n from review_item where campaign_id = $1
            and undecided_at_close and outcome = 'kept' and decision is null`,
        [campaign.id],
      ),
    ).toBe(5_940);
    expect(
      (
        await superadmin.post<{ code: string }>(
          `/api/v1/reviews/campaigns/${campaign.id}/close`,
          {},
        )
      ).body.code,
    ).toBe('review_closed');

    const json = await auditor.get(`/api/v1/reviews/campaigns/${campaign.id}/report?format=json`);
    expect(json.status).toBe(200);
    const csv = await auditor.get(`/api/v1/reviews/campaigns/${campaign.id}/report?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.text.split('\n').filter((line) => line.trim()).length).toBe(6_001);
    const keys = readKeyring(
      join(checkpointDir(context.services.config), KEYRING_FILE),
    ).entries.map((entry) => Buffer.from(entry.publicKey, 'base64'));
    const verified = verifyReviewReport(json.text, keys, csv.text);
    expect(verified).toMatchObject({ ok: true, problems: [] });
    const report = JSON.parse(json.text) as { report: { items: ItemView[] } };
    expect(report.report.items).toHaveLength(6_000);
    expect(report.report.items.filter((item) => item.undecidedAtClose)).toHaveLength(5_940);
    const revokedItem = report.report.items.find((item) => item.decision === 'revoke');
    expect(revokedItem).toMatchObject({ outcome: 'revoked', note: 'Перешёл в другой отдел' });

    // A changed decision breaks the signature; so does another CSV.
    const forged = json.text.replace('"decision": "revoke"', '"decision": "confirm"');
    expect(forged).not.toBe(json.text);
    expect(verifyReviewReport(forged, keys).ok).toBe(false);
    expect(verifyReviewReport(json.text, keys, `${csv.text}x`).ok).toBe(false);

    // The operator's check, offline: `review-report verify FILE --public-key KEYRING --csv FILE`.
    const dir = mkdtempSync(join(tmpdir(), 'review-report-'));
    writeFileSync(join(dir, 'report.json'), json.text);
    writeFileSync(join(dir, 'report.csv'), csv.text);
    writeFileSync(join(dir, 'forged.json'), forged);
    const cli = async (file: string) => {
      let out = '';
      const stdout = new Writable({
        write(chunk, _encoding, done) {
          out += String(chunk);
          done();
        },
      });
      const code = await reviewReportCommand.run({
        config: context.services.config,
        logger: context.services.logger,
        values: {
          'public-key': join(checkpointDir(context.services.config), KEYRING_FILE),
          csv: join(dir, 'report.csv'),
        },
        positionals: ['verify', join(dir, file)],
        stdin: process.stdin,
        stdout,
      });
      return { code, out };
    };
    expect(await cli('report.json')).toMatchObject({ code: 0 });
    expect((await cli('forged.json')).code).toBe(3);
    expect(
      await count(
        `select count(*)::int as n from audit_event where action = 'review.report_downloaded'
            and target_id = $1`,
        [campaign.id],
      ),
    ).toBe(2);
  });
});

describe('a campaign over back-office rights', () => {
  it('revokes at close what was decided and what nobody decided, through grants and roles', async () => {
    const branch = company.branchIds[3] as string;
    const granted = await createPerson(context.services, { organizationId: branch });
    const grant = await superadmin.post<{ id: string }>(`/api/v1/users/${granted.id}/grants`, {
      role: 'staff',
      scope: [branch],
      reason: 'Кадровик филиала',
    });
    expect(grant.status, grant.text).toBe(201);
    const standing = await createPerson(context.services, {
      role: 'admin',
      organizationId: branch,
    });
    const reviewer = await createPerson(context.services, { role: 'staff' });
    const created = await createCampaign({
      name: 'Права в консоли',
      kind: 'backoffice_rights',
      organizationId: branch,
      reviewerRule: 'named',
      reviewerId: reviewer.id,
      revokeMode: 'at_close',
      undecided: 'revoke',
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.progress.total).toBe(2);
    const api = await signIn(context, reviewer);
    const items = (await myItems(api, created.body.id)).data;
    const grantItem = items.find((item) => item.kind === 'role_grant') as ItemView;
    expect(items.find((item) => item.kind === 'standing_role')?.role).toBe('admin');
    const decided = await api.post<{ revoked: number }>(
      `/api/v1/reviews/items/${grantItem.id}/decision`,
      { decision: 'revoke' },
    );
    // Revoking at close: nothing changes yet.
    expect(decided.body.revoked).toBe(0);
    expect(
      await count('select count(*)::int as n from role_grant where id = $1 and ended_at is null', [
        grant.body.id,
      ]),
    ).toBe(1);
    const closed = await superadmin.post<CampaignView>(
      `/api/v1/reviews/campaigns/${created.body.id}/close`,
      {},
    );
    expect(closed.status, closed.text).toBe(200);
    expect(
      await count(
        'select count(*)::int as n from role_grant where id = $1 and ended_at is not null',
        [grant.body.id],
      ),
    ).toBe(1);
    const person = await context.services.pool.query<{ role: string | null; rank: number }>(
      'select role, rank from app_user where id = $1',
      [standing.id],
    );
    expect(person.rows[0]).toEqual({ role: null, rank: 0 });
    expect(
      await count(
        `select count(*)::int as n from review_item where campaign_id = $1
            and outcome = 'revoked' and applied_at is not null`,
        [created.body.id],
      ),
    ).toBe(2);
    expect(
      await count(
        `select count(*)::int as n from review_item where campaign_id = $1 and undecided_at_close
            and decision is null and kind = 'standing_role'`,
        [created.body.id],
      ),
    ).toBe(1);
  });

  it('sets an organization’s head through the organization API (superadmins)', async () => {
    const branch = company.branchIds[19] as string;
    const read = await superadmin.get<{ version: number; headId: string | null }>(
      `/api/v1/organizations/${branch}`,
    );
    expect(read.body.headId).toBeNull();
    const head = await createPerson(context.services, { role: 'staff' });
    const patched = await superadmin.request<{ headId: string | null }>(
      'PATCH',
      `/api/v1/organizations/${branch}`,
      { body: { version: read.body.version, headId: head.id } },
    );
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.headId).toBe(head.id);
    const unknown = await superadmin.request<{ errors: { path: string }[] }>(
      'PATCH',
      `/api/v1/organizations/${branch}`,
      { body: { version: read.body.version + 1, headId: company.rootId } },
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]?.path).toBe('headId');
  });

  it('refuses bad input with the field, never a 500', async () => {
    const response = await createCampaign({
      name: 'Плохая',
      kind: 'space_members',
      reviewerRule: 'named',
      reviewerId: company.rootId,
      dueAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(response.status).toBe(400);
    const paths = (response.body as unknown as { errors: { path: string }[] }).errors.map(
      (error) => error.path,
    );
    expect(paths).toEqual(expect.arrayContaining(['dueAt', 'reviewerId']));
    const plain = (await signedIn(context, 'admin')).api;
    expect(
      (await plain.post('/api/v1/reviews/campaigns', { name: 'x', kind: 'space_members' })).status,
    ).toBe(400);
  });
});

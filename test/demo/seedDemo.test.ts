import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../server/audit/verify.ts';
import { generateAuditHistory } from '../../server/demo/auditHistory.ts';
import { seedDemo } from '../../server/demo/command.ts';
import { feminineFamilyName, transliterate } from '../../server/demo/names.ts';
import type { SeedDemoSummary } from '../../server/demo/seed.ts';
import { AppError } from '../../server/shared/errors.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

let context: TestContext;
let summary: SeedDemoSummary;

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return context.services.orm.em.fork().execute<T[]>(sql, params);
}

beforeAll(async () => {
  context = await startTestContext();
  summary = await seedDemo(context.services, { people: 300, seed: 42 });
});
afterAll(async () => {
  await context.close();
});

describe('name helpers', () => {
  it('derives feminine family names', () => {
    expect(feminineFamilyName('Петров')).toBe('Петрова');
    expect(feminineFamilyName('Соловьёв')).toBe('Соловьёва');
    expect(feminineFamilyName('Ильин')).toBe('Ильина');
    expect(feminineFamilyName('Островский')).toBe('Островская');
    expect(feminineFamilyName('Толстой')).toBe('Толстая');
    expect(feminineFamilyName('Черных')).toBe('Черных');
    expect(feminineFamilyName('Шевченко')).toBe('Шевченко');
  });

  it('transliterates to username-safe Latin', () => {
    expect(transliterate('Щербаков')).toBe('shcherbakov');
    expect(transliterate('Пётр')).toBe('petr');
    expect(transliterate('Юлия')).toBe('yuliya');
  });
});

describe('seed-demo', () => {
  it('loads the people, organizations, spaces and memberships it reports', async () => {
    const [counts] = await query<{ people: number; orgs: number; spaces: number; members: number }>(
      `select (select count(*)::int from app_user) as people,
              (select count(*)::int from organization) as orgs,
              (select count(*)::int from space) as spaces,
              (select count(*)::int from space_member) as members`,
    );
    expect(counts).toEqual({
      people: 300,
      orgs: summary.organizations,
      spaces: summary.spaces,
      members: summary.memberships,
    });
    expect(summary.organizations).toBeGreaterThan(10);
    expect(summary.spaces).toBeGreaterThanOrEqual(5);
    const [tree] = await query<{ depth: number; projects: number }>(
      `with recursive t as (select id, 1 as depth from organization where parent_id is null
         union all select o.id, t.depth + 1 from organization o join t on o.parent_id = t.id)
       select (select max(depth) from t)::int as depth,
              (select count(*)::int from organization where kind = 'project') as projects`,
    );
    expect(tree?.depth).toBeGreaterThanOrEqual(3);
    expect(tree?.projects).toBeGreaterThan(0);
  });

  it('makes unique usernames, e-mails and E.164 Russian mobile phones', async () => {
    const [row] = await query<Record<string, number>>(
      `select count(*)::int as total,
              count(distinct username)::int as usernames,
              count(email)::int as emails, count(distinct lower(email))::int as distinct_emails,
              count(phone)::int as phones, count(distinct phone)::int as distinct_phones,
              count(*) filter (where phone !~ '^\\+79[0-9]{9}$')::int as bad_phones,
              count(*) filter (where username !~ '^[a-z0-9][a-z0-9._-]{1,63}$')::int as bad_usernames
       from app_user`,
    );
    expect(row?.usernames).toBe(300);
    expect(row?.distinct_emails).toBe(row?.emails);
    expect(row?.distinct_phones).toBe(row?.phones);
    expect(row?.phones).toBeGreaterThan(250);
    expect(row?.bad_phones).toBe(0);
    expect(row?.bad_usernames).toBe(0);
  });

  it('mixes Cyrillic names (with patronymics) and English names, mostly active', async () => {
    const [row] = await query<Record<string, number>>(
      `select count(*) filter (where family_name ~ '^[А-ЯЁ][а-яё-]+$')::int as cyrillic,
              count(*) filter (where family_name ~ '^[A-Z][a-z]+$')::int as latin,
              count(*) filter (where middle_name ~ '(ич|на)$')::int as patronymics,
              count(*) filter (where status = 'active')::int as active,
              count(*) filter (where status = 'deactivated' and status_reason is not null)::int as deactivated,
              count(*) filter (where role is not null)::int as operators,
              count(*) filter (where role = 'superadmin')::int as superadmins
       from app_user`,
    );
    expect(row?.cyrillic).toBeGreaterThan(180);
    expect(row?.latin).toBeGreaterThan(20);
    expect(row?.patronymics).toBe(row?.cyrillic);
    expect(row?.active).toBeGreaterThan(220);
    expect(row?.deactivated).toBeGreaterThan(0);
    expect(row?.operators).toBe(summary.operators);
    expect(row?.superadmins).toBe(0);
    const feminine = await query<{ family_name: string; middle_name: string }>(
      "select family_name, middle_name from app_user where middle_name like '%вна' and family_name ~ 'о?в$'",
    );
    expect(feminine).toEqual([]);
  });

  it('records when each person deactivated earlier left, as the lifecycle would have', async () => {
    // The dashboard's series and the card read the status history, not app_user alone.
    const rows = await query<{ left: number; recorded: number; matching: number }>(
      `select count(*)::int as left,
              count(c.user_id)::int as recorded,
              count(*) filter (where c.changed_at = u.status_changed_at and c.from_status = 'active'
                                 and c.reason = u.status_reason and c.door = 'console')::int as matching
         from app_user u left join user_status_change c on c.user_id = u.id and c.to_status = 'deactivated'
        where u.status = 'deactivated'`,
    );
    expect(rows[0]?.left).toBeGreaterThan(0);
    expect(rows[0]).toEqual({
      left: rows[0]?.left,
      recorded: rows[0]?.left,
      matching: rows[0]?.left,
    });
  });

  it('is audited as demo.seeded and refuses a second run without force', async () => {
    const events = await query<{ actor_label: string; target_id: string }>(
      "select actor_label, target_id from audit_event where action = 'demo.seeded'",
    );
    expect(events).toEqual([{ actor_label: 'cli', target_id: summary.rootOrganizationId }]);
    await expect(seedDemo(context.services, { people: 10 })).rejects.toSatisfy(
      (error) => error instanceof AppError && error.code === 'demo_already_seeded',
    );
    const again = await seedDemo(context.services, { people: 50, seed: 42, force: true });
    expect(again.rootName).toMatch(/\(2\)$/);
    const [row] = await query<{ n: number; u: number }>(
      'select count(*)::int as n, count(distinct username)::int as u from app_user',
    );
    expect(row).toEqual({ n: 350, u: 350 });
  });

  it('writes 2,000 audit events that keep the hash chain valid', async () => {
    const before = await verifyAuditChain(context.services.pool, { legacyKey: null });
    expect(before.ok).toBe(true);
    // Generated history bypasses the chaining trigger, so it is written as the owner role, as
    // `seed-demo --audit-events` does (the runtime role cannot touch audit_event directly).
    const owner = new pg.Pool({ connectionString: context.ownerUrl, max: 1 });
    const history = await generateAuditHistory(owner, {
      count: 2000,
      batchSize: 700,
    }).finally(() => owner.end());
    expect(BigInt(history.lastSeq) - BigInt(history.firstSeq) + 1n).toBe(2000n);
    const result = await verifyAuditChain(context.services.pool, { legacyKey: null });
    expect(result).toMatchObject({ ok: true, firstProblem: null, headSeq: history.lastSeq });
    expect(result.checked).toBe(Number(history.lastSeq));
    const [spread] = await query<{ actors: number; days: number; targets: number }>(
      `select count(distinct actor_id)::int as actors, count(distinct target_id)::int as targets,
              (extract(epoch from max(at) - min(at)) / 86400)::int as days
       from audit_event where details->>'demo' = 'true'`,
    );
    expect(spread?.actors).toBeGreaterThan(1);
    expect(spread?.targets).toBeGreaterThan(100);
    expect(spread?.days).toBeGreaterThan(300);
    // The chain still accepts ordinary appends after the generated history.
    await seedDemo(context.services, { people: 5, force: true });
    expect((await verifyAuditChain(context.services.pool, { legacyKey: null })).ok).toBe(true);
  });
});

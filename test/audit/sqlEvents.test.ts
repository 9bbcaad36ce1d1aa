import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealStagedEvents } from '../../server/audit/seal.ts';
import { type SqlAuditEvents, sqlAuditStaging } from '../../server/audit/sqlEvents.ts';
import { verifyAuditChain } from '../../server/audit/verify.ts';
import { systemActor, userActor } from '../../server/authz/actor.ts';
import { type CommandContext, runCommand } from '../../server/commands/runCommand.ts';
import { executeBound } from '../../server/db/execute.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

let context: TestContext;

beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false } });
});

afterAll(async () => {
  await context.close();
});

// PostgreSQL text holds no NUL; anything else goes, emoji, controls and lone surrogates included
// (the driver sends a lone surrogate as U+FFFD, which is then what is stored and hashed).
const text = fc
  .oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }))
  .map((value) => value.replaceAll('\u0000', ''));
const nullableText = fc.option(text, { nil: null });

interface StoredEvent {
  seq: string;
  action: string;
  target_id: string | null;
  target_label: string | null;
  details: Record<string, unknown> | null;
}

/** `user.created` events of the rows `r` of `from`, as a sync batch's create statement makes them. */
const createdFrom = (
  from: string,
  details: Record<string, string>,
  fromParams: (string | null)[] = [],
): SqlAuditEvents => ({
  action: 'user.created',
  targetType: 'user',
  targetId: 'r.id',
  targetLabel: 'r.label',
  details,
  from,
  fromParams,
  orderBy: 'r.id',
});

/** Stages the events through the SQL path inside a command's transaction. */
async function stageSql(ctx: CommandContext, events: SqlAuditEvents): Promise<void> {
  const staging = sqlAuditStaging(events, ctx.actor, context.services.now());
  await executeBound(ctx.em, staging.sql, staging.params);
}

/** Stages one event of one row built from the values, through the SQL path, in a command. */
async function stageOne(values: { id: string; label: string | null; note: string | null }) {
  const actor = systemActor('source:ad-«main»\\"x"\u0001');
  await runCommand(context.services, actor, async (ctx) => {
    await ctx.flushAudit();
    await stageSql(
      ctx,
      createdFrom(
        '(select ?::text as id, ?::text as label, ?::text as note) r',
        { note: 'r.note', externalId: 'r.id', status: `'active'` },
        [values.id, values.label, values.note],
      ),
    );
  });
}

describe('audit events built by PostgreSQL (a sync batch’s creates)', () => {
  it('hash to what the verifier recomputes from the stored row, for any text', async () => {
    await fc.assert(
      fc.asyncProperty(text, nullableText, nullableText, async (id, label, note) => {
        await stageOne({ id, label, note });
      }),
      { numRuns: 150 },
    );
    await sealStagedEvents(context.services.pool);
    const result = await verifyAuditChain(context.services.pool, { legacyKey: null });
    expect(result.firstProblem).toBeNull();
    expect(result.ok).toBe(true);
    const { rows } = await context.services.pool.query<{ n: number }>(
      `select count(*)::int as n from audit_event where actor_label = $1`,
      ['source:ad-«main»\\"x"\u0001'],
    );
    expect(rows[0]?.n).toBe(150);
  });

  it('store the values given, and come after the events the command recorded before', async () => {
    const actor = userActor(
      { id: '00000000-0000-4000-8000-000000000001', displayName: 'Кто-то', role: 'superadmin' },
      { ip: '10.0.0.1', userAgent: 'тест/1.0', requestId: 'req-1' },
    );
    await runCommand(context.services, actor, async (ctx) => {
      ctx.audit({ action: 'organization.created', targetType: 'organization', targetId: 'o1' });
      await ctx.flushAudit();
      await stageSql(
        ctx,
        createdFrom(
          `(values ('u2', 'Второй', null), ('u1', 'Первый "один"', 'e\\1')) r(id, label, ext)`,
          { externalId: 'r.ext' },
        ),
      );
      ctx.audit({ action: 'user.updated', targetType: 'user', targetId: 'u1' });
    });
    await sealStagedEvents(context.services.pool);
    const { rows } = await context.services.pool.query<StoredEvent>(
      `select seq::text as seq, action, target_id, target_label, details from audit_event
        where request_id = 'req-1' order by seq`,
    );
    expect(rows.map((row) => [row.action, row.target_id, row.target_label, row.details])).toEqual([
      ['organization.created', 'o1', null, null],
      ['user.created', 'u1', 'Первый "один"', { externalId: 'e\\1' }],
      ['user.created', 'u2', 'Второй', { externalId: null }],
      ['user.updated', 'u1', null, null],
    ]);
    const result = await verifyAuditChain(context.services.pool, { legacyKey: null });
    expect(result.ok).toBe(true);
  });

  it('refuse a details key that is not an identifier (its canonical order could differ)', () => {
    expect(() =>
      sqlAuditStaging(
        {
          action: 'user.created',
          targetType: 'user',
          targetId: `'x'`,
          targetLabel: `'x'`,
          details: { ключ: `'x'` },
          from: '(select 1) r',
          orderBy: '1',
        },
        systemActor(),
        new Date(),
      ),
    ).toThrow(/not an identifier/);
  });
});

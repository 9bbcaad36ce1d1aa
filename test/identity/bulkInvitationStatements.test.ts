import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userActor } from '../../server/authz/actor.ts';
import { defineAbilityFor } from '../../server/authz/index.ts';
import { runCommand } from '../../server/commands/runCommand.ts';
import {
  drainInvitationBatches,
  startBulkInvitation,
} from '../../server/identity/invitations/bulkInvite.ts';
import { createPerson } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

// The project's rule for bulk paths: set-based, never a query per row. A bulk invitation's chunk
// must run the same statements for 10 people as for 200, whatever each person's outcome.
let context: TestContext;
beforeAll(async () => {
  context = await startTestContext({ http: { port: 0, publicUrl: 'https://admin.corp.example' } });
});
afterAll(async () => {
  await drainInvitationBatches(context.services);
  await context.close();
});

const noRequest = { ip: null, userAgent: null, requestId: null };

/** Every outcome a chunk decides, in equal shares: one group of ten people per `groups`. */
const OUTCOMES = [
  ['fresh', 'invited', null],
  ['fresh', 'invited', null],
  ['fresh', 'invited', null],
  ['fresh', 'invited', null],
  ['noMail', 'skipped', 'no_email'],
  ['deactivated', 'skipped', 'deactivated'],
  ['registered', 'skipped', 'already_registered'],
  ['invited', 'skipped', 'already_invited'],
  ['forbidden', 'skipped', 'forbidden'],
  ['heldAddress', 'invited', 'held'],
] as const;

type Kind = (typeof OUTCOMES)[number][0];

/** People of one family name, `groups` × OUTCOMES, set up so each gets its outcome. */
async function seedPeople(groups: number, editorId: string) {
  const familyName = `Счётов${Date.now().toString(36)}${groups}`;
  const kinds: Kind[] = Array.from({ length: groups }, () => OUTCOMES.map(([kind]) => kind)).flat();
  const people = await Promise.all(
    kinds.map(async (kind) => {
      const person = await createPerson(context.services, {
        familyName,
        status: kind === 'deactivated' ? 'deactivated' : 'pending',
        email: kind === 'noMail' ? null : undefined,
        passwordHash: kind === 'registered' ? 'x' : null,
        role: kind === 'forbidden' ? 'admin' : null,
      });
      return { id: person.id, kind };
    }),
  );
  const of = (kind: Kind) => people.filter((person) => person.kind === kind).map(({ id }) => id);
  await context.services.pool.query(
    `insert into invitation (user_id, status, token_hash, locale, expires_at, first_sent_at,
                             last_sent_at, sent_count, updated_at)
     select id, 'invited', sha256(id::text::bytea), 'ru', now() + interval '1 day', now(), now(),
            1, now()
       from unnest($1::uuid[]) as id`,
    [of('invited')],
  );
  // An address edited by hand, as the audit log records a profile edit: it holds the invitation.
  const editor = userActor({ id: editorId, displayName: 'Редактор', role: 'admin' }, noRequest);
  await runCommand(context.services, editor, async (ctx) => {
    for (const id of of('heldAddress'))
      ctx.audit({
        action: 'user.updated',
        targetType: 'User',
        targetId: id,
        diff: { before: { email: 'old@corp.example' }, after: { email: 'new@corp.example' } },
      });
  });
  return { familyName, people };
}

/** Runs one bulk invitation in a single chunk of all its people; returns the statements' shapes. */
async function statementsOfOneChunk(groups: number) {
  const admin = await createPerson(context.services, { role: 'admin' });
  const { familyName, people } = await seedPeople(groups, admin.id);
  const actor = userActor(admin, noRequest);
  const statements: string[] = [];
  const knex = context.services.orm.em.getKnex();
  // em.execute inlines the values: strings and numbers are masked, whitespace folded, and the
  // text cut before the data, which leaves the statement's kind.
  const listener = (query: { sql: string }) =>
    statements.push(
      query.sql
        .replace(/'(?:[^']|'')*'/g, "'…'")
        .replace(/\b\d+\b/g, 'N')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 60),
    );
  knex.on('query', listener);
  let batchId: string;
  try {
    const started = await startBulkInvitation(
      context.services,
      actor,
      defineAbilityFor(actor),
      { q: familyName },
      'ru',
      { chunkSize: people.length },
    );
    batchId = started.id;
    expect(started.total).toBe(people.length);
    await drainInvitationBatches(context.services);
  } finally {
    knex.removeListener('query', listener);
  }
  const outcomes = await context.services.pool.query<{
    user_id: string;
    outcome: string;
    code: string | null;
  }>('select user_id, outcome, code from invitation_batch_item where batch_id = $1', [batchId]);
  const expected = new Map(OUTCOMES.map(([kind, outcome, code]) => [kind, [outcome, code]]));
  const byId = new Map(outcomes.rows.map((row) => [row.user_id, [row.outcome, row.code]]));
  for (const person of people) expect(byId.get(person.id)).toEqual(expected.get(person.kind));
  const mails = await context.services.pool.query<{ n: number }>(
    `select count(*)::int as n from mail_message
      where user_id = any($1::uuid[]) and template = 'invitation'`,
    [people.filter((person) => person.kind === 'fresh').map(({ id }) => id)],
  );
  expect(mails.rows[0]?.n).toBe(groups * 4);
  return statements;
}

describe('a bulk invitation chunk', () => {
  it('runs the same statements for 10 people as for 200', async () => {
    const small = await statementsOfOneChunk(1);
    const large = await statementsOfOneChunk(20);
    expect(small.length).toBeGreaterThan(0);
    // Equal lists, not just counts: a failure shows which statement multiplied.
    expect(large).toEqual(small);
  });
});

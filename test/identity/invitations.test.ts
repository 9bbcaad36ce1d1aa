import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainInvitationBatches } from '../../server/identity/invitations/bulkInvite.ts';
import { sweepInvitations } from '../../server/identity/invitations/sweep.ts';
import { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { EXPECT_POLL_MS, waitUntil } from '../support/timeouts.ts';
import { auditEvents, auditText, codeFor, secretOf } from './loginFlow.ts';
import { startMessenger } from './messengerFlow.ts';

// Mail is not configured here: invitations are queued as `unconfigured` rows (never sent), and
// showing the link is the explicit fallback. test/identity/invitationMail.test.ts sends for real.
let context: TestContext;
beforeAll(async () => {
  context = await startTestContext({ http: { port: 0, publicUrl: 'https://admin.corp.example' } });
});
afterAll(async () => {
  await drainInvitationBatches(context.services);
  await context.close();
});

interface Problem {
  code: string;
  status: number;
}
interface Invitation {
  status: string;
  sentCount: number;
  expiresAt: string | null;
  heldUntil: string | null;
}
interface Shown {
  url: string;
  expiresAt: string;
  warning: { code: string; message: string };
}
interface Batch {
  status: string;
  total: number;
  processed: number;
  invited: number;
  skipped: number;
  items: { userId: string; outcome: string | null; code: string | null }[];
}

const PASSWORD = 'a long enough passphrase';
const anonymous = () => new ApiClient(context.baseUrl);
const tokenOf = (url: string) => {
  const token = new URL(url.replace('#/', '')).searchParams.get('token');
  if (!token) throw new Error(`no token in ${url}`);
  return token;
};
const invite = (api: ApiClient, id: string, body: object = {}) =>
  api.post<Invitation & Problem>(`/api/v1/users/${id}/invitation`, body);
const showLink = (api: ApiClient, id: string) =>
  api.post<Shown & Problem>(`/api/v1/users/${id}/invitation/link`);
const mailsOf = async (userId: string) =>
  (
    await context.services.pool.query<{
      template: string;
      status: string;
      body_text: string | null;
    }>(
      'select template, status, body_text from mail_message where user_id = $1 order by created_at',
      [userId],
    )
  ).rows;

describe('inviting one person', () => {
  it('lets staff invite a plain person: queued mail, audited, no link in the answer', async () => {
    const { api } = await signedIn(context, 'staff');
    const person = await createPerson(context.services, { status: 'pending' });
    const answer = await invite(api, person.id, { locale: 'en' });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('invited');
    expect(answer.body.sentCount).toBe(1);
    expect(answer.text).not.toMatch(/token|register\?/);
    const mails = await mailsOf(person.id);
    expect(mails.map((mail) => mail.template)).toEqual(['invitation']);
    // Mail is not configured: the row is kept without a body (it would carry the link).
    expect(mails[0]?.status).toBe('unconfigured');
    expect(mails[0]?.body_text).toBeNull();
    const events = await auditEvents(context, 'invitation.sent', person.id);
    expect(events).toHaveLength(1);
    expect(events[0]?.outcome).toBe('success');

    const again = await invite(api, person.id);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_invited');
    const resent = await api.post<Invitation>(`/api/v1/users/${person.id}/invitation/resend`);
    expect(resent.status).toBe(200);
    expect(resent.body.sentCount).toBe(2);
    expect(await auditEvents(context, 'invitation.resent', person.id)).toHaveLength(1);
  });

  it('answers 401 without a session and 403 (audited) for auditors and above-rank targets', async () => {
    const person = await createPerson(context.services, { status: 'pending' });
    expect((await invite(anonymous(), person.id)).status).toBe(401);
    const { api: auditor } = await signedIn(context, 'auditor');
    const refused = await invite(auditor, person.id);
    expect(refused.status).toBe(403);
    const denied = await auditEvents(context, 'invitation.sent', person.id);
    expect(denied.map((event) => event.outcome)).toEqual(['denied']);
    const { api: staff } = await signedIn(context, 'staff');
    const admin = await createPerson(context.services, { role: 'admin', status: 'pending' });
    expect((await invite(staff, admin.id)).status).toBe(403);
    const { api: admin2 } = await signedIn(context, 'admin');
    expect((await invite(admin2, admin.id)).status).toBe(403);
  });

  it('refuses people without e-mail, deactivated people and directory logins', async () => {
    const { api } = await signedIn(context, 'admin');
    const noMail = await createPerson(context.services, { email: null });
    expect((await invite(api, noMail.id)).body.code).toBe('no_email');
    const gone = await createPerson(context.services, { status: 'deactivated' });
    expect((await invite(api, gone.id)).body.code).toBe('user_deactivated');
  });
});

describe('registration', () => {
  it('registers once from a shown link; the messenger login then works', async () => {
    const { api: admin } = await signedIn(context, 'admin');
    const person = await createPerson(context.services, { status: 'pending' });
    const shown = await showLink(admin, person.id);
    expect(shown.status).toBe(201);
    expect(shown.body.url).toMatch(/^https:\/\/admin\.corp\.example\/admin\/#\/register\?token=/);
    expect(shown.body.warning.code).toBe('link_gives_account');
    expect(await auditEvents(context, 'invitation.link_shown', person.id)).toHaveLength(1);
    const token = tokenOf(shown.body.url);

    const opened = await anonymous().post<{ displayName: string; secondFactor: unknown }>(
      '/api/v1/invitations/open',
      { token },
    );
    expect(opened.status).toBe(200);
    expect(opened.body.displayName).toBe(person.displayName);
    expect(opened.body.secondFactor).toBeNull();
    const weak = await anonymous().post<Problem>('/api/v1/invitations/register', {
      token,
      password: 'short',
    });
    expect(weak.status).toBe(422);
    const done = await anonymous().post<{ username: string }>('/api/v1/invitations/register', {
      token,
      password: PASSWORD,
    });
    expect(done.status).toBe(200);
    expect(done.body.username).toBe(person.username);
    const reused = await anonymous().post<Problem>('/api/v1/invitations/register', {
      token,
      password: 'another long passphrase',
    });
    expect(reused.status).toBe(410);
    expect(reused.body.code).toBe('invitation_used');

    const state = await admin.get<Invitation>(`/api/v1/users/${person.id}/invitation`);
    expect(state.body.status).toBe('registered');
    const registered = await auditEvents(context, 'invitation.registered', person.id);
    expect(registered).toHaveLength(1);
    expect(registered[0]?.actor_id).toBe(person.id);
    const login = await startMessenger(context, person.username as string, PASSWORD);
    expect(login.status).toBe(200);
    expect(login.body.next).toBe('done');
    expect(await auditText(context)).not.toContain(token);

    // Scope 4: a registered person is never invited again (an edited address would take over).
    const reinvite = await invite(admin, person.id);
    expect(reinvite.status).toBe(409);
    expect(reinvite.body.code).toBe('already_registered');
    const withPassword = await createPerson(context.services, { passwordHash: 'x' });
    expect((await invite(admin, withPassword.id)).body.code).toBe('already_registered');
  });

  it('enrols the second factor the policy asks for', async () => {
    const { api: admin } = await signedIn(context, 'admin');
    const person = await createPerson(context.services, { role: 'staff', status: 'pending' });
    const token = tokenOf((await showLink(admin, person.id)).body.url);
    const opened = await anonymous().post<{ secondFactor: { otpauthUri: string } }>(
      '/api/v1/invitations/open',
      { token },
    );
    const uri = opened.body.secondFactor.otpauthUri;
    // Reopening shows the same secret (the person may have scanned it already).
    const reopened = await anonymous().post<{ secondFactor: { otpauthUri: string } }>(
      '/api/v1/invitations/open',
      { token },
    );
    expect(reopened.body.secondFactor.otpauthUri).toBe(uri);
    const noCode = await anonymous().post<Problem>('/api/v1/invitations/register', {
      token,
      password: PASSWORD,
    });
    expect(noCode.body.code).toBe('second_factor_required');
    const wrong = await anonymous().post<Problem>('/api/v1/invitations/register', {
      token,
      password: PASSWORD,
      code: '000000',
    });
    expect(wrong.body.code).toBe('wrong_code');
    const done = await anonymous().post<{ recoveryCodes: string[] }>(
      '/api/v1/invitations/register',
      { token, password: PASSWORD, code: await codeFor(context, secretOf(uri)) },
    );
    expect(done.status).toBe(200);
    expect(done.body.recoveryCodes).toHaveLength(10);
    expect(await auditEvents(context, 'auth.totp_enrolled', person.id)).toHaveLength(1);
  });

  it('kills the old link on resend, and tells expired and revoked links apart', async () => {
    const { api: admin } = await signedIn(context, 'admin');
    const person = await createPerson(context.services, { status: 'pending' });
    const first = tokenOf((await showLink(admin, person.id)).body.url);
    const second = tokenOf((await showLink(admin, person.id)).body.url);
    const old = await anonymous().post<Problem>('/api/v1/invitations/open', { token: first });
    expect(old.status).toBe(400);
    expect(old.body.code).toBe('invitation_invalid');

    const start = context.services.now();
    context.setNow(new Date(start.getTime() + 73 * 3_600_000));
    try {
      const expired = await anonymous().post<Problem>('/api/v1/invitations/open', {
        token: second,
      });
      expect(expired.status).toBe(410);
      expect(expired.body.code).toBe('invitation_expired');
      // A session of this later moment (the earlier one went idle in 73 hours).
      const { api: later } = await signedIn(context, 'admin');
      const list = await later.get<{ data: { id: string; invitation: string }[] }>(
        `/api/v1/users?invitation=expired&q=${encodeURIComponent(person.familyName)}`,
      );
      expect(list.body.data.map((row) => [row.id, row.invitation])).toEqual([
        [person.id, 'expired'],
      ]);
    } finally {
      context.setNow(undefined);
    }
    const third = tokenOf((await showLink(admin, person.id)).body.url);
    const revoked = await admin.post<Invitation>(`/api/v1/users/${person.id}/invitation/revoke`, {
      reason: 'wrong person',
    });
    expect(revoked.body.status).toBe('revoked');
    expect(await auditEvents(context, 'invitation.revoked', person.id)).toHaveLength(1);
    const gone = await anonymous().post<Problem>('/api/v1/invitations/open', { token: third });
    expect(gone.status).toBe(410);
    expect(gone.body.code).toBe('invitation_revoked');
  });

  it('refuses showing the link to staff and to an equal rank', async () => {
    const { api: staff } = await signedIn(context, 'staff');
    const plain = await createPerson(context.services, { status: 'pending' });
    expect((await showLink(staff, plain.id)).status).toBe(403);
    const { api: superadmin } = await signedIn(context, 'superadmin');
    const other = await createPerson(context.services, { role: 'superadmin', status: 'pending' });
    expect((await showLink(superadmin, other.id)).status).toBe(403);
    expect(
      (await auditEvents(context, 'invitation.link_shown', other.id)).map((e) => e.outcome),
    ).toEqual(['denied']);
  });
});

describe('holds, reminders, filters', () => {
  it('holds an invitation after a hand edit of the address until a second admin approves', async () => {
    const { api: editor } = await signedIn(context, 'admin');
    const person = await createPerson(context.services, { status: 'pending' });
    const card = await editor.get<{ version: number }>(`/api/v1/users/${person.id}`);
    const edited = await editor.patch(`/api/v1/users/${person.id}`, {
      email: 'someone.else@corp.example',
      version: card.body.version,
    });
    expect(edited.status).toBe(200);
    const held = await invite(editor, person.id);
    expect(held.body.status).toBe('held');
    // Only the notice to the old address (issue 14, scope 4), no invitation.
    expect((await mailsOf(person.id)).map((mail) => mail.template)).toEqual(['addressChanged']);
    const self = await editor.post<Problem>(`/api/v1/users/${person.id}/invitation/approve`);
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('second_approver_required');
    const { api: second } = await signedIn(context, 'admin');
    const approved = await second.post<Invitation>(`/api/v1/users/${person.id}/invitation/approve`);
    expect(approved.body.status).toBe('invited');
    expect((await mailsOf(person.id)).map((mail) => mail.template)).toEqual([
      'addressChanged',
      'invitation',
    ]);
  });

  it('sends one reminder after remindAfterDays', async () => {
    const { api } = await signedIn(context, 'admin');
    const person = await createPerson(context.services, { status: 'pending' });
    await invite(api, person.id);
    const start = context.services.now();
    try {
      context.setNow(new Date(start.getTime() + 3 * 86_400_000 + 60_000));
      const first = await sweepInvitations(context.services);
      expect(first.reminded).toBeGreaterThanOrEqual(1);
      const again = await sweepInvitations(context.services);
      expect(again.reminded).toBe(0);
    } finally {
      context.setNow(undefined);
    }
    expect((await mailsOf(person.id)).map((mail) => mail.template)).toEqual([
      'invitation',
      'invitationReminder',
    ]);
    expect(await auditEvents(context, 'invitation.reminded', person.id)).toHaveLength(1);
  });

  it('invites a filtered list as one job with progress and a result per person', async () => {
    const { api } = await signedIn(context, 'admin');
    const familyName = `Пакетов${Date.now().toString(36)}`;
    const fresh = await Promise.all(
      Array.from({ length: 5 }, () =>
        createPerson(context.services, { familyName, status: 'pending' }),
      ),
    );
    const noMail = await createPerson(context.services, { familyName, email: null });
    const gone = await createPerson(context.services, { familyName, status: 'deactivated' });
    const registered = await createPerson(context.services, { familyName, passwordHash: 'x' });
    const started = await api.post<{ id: string; total: number }>('/api/v1/invitation-batches', {
      filter: { q: familyName },
      locale: 'ru',
    });
    expect(started.status).toBe(202);
    expect(started.body.total).toBe(8);
    let batch: Batch | undefined;
    await waitUntil('the bulk invitation to finish', EXPECT_POLL_MS, async () => {
      batch = (await api.get<Batch>(`/api/v1/invitation-batches/${started.body.id}`)).body;
      return batch.status !== 'running';
    });
    expect(batch?.status).toBe('succeeded');
    expect([batch?.processed, batch?.invited, batch?.skipped]).toEqual([8, 5, 3]);
    const codes = new Map(batch?.items.map((item) => [item.userId, [item.outcome, item.code]]));
    for (const person of fresh) expect(codes.get(person.id)).toEqual(['invited', null]);
    expect(codes.get(noMail.id)).toEqual(['skipped', 'no_email']);
    expect(codes.get(gone.id)).toEqual(['skipped', 'deactivated']);
    expect(codes.get(registered.id)).toEqual(['skipped', 'already_registered']);
    expect(await auditEvents(context, 'invitation.bulk_finished', started.body.id)).toHaveLength(1);

    const waiting = await api.get<{ total: number }>(
      `/api/v1/users?invitation=invited_not_registered&q=${encodeURIComponent(familyName)}&limit=1`,
    );
    expect(waiting.body.total).toBe(5);
    const notInvited = await api.get<{ total: number }>(
      `/api/v1/users?invitation=not_invited&q=${encodeURIComponent(familyName)}&limit=1`,
    );
    expect(notInvited.body.total).toBe(3);
    const { api: auditor } = await signedIn(context, 'auditor');
    expect((await auditor.post('/api/v1/invitation-batches', { filter: {} })).status).toBe(403);
  });
});

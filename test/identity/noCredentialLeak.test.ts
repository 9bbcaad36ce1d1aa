import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../server/directory/entities.ts';
import { drainInvitationBatches } from '../../server/identity/invitations/bulkInvite.ts';
import { MailWorker } from '../../server/mail/worker.ts';
import type { ApiClient, ApiResponse } from '../support/api.ts';
import { createPerson, signIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { mailConfigFor, startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { MAIL_DELIVERY_MS, SMTP_ANSWER_MS, waitUntil } from '../support/timeouts.ts';
import { auditEvents } from './loginFlow.ts';

/*
 * Issue 14, "Done when": with mail configured, no API answer gives a back-office person a usable
 * credential of someone else — walked over every operation of the OpenAPI document, through the
 * edit-the-address-then-invite path, and against re-pointing SMTP, SSO or the SMS gateway.
 */

const PUBLIC_URL = 'https://admin.corp.example';
/** A mailbox the greedy admin of the tests reads. */
const ADMINS_MAILBOX = 'greedy.admin.private@corp.example.test';

let smtp: TestSmtpServer;
let context: TestContext;
let worker: MailWorker;

/** A signed-in back-office person whose client is renewed when a request ended its session. */
interface Operator {
  user: User;
  api: ApiClient;
}

async function operator(role: 'superadmin' | 'admin', email: string): Promise<Operator> {
  const user = await createPerson(context.services, { role, email });
  return { user, api: await signIn(context, user) };
}

/** Every token a mail the SMTP server received carried (invitation and other links). */
function mailedTokens(): string[] {
  const tokens = new Set<string>();
  for (const mail of smtp.received) {
    for (const match of `${mail.text}\n${mail.html}`.matchAll(/token=([A-Za-z0-9%._~-]{16,})/g)) {
      tokens.add(decodeURIComponent(match[1] as string));
    }
  }
  return [...tokens];
}

/** Waits until the mail worker has sent everything queued. */
async function mailDrained(): Promise<void> {
  await waitUntil('every queued mail sent', MAIL_DELIVERY_MS, async () => {
    const { rows } = await context.services.pool.query<{ n: string }>(
      "select count(*) as n from mail_message where status = 'queued'",
    );
    return rows[0]?.n === '0';
  });
}

async function invitationOf(api: ApiClient, id: string) {
  return api.get<{ status: string; code?: string }>(`/api/v1/users/${id}/invitation`);
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  context = await startTestContext(
    { mail: mailConfigFor(smtp, SMTP_ANSWER_MS), http: { port: 0, publicUrl: PUBLIC_URL } },
    undefined,
    { MAIL_SMTP_PASSWORD: smtp.password },
  );
  worker = new MailWorker(context.services, { pollIntervalMs: 50, baseDelayMs: 1, maxDelayMs: 5 });
  await worker.start();
});
afterAll(async () => {
  await worker?.stop();
  if (context) await drainInvitationBatches(context.services);
  await context?.close();
  await smtp?.close();
});

interface Operation {
  method: string;
  path: string;
  operationId: string;
  security: string | null;
}

async function openApiOperations(): Promise<Operation[]> {
  const response = await fetch(`${context.baseUrl}/api/v1/openapi.json`);
  const document = (await response.json()) as {
    paths: Record<string, Record<string, { operationId?: string; security?: object[] }>>;
  };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const security = operation.security?.[0];
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: String(operation.operationId),
        security: security ? (Object.keys(security)[0] ?? null) : null,
      });
    }
  }
  return operations;
}

/** Path parameters: people's routes act on `personId`, the rest on ids that exist nowhere. */
function concretePath(path: string, personId: string): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (name === 'id' && path.startsWith('/api/v1/users/')) return personId;
    if (name === 'seq') return '1';
    return randomUUID();
  });
}

/** A credential-bearing link or field in an answer (whoever's it is, the answer must not have it). */
const LINK_WITH_TOKEN = /(register|enroll)\?token=|[?&#]token=[A-Za-z0-9%_-]{16,}/;

describe('with mail configured, no answer carries a credential of another person', () => {
  it('walks every operation of the OpenAPI document as a superadmin and an admin after an invitation', async () => {
    const actors = [
      await operator('superadmin', 'root@corp.example.test'),
      await operator('admin', 'admin@corp.example.test'),
    ];
    const invitee = await createPerson(context.services, {
      status: 'pending',
      email: 'invitee@corp.example.test',
    });
    const invited = await (actors[1] as Operator).api.post(
      `/api/v1/users/${invitee.id}/invitation`,
    );
    expect(invited.status).toBe(200);
    await waitUntil('the invitation at the SMTP server', MAIL_DELIVERY_MS, () =>
      smtp.received.some((mail) => mail.to.includes('invitee@corp.example.test')),
    );
    expect(mailedTokens()).toHaveLength(1);

    const operations = await openApiOperations();
    expect(operations.length).toBeGreaterThan(60);
    // Reads first (while the first link is live), then every write with an empty body.
    operations.sort((a, b) => Number(a.method !== 'GET') - Number(b.method !== 'GET'));
    const answers: { what: string; answer: ApiResponse }[] = [];
    for (const operation of operations) {
      for (const actor of actors) {
        const path = concretePath(operation.path, invitee.id);
        const send = () =>
          actor.api.request(operation.method, path, {
            ...(operation.method === 'GET' || operation.method === 'DELETE' ? {} : { body: {} }),
          });
        let answer = await send();
        // An earlier operation ended the actor's own session (a logout): sign in again, retry.
        if (answer.status === 401) {
          actor.api = await signIn(context, actor.user);
          answer = await send();
        }
        answers.push({
          what: `${actor.user.role} ${operation.method} ${operation.path} → ${answer.status}`,
          answer,
        });
      }
    }
    // Any link the walk made the service mail (a resend) is delivered too: its token counts.
    await mailDrained();
    const tokens = mailedTokens();
    expect(tokens.length).toBeGreaterThanOrEqual(1);
    const leaks = answers
      .filter(({ answer }) => {
        const text = `${answer.text}\n${[...answer.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}`;
        return (
          LINK_WITH_TOKEN.test(text) ||
          tokens.some((token) => text.includes(token) || text.includes(encodeURIComponent(token)))
        );
      })
      .map(({ what }) => what);
    expect(leaks).toEqual([]);
    // The one way a link could be shown is refused while mail is configured.
    for (const actor of actors) {
      const shown = await actor.api.post<{ code: string }>(
        `/api/v1/users/${invitee.id}/invitation/link`,
      );
      expect(shown.status).toBe(409);
      expect(shown.body.code).toBe('mail_configured');
    }
  });
});

describe('the enrollment link', () => {
  it('is refused while mail is configured, for a person who never registered and for one who did', async () => {
    const actors = [
      await operator('superadmin', 'root3@corp.example.test'),
      await operator('admin', 'admin3@corp.example.test'),
    ];
    const fresh = await createPerson(context.services, {
      status: 'pending',
      email: 'fresh.person@corp.example.test',
    });
    const registered = await createPerson(context.services, {
      email: 'has.password@corp.example.test',
      passwordHash: 'x',
    });
    const appointed = await createPerson(context.services, {
      role: 'staff',
      status: 'pending',
      email: 'new.staff@corp.example.test',
    });
    for (const actor of actors) {
      for (const [person, body] of [
        [fresh, {}],
        [registered, { reason: 'Забыл пароль' }],
        [appointed, {}],
      ] as const) {
        const answer = await actor.api.post<{ code: string }>(
          `/api/v1/users/${person.id}/enrollment-link`,
          body,
        );
        expect([answer.status, answer.body.code]).toEqual([409, 'mail_configured']);
        expect(answer.text).not.toMatch(LINK_WITH_TOKEN);
      }
    }
    const { rows } = await context.services.pool.query<{ n: string }>(
      'select count(*) as n from enrollment_token where user_id = any($1::uuid[])',
      [[fresh.id, registered.id, appointed.id]],
    );
    expect(rows[0]?.n).toBe('0');
    // The way in for them is an invitation, by mail (a back-office person's included).
    const invited = await (actors[0] as Operator).api.post<{ status: string }>(
      `/api/v1/users/${appointed.id}/invitation`,
    );
    expect(invited.body.status).toBe('invited');
  });
});

describe('the password reset', () => {
  it('mails the link to the person only: the answer carries the masked address, never the token', async () => {
    const actors = [
      await operator('superadmin', 'root4@corp.example.test'),
      await operator('admin', 'admin4@corp.example.test'),
    ];
    const answers: ApiResponse[] = [];
    for (const [index, actor] of actors.entries()) {
      const address = `forgot.password.${index}@corp.example.test`;
      const person = await createPerson(context.services, { email: address, passwordHash: 'x' });
      const answer = await actor.api.post<{ sentTo: string }>(
        `/api/v1/users/${person.id}/password-reset`,
        { reason: 'Забыл пароль' },
      );
      expect([answer.status, answer.body.sentTo]).toEqual([202, 'f***@corp.example.test']);
      expect(answer.text).not.toMatch(LINK_WITH_TOKEN);
      answers.push(answer);
      await waitUntil("the reset at the person's mailbox", MAIL_DELIVERY_MS, () =>
        smtp.received.some((mail) => mail.to.includes(address) && LINK_WITH_TOKEN.test(mail.text)),
      );
    }
    const tokens = mailedTokens();
    for (const answer of answers)
      for (const token of tokens) expect(answer.text).not.toContain(token);
  });

  it('holds a reset to an address an admin changed to their own', async () => {
    const admin = await operator('admin', 'reset.greedy.admin@corp.example.test');
    const mailbox = 'reset.greedy.private@corp.example.test';
    const person = await createPerson(context.services, {
      email: 'reset.rightful@corp.example.test',
      passwordHash: 'x',
    });
    const card = await admin.api.get<{ version: number }>(`/api/v1/users/${person.id}`);
    const edited = await admin.api.patch(`/api/v1/users/${person.id}`, {
      email: mailbox,
      version: card.body.version,
    });
    expect(edited.status, edited.text).toBe(200);
    const held = await admin.api.post<{ code: string }>(
      `/api/v1/users/${person.id}/password-reset`,
      { reason: 'Забыл пароль' },
    );
    expect([held.status, held.body.code]).toEqual([409, 'address_held']);
    expect(held.text).not.toMatch(LINK_WITH_TOKEN);
    await mailDrained();
    const toAdmin = smtp.received.filter((mail) => mail.to.includes(mailbox));
    expect(toAdmin).toEqual([]);
  });
});

describe('the edit-the-address-then-invite path', () => {
  it('holds the invitation of a not-yet-registered person whose address an admin changed to their own', async () => {
    const admin = await operator('admin', 'greedy.admin@corp.example.test');
    const person = await createPerson(context.services, {
      status: 'pending',
      email: 'rightful.owner@corp.example.test',
    });
    const card = await admin.api.get<{ version: number }>(`/api/v1/users/${person.id}`);
    // The admin's own account address is taken (addresses are unique): a mailbox they control.
    const taken = await admin.api.patch<{ code: string }>(`/api/v1/users/${person.id}`, {
      email: admin.user.email,
      version: card.body.version,
    });
    expect([taken.status, taken.body.code]).toEqual([409, 'already_exists']);
    const edited = await admin.api.patch(`/api/v1/users/${person.id}`, {
      email: ADMINS_MAILBOX,
      version: card.body.version,
    });
    expect(edited.status, edited.text).toBe(200);
    const held = await admin.api.post<{ status: string }>(`/api/v1/users/${person.id}/invitation`);
    expect(held.status).toBe(200);
    expect(held.body.status).toBe('held');
    expect(held.text).not.toMatch(LINK_WITH_TOKEN);
    // The same admin cannot release it; resending or showing it gives nothing either.
    const self = await admin.api.post<{ code: string }>(
      `/api/v1/users/${person.id}/invitation/approve`,
    );
    expect([self.status, self.body.code]).toEqual([403, 'second_approver_required']);
    const resent = await admin.api.post(`/api/v1/users/${person.id}/invitation/resend`);
    expect(resent.text).not.toMatch(LINK_WITH_TOKEN);
    const shown = await admin.api.post<{ code: string }>(
      `/api/v1/users/${person.id}/invitation/link`,
    );
    expect([shown.status, shown.body.code]).toEqual([409, 'mail_configured']);
    expect((await invitationOf(admin.api, person.id)).body.status).toBe('held');
    await mailDrained();
    // Nothing with a link went to the new address (a notice to the old one may).
    const toAdmin = smtp.received.filter((mail) => mail.to.includes(ADMINS_MAILBOX));
    expect(toAdmin.filter((mail) => LINK_WITH_TOKEN.test(mail.text + mail.html))).toEqual([]);
    const { rows } = await context.services.pool.query<{ template: string }>(
      `select template from mail_message where user_id = $1 and recipient = $2`,
      [person.id, ADMINS_MAILBOX],
    );
    expect(rows.map((row) => row.template)).not.toContain('invitation');
    const heldEvents = await auditEvents(context, 'invitation.held', person.id);
    // The invitation and the resend each recorded the hold.
    expect(heldEvents.length).toBeGreaterThanOrEqual(1);
    for (const event of heldEvents)
      expect([event.outcome, event.actor_id]).toEqual(['success', admin.user.id]);
    const edits = await auditEvents(context, 'user.updated', person.id);
    expect(edits.some((event) => JSON.stringify(event.diff).includes(ADMINS_MAILBOX))).toBe(true);
  });

  it('refuses to invite a registered person again, whatever their address now is', async () => {
    const admin = await operator('admin', 'second.admin@corp.example.test');
    const person = await createPerson(context.services, {
      email: 'registered.person@corp.example.test',
      passwordHash: 'x',
    });
    const card = await admin.api.get<{ version: number }>(`/api/v1/users/${person.id}`);
    const edited = await admin.api.patch(`/api/v1/users/${person.id}`, {
      email: 'second.admin.private@corp.example.test',
      version: card.body.version,
    });
    expect(edited.status, edited.text).toBe(200);
    const invite = await admin.api.post<{ code: string }>(`/api/v1/users/${person.id}/invitation`);
    expect([invite.status, invite.body.code]).toEqual([409, 'already_registered']);
    const resend = await admin.api.post<{ code: string }>(
      `/api/v1/users/${person.id}/invitation/resend`,
    );
    expect(resend.status).toBe(409);
    const shown = await admin.api.post<{ code: string }>(
      `/api/v1/users/${person.id}/invitation/link`,
    );
    expect(shown.status).toBe(409);
    for (const answer of [invite, resend, shown]) expect(answer.text).not.toMatch(LINK_WITH_TOKEN);
    await mailDrained();
    const { rows } = await context.services.pool.query<{ template: string }>(
      `select template from mail_message where user_id = $1 and template like 'invitation%'`,
      [person.id],
    );
    expect(rows).toEqual([]);
  });
});

describe('re-pointing SMTP, SSO or the SMS gateway', () => {
  /** Path prefixes of the settings a superadmin could harvest credentials through. */
  const SETTINGS = /^\/api\/v1\/(mail|sso|oidc|sms|settings|config|smtp|gateway)(\/|$)/;

  it('the API has no operation that writes these settings', async () => {
    const operations = await openApiOperations();
    const writes = operations
      .filter((operation) => operation.method !== 'GET' && SETTINGS.test(operation.path))
      .map((operation) => `${operation.method} ${operation.path}`);
    // The only write under /mail sends a test mail through the configured relay.
    expect(writes).toEqual(['POST /api/v1/mail/test']);
    // No operation anywhere takes an SMTP host, an issuer or a gateway in its body.
    const response = await fetch(`${context.baseUrl}/api/v1/openapi.json`);
    const text = await response.text();
    for (const field of ['"smtp"', '"issuer"', '"clientSecret"', '"gateway"', '"urlTemplate"'])
      expect(text).not.toContain(field);
  });

  it('answers 404 or 405 to writes at plausible settings paths, and the settings stay as the file says', async () => {
    const root = await operator('superadmin', 'root2@corp.example.test');
    const evil = {
      host: 'smtp.attacker.example',
      port: 25,
      issuer: 'https://idp.attacker.example',
    };
    const paths = [
      '/mail/settings',
      '/mail/smtp',
      '/mail',
      '/settings',
      '/settings/mail',
      '/settings/sso',
      '/settings/sms',
      '/sso',
      '/sso/oidc',
      '/sso/settings',
      '/oidc/settings',
      '/auth/oidc/settings',
      '/sms',
      '/sms/gateway',
      '/sms/settings',
      '/config',
    ];
    const answers: string[] = [];
    for (const path of paths) {
      for (const method of ['POST', 'PUT', 'PATCH']) {
        const answer = await root.api.request(method, `/api/v1${path}`, { body: evil });
        if (![404, 405].includes(answer.status))
          answers.push(`${method} ${path} → ${answer.status}`);
      }
    }
    expect(answers).toEqual([]);
    const settings = await root.api.get<{ host: string; port: number; source: string }>(
      '/api/v1/mail/settings',
    );
    expect(settings.body).toMatchObject({ host: smtp.host, port: smtp.port, source: 'config' });
    expect(context.services.config.mail.smtp?.host).toBe(smtp.host);
  });

  it('reads these settings from the configuration file only: no environment variable or table sets them', async () => {
    const { loadConfig } = await import('../../server/config.ts');
    const base = { DATABASE_URL: context.databaseUrl, SECRET_KEY: 'a'.repeat(44) };
    const plain = loadConfig(base);
    const pointed = loadConfig({
      ...base,
      MAIL_SMTP_HOST: 'smtp.attacker.example',
      SMTP_HOST: 'smtp.attacker.example',
      MAIL_HOST: 'smtp.attacker.example',
      SSO_OIDC_ISSUER: 'https://idp.attacker.example',
      OIDC_ISSUER: 'https://idp.attacker.example',
      SMS_GATEWAY_URL: 'https://sms.attacker.example',
      SMS_URL: 'https://sms.attacker.example',
    });
    expect(pointed.mail).toEqual(plain.mail);
    expect(pointed.sso).toEqual(plain.sso);
    expect(pointed.sms).toEqual(plain.sms);
    // Nor does the database hold them (a row a superadmin could change through some door). Two
    // tables of issue 18 carry "config" in their names and set none of them: `config_change`
    // holds changes of directory sources only (its check constraint says so, asserted below),
    // and `config_file_state` is a record of the file's fingerprint, read by nothing that loads
    // settings.
    const { rows } = await context.services.pool.query<{ name: string }>(
      `select table_name || '.' || column_name as name from information_schema.columns
        where table_schema = 'public'
          and table_name not in ('config_change', 'config_file_state')
          and (table_name ~ '(setting|config|smtp|gateway)' or column_name ~ '(smtp_(host|port|user|pass)|issuer_url|gateway_url)')`,
    );
    expect(rows).toEqual([]);
    const { rows: checks } = await context.services.pool.query<{ definition: string }>(
      `select pg_get_constraintdef(oid) as definition from pg_constraint
        where conrelid = 'config_change'::regclass and contype = 'c'
          and pg_get_constraintdef(oid) like '%setting%'`,
    );
    expect(checks.map((check) => check.definition)).toEqual([
      "CHECK ((setting = 'directory_source'::text))",
    ]);
  });
});

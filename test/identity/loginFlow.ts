import type { Role } from '../../server/authz/roles.ts';
import type { User } from '../../server/directory/entities.ts';
import { hashPassword } from '../../server/identity/passwords.ts';
import { totpCode } from '../../server/identity/totp.ts';
import { ApiClient, type ApiResponse } from '../support/api.ts';
import { createPerson, type PersonOverrides } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';

/** A password that meets the policy. */
export const GOOD_PASSWORD = 'correct horse battery staple';

/** A person with a role and a password (hashed like the service does). */
export async function backofficePerson(
  context: TestContext,
  role: Role | null,
  overrides: PersonOverrides = {},
  password = GOOD_PASSWORD,
): Promise<User> {
  return createPerson(context.services, {
    role,
    passwordHash: await hashPassword(password),
    ...overrides,
  });
}

/** The Base32 secret of an otpauth URI. */
export function secretOf(uri: string): string {
  const secret = new URL(uri).searchParams.get('secret');
  if (!secret) throw new Error(`no secret in ${uri}`);
  return secret;
}

/** The current code (by the service clock) for a secret. */
export function codeFor(context: TestContext, secret: string, offsetSeconds = 0): Promise<string> {
  return totpCode(secret, new Date(context.services.now().getTime() + offsetSeconds * 1000));
}

/** What the password step answers. */
export interface PasswordStep {
  next: 'totp' | 'totp_enroll';
  otpauthUri?: string;
  qrCode?: string;
}

/** Me, as GET /me and the TOTP step answer it. */
export interface MeBody {
  user: { id: string; username: string; displayName: string; role: Role; email: string | null };
  role: Role;
  rules: unknown[];
  csrfToken: string;
}

/** Runs the whole login through the API; returns the signed-in client and the factor's secret. */
export async function logIn(
  context: TestContext,
  username: string,
  password = GOOD_PASSWORD,
  secret?: string,
): Promise<{ api: ApiClient; secret: string; me: ApiResponse<MeBody> }> {
  const api = new ApiClient(context.baseUrl);
  const step = await api.post<PasswordStep>('/api/v1/session', { username, password });
  if (step.status !== 200) throw new Error(`password step: ${step.status} ${step.text}`);
  const factorSecret = step.body.otpauthUri ? secretOf(step.body.otpauthUri) : secret;
  if (!factorSecret) throw new Error('no TOTP secret to answer with');
  const me = await api.post<MeBody>('/api/v1/session/totp', {
    code: await codeFor(context, factorSecret),
  });
  if (me.status !== 200) throw new Error(`totp step: ${me.status} ${me.text}`);
  api.csrfToken = me.body.csrfToken;
  return { api, secret: factorSecret, me };
}

/** An audit event as the tests read it. */
export interface AuditRow {
  seq: string;
  action: string;
  outcome: string;
  actor_id: string | null;
  actor_label: string;
  target_id: string | null;
  target_label: string | null;
  diff: Record<string, unknown> | null;
  details: Record<string, unknown> | null;
}

/** Audit events of an action (optionally about one target), oldest first. */
export async function auditEvents(
  context: TestContext,
  action: string,
  targetId?: string,
): Promise<AuditRow[]> {
  const params: string[] = [action];
  let sql =
    'select seq::text as seq, action, outcome, actor_id, actor_label, target_id, target_label, diff, details from audit_event where action = ?';
  if (targetId) {
    sql += ' and target_id = ?';
    params.push(targetId);
  }
  return context.services.orm.em.fork().execute<AuditRow[]>(`${sql} order by seq`, params);
}

/** Every stored audit event as text, to prove a secret never reached it. */
export async function auditText(context: TestContext): Promise<string> {
  const rows = await context.services.orm.em
    .fork()
    .execute<{ text: string }[]>(
      "select coalesce(string_agg(row_to_json(a)::text, chr(10)), '') as text from audit_event a",
    );
  return rows[0]?.text ?? '';
}

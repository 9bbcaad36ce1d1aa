import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';

/** What the card tells of a person's credentials (never a credential itself). */
export const credentialFactsView = z.object({
  /** Ever had a credential: an enrollment link for them is a disclosure and needs a reason. */
  hasCredentials: z.boolean(),
  /** Enrollment links issued over existing credentials, newest first. */
  credentialDisclosures: z.array(
    z.object({
      at: z.iso.datetime(),
      byId: z.string().nullable(),
      byLabel: z.string().nullable(),
      reason: z.string().nullable(),
      expiresAt: z.iso.datetime(),
      usedAt: z.iso.datetime().nullable(),
    }),
  ),
});

/** What the card tells of a person's credentials (credentialFactsView). */
export type CredentialFacts = z.infer<typeof credentialFactsView>;

/** An enrollment link that disclosed a way into an account that already had credentials. */
export type CredentialDisclosure = CredentialFacts['credentialDisclosures'][number];

/** How many disclosures the card lists (newest first). */
const DISCLOSURES_SHOWN = 20;

// Any trace of a credential, past or present: a link for such a person is a disclosure.
const HAS_CREDENTIALS_SQL = `
select u.id
  from app_user u
 where u.id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
   and (u.password_hash is not null or u.password_changed_at is not null
        or u.last_login_at is not null
        or u.login_method in ('ldap', 'oidc', 'email_code', 'sms_code')
        or exists (select 1 from totp_factor f where f.user_id = u.id)
        or exists (select 1 from device_session d where d.user_id = u.id)
        or exists (select 1 from backoffice_session b where b.user_id = u.id)
        or exists (select 1 from enrollment_token e where e.user_id = u.id and e.used_at is not null))`;

/** Whether the person has ever had a credential (see HAS_CREDENTIALS_SQL). */
export async function hasEverHadCredentials(em: EntityManager, userId: string): Promise<boolean> {
  return (await everHadCredentials(em, [userId])).has(userId);
}

/**
 * Which of `userIds` have ever had a credential, in one statement whatever their number (bulk
 * paths are set-based); the same rule as hasEverHadCredentials.
 */
export async function everHadCredentials(
  em: EntityManager,
  userIds: readonly string[],
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await em.execute<{ id: string }[]>(HAS_CREDENTIALS_SQL, [JSON.stringify(userIds)]);
  return new Set(rows.map((row) => row.id));
}

/** The credential facts of a person's card. */
export async function credentialFacts(em: EntityManager, userId: string): Promise<CredentialFacts> {
  const rows = await em.execute<
    {
      created_at: Date;
      created_by_id: string | null;
      by_label: string | null;
      reason: string | null;
      expires_at: Date;
      used_at: Date | null;
    }[]
  >(
    `select e.created_at, e.created_by_id, coalesce(b.username, b.display_name) as by_label,
            e.reason, e.expires_at, e.used_at
       from enrollment_token e left join app_user b on b.id = e.created_by_id
      where e.user_id = ? and e.disclosure order by e.created_at desc limit ?`,
    [userId, DISCLOSURES_SHOWN],
  );
  const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);
  return {
    hasCredentials: await hasEverHadCredentials(em, userId),
    credentialDisclosures: rows.map((row) => ({
      at: new Date(row.created_at).toISOString(),
      byId: row.created_by_id,
      byLabel: row.by_label,
      reason: row.reason,
      expiresAt: new Date(row.expires_at).toISOString(),
      usedAt: iso(row.used_at),
    })),
  };
}

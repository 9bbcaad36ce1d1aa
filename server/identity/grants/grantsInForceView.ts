import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { GRANTABLE_ROLES } from './entity.ts';
import { scopeOrganization } from './schemas.ts';

/** One role grant a person holds now, as `GET /me` shows it to the console. */
export const grantInForceView = z.object({
  role: z.enum(GRANTABLE_ROLES),
  /** The organizations whose subtrees the role reaches, named; empty: the whole company. */
  scope: z.array(scopeOrganization),
  /** When it lapses; null: until withdrawn. */
  expiresAt: z.string().nullable(),
});
export type GrantInForceView = z.infer<typeof grantInForceView>;

/**
 * The grants of a person in force at `now`, each with its scope's organizations named (the
 * roots as granted, not their expanded subtrees), in one statement.
 */
export async function grantsInForceView(
  em: EntityManager,
  userId: string,
  now: Date,
): Promise<GrantInForceView[]> {
  const rows = await em.execute<
    {
      role: GrantInForceView['role'];
      expires_at: Date | string | null;
      scope: { id: string; name: string }[];
    }[]
  >(
    `select g.role, g.expires_at,
            coalesce((select jsonb_agg(jsonb_build_object('id', o.id, 'name', o.name)
                                       order by o.name collate "und-x-icu")
                        from organization o where o.id = any(g.scope)), '[]'::jsonb) as scope
       from role_grant g
      where g.user_id = ? and g.ended_at is null and (g.expires_at is null or g.expires_at > ?)
      order by g.created_at, g.id`,
    [userId, now],
  );
  return rows.map((row) => ({
    role: row.role,
    scope: row.scope,
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at).toISOString(),
  }));
}

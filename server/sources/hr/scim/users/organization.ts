import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditEventInput } from '../../../../audit/actions.ts';

/**
 * The organization of a department name, created (kind department, source scim) when missing,
 * as the sync engine does. Names match case-insensitively; a top-level one wins over nested ones.
 */
export async function organizationIdByName(
  em: EntityManager,
  name: string | null,
  audit: (event: AuditEventInput) => void,
): Promise<string | null> {
  if (!name) return null;
  const find = async () => {
    const [row] = await em.execute<{ id: string }[]>(
      `select id from organization where lower(name) = lower(?)
        order by (parent_id is null) desc, created_at, id limit 1`,
      [name],
    );
    return row?.id ?? null;
  };
  const existing = await find();
  if (existing) return existing;
  const [created] = await em.execute<{ id: string }[]>(
    `insert into organization (id, name, kind, source) values (?, ?, 'department', 'scim')
     on conflict do nothing returning id`,
    [randomUUID(), name],
  );
  if (!created) return find();
  audit({
    action: 'organization.created',
    targetType: 'Organization',
    targetId: created.id,
    targetLabel: name,
    diff: { after: { name, kind: 'department', source: 'scim' } },
  });
  return created.id;
}

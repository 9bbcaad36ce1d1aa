import { randomUUID } from 'node:crypto';
import type { Actor } from '../../../../authz/actor.ts';
import { authorize } from '../../../../authz/index.ts';
import { runCommand } from '../../../../commands/runCommand.ts';
import { conflict, notFound } from '../../../../shared/errors.ts';
import type { Services } from '../../../../shared/services.ts';
import { newScimToken } from './format.ts';
import type { TokenView } from './schemas.ts';

interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  created_at: Date;
  created_by: string | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);

function present(row: TokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    origin: 'database',
    prefix: row.prefix,
    createdAt: iso(row.created_at),
    createdBy: row.created_by,
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  };
}

const SELECT = `select t.id, t.name, t.prefix, t.created_at, coalesce(u.username, u.display_name) as created_by,
  t.last_used_at, t.revoked_at from scim_token t left join app_user u on u.id = t.created_by_id`;

/** Lists SCIM tokens (superadmin, auditor): made here, then those of the configuration. */
export function listScimTokens(
  services: Services,
  actor: Actor,
): Promise<{ data: TokenView[]; total: number }> {
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    authorize(ability, 'read', 'ScimToken', {
      auditAction: 'scim_token.listed',
      targetType: 'scim_token',
    });
    const rows = await em.execute<TokenRow[]>(`${SELECT} order by t.created_at desc, t.id`);
    const data: TokenView[] = [
      ...rows.map(present),
      ...services.config.hr.scim.tokens.map((token) => ({
        id: `config:${token.name}`,
        name: token.name,
        origin: 'config' as const,
        prefix: null,
        createdAt: null,
        createdBy: null,
        lastUsedAt: null,
        revokedAt: null,
      })),
    ];
    audit({
      action: 'scim_token.listed',
      targetType: 'scim_token',
      details: { count: data.length },
    });
    return { data, total: data.length };
  });
}

/** Makes a SCIM token (superadmin); the answer carries the token, which is never shown again. */
export function createScimToken(
  services: Services,
  actor: Actor,
  name: string,
): Promise<TokenView & { token: string }> {
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    authorize(ability, 'create', 'ScimToken', {
      auditAction: 'scim_token.created',
      targetType: 'scim_token',
      targetLabel: name,
    });
    const { token, prefix, hash } = newScimToken();
    const id = randomUUID();
    await em.execute(
      `insert into scim_token (id, name, prefix, token_hash, created_at, created_by_id)
       values (?, ?, ?, decode(?, 'hex'), ?, ?)`,
      [id, name, prefix, hash.toString('hex'), services.now().toISOString(), actor.userId],
    );
    audit({
      action: 'scim_token.created',
      targetType: 'scim_token',
      targetId: id,
      targetLabel: name,
      details: { prefix },
    });
    const [row] = await em.execute<TokenRow[]>(`${SELECT} where t.id = ?`, [id]);
    return { ...present(row as TokenRow), token };
  });
}

/** Revokes a SCIM token (superadmin): its next request is refused. */
export function revokeScimToken(services: Services, actor: Actor, id: string): Promise<TokenView> {
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    authorize(ability, 'delete', 'ScimToken', {
      auditAction: 'scim_token.revoked',
      targetType: 'scim_token',
      targetId: id,
    });
    const [found] = await em.execute<TokenRow[]>(`${SELECT} where t.id = ?`, [id]);
    if (!found) throw notFound('SCIM token');
    if (found.revoked_at) throw conflict('already_revoked', 'This token is already revoked');
    await em.execute('update scim_token set revoked_at = ?, revoked_by_id = ? where id = ?', [
      services.now().toISOString(),
      actor.userId,
      id,
    ]);
    audit({
      action: 'scim_token.revoked',
      targetType: 'scim_token',
      targetId: id,
      targetLabel: found.name,
      details: { prefix: found.prefix },
    });
    const [row] = await em.execute<TokenRow[]>(`${SELECT} where t.id = ?`, [id]);
    return present(row as TokenRow);
  });
}

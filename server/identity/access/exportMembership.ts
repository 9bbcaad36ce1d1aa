import { subject } from '@casl/ability';
import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, authorize } from '../../authz/index.ts';
import { accessCondition, matchesNothing } from '../../authz/sql.ts';
import type { MembershipVia } from '../../directory/entities.ts';
import { isoSql } from '../../directory/organizations/support.ts';
import { fullNameSql } from '../../directory/users/presentUser.ts';
import { ForbiddenError, notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { type CsvColumn, type CsvFile, type ExportLang, exportCsv, isoCell } from './csv.ts';
import {
  loadReadablePerson,
  ORGANIZATION_VIA_SOURCE_SQL,
  ORGANIZATION_VIA_SQL,
} from './personAccess.ts';
import { roleWord, statusWord, viaWord } from './words.ts';

interface MemberRow {
  id: string;
  full_name: string;
  username: string | null;
  email: string | null;
  status: string;
  organization: string | null;
  via: string;
  via_source_id: string | null;
  added_at: string;
  added_by: string | null;
}

const VIA_COLUMNS = {
  via: { ru: 'Почему', en: 'Why' },
  source: { ru: 'Источник', en: 'Source' },
  since: { ru: 'С (UTC)', en: 'Since (UTC)' },
};

const MEMBER_COLUMNS: CsvColumn<MemberRow>[] = [
  { header: { ru: 'ID', en: 'ID' }, value: (row) => row.id },
  { header: { ru: 'ФИО', en: 'Full name' }, value: (row) => row.full_name },
  { header: { ru: 'Логин', en: 'Login' }, value: (row) => row.username },
  { header: { ru: 'Эл. почта', en: 'E-mail' }, value: (row) => row.email },
  { header: { ru: 'Организация', en: 'Organization' }, value: (row) => row.organization },
  { header: { ru: 'Статус', en: 'Status' }, value: (row, lang) => statusWord(lang, row.status) },
  { header: VIA_COLUMNS.via, value: (row, lang) => viaWord(lang, row.via) },
  { header: VIA_COLUMNS.source, value: (row) => row.via_source_id },
  { header: VIA_COLUMNS.since, value: (row) => isoCell(row.added_at) },
  { header: { ru: 'Кто добавил', en: 'Added by' }, value: (row) => row.added_by },
];

/**
 * Exports a space's members with why each is in it, as CSV (read the space, export people:
 * superadmin, admin of the space's organization, auditor); only people the caller may read.
 * Audited as every access export.
 */
export function exportSpaceMembers(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  spaceId: string,
  query: { lang: ExportLang; via?: MembershipVia },
): Promise<CsvFile> {
  return exportCsv<MemberRow>(services, actor, ability, query.lang, async ({ em }) => {
    const [space] = await em.execute<{ name: string; organization_id: string | null }[]>(
      'select name, organization_id from space where id = ?',
      [spaceId],
    );
    if (!space) throw notFound('Space');
    const attempt = {
      auditAction: 'access.exported',
      targetType: 'Space',
      targetId: spaceId,
      targetLabel: space.name,
    };
    authorize(
      ability,
      'read',
      subject('Space', { id: spaceId, organizationId: space.organization_id }),
      attempt,
    );
    authorize(ability, 'export', 'User', attempt);
    const readable = accessCondition(em, ability, 'read', 'User', 'User', 'u.id');
    if (matchesNothing(readable))
      throw new ForbiddenError({ action: 'access.exported', targetId: spaceId });
    const params: unknown[] = [spaceId, ...readable.params];
    if (query.via) params.push(query.via);
    return {
      statement: {
        sql: `select u.id, ${fullNameSql('u')} as full_name, u.username, u.email, u.status,
            o.name as organization, m.via, m.via_source_id, ${isoSql('m.added_at')} as added_at,
            ${fullNameSql('a')} as added_by
          from space_member m join app_user u on u.id = m.user_id
          left join organization o on o.id = u.organization_id
          left join app_user a on a.id = m.added_by_id
         where m.space_id = ? and ${readable.sql} ${query.via ? 'and m.via = ?' : ''}
         order by u.family_name collate "und-x-icu", u.given_name collate "und-x-icu", u.id`,
        params,
      },
      columns: MEMBER_COLUMNS,
      details: { view: 'space-members', spaceId, via: query.via ?? null },
      targetType: 'Space',
      targetId: spaceId,
      targetLabel: space.name,
      filename: 'space-members',
    };
  });
}

interface PersonRow {
  kind: 'organization' | 'space' | 'role';
  name: string;
  via: string | null;
  source: string | null;
  since: string | null;
  until: string | null;
  detail: string | null;
}

const KIND: Record<ExportLang, Record<PersonRow['kind'], string>> = {
  ru: { organization: 'Организация', space: 'Пространство', role: 'Роль' },
  en: { organization: 'Organization', space: 'Space', role: 'Role' },
};

const PERSON_COLUMNS: CsvColumn<PersonRow>[] = [
  { header: { ru: 'Что', en: 'What' }, value: (row, lang) => KIND[lang][row.kind] },
  {
    header: { ru: 'Название', en: 'Name' },
    value: (row, lang) => (row.kind === 'role' ? roleWord(lang, row.name) : row.name),
  },
  { header: VIA_COLUMNS.via, value: (row, lang) => (row.via ? viaWord(lang, row.via) : null) },
  { header: VIA_COLUMNS.source, value: (row) => row.source },
  { header: VIA_COLUMNS.since, value: (row) => isoCell(row.since) },
  { header: { ru: 'До (UTC)', en: 'Until (UTC)' }, value: (row) => isoCell(row.until) },
  {
    header: { ru: 'Область / кто добавил', en: 'Scope / added by' },
    value: (row) => row.detail,
  },
];

/**
 * Exports everything a person has access to as CSV: their organization, every space (with why)
 * and every back-office right in force (with scope and expiry). For whoever may read the person
 * and export people; audited as every access export.
 */
export function exportPersonAccess(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  userId: string,
  query: { lang: ExportLang },
): Promise<CsvFile> {
  return exportCsv<PersonRow>(services, actor, ability, query.lang, async ({ em }) => {
    const user = await loadReadablePerson(em, ability, userId, 'access.exported');
    const label = user.username ?? user.displayName;
    authorize(ability, 'export', 'User', {
      auditAction: 'access.exported',
      targetType: 'user',
      targetId: user.id,
      targetLabel: label,
    });
    const precedence = services.config.hr.precedence.organization;
    const now = services.now();
    // Only spaces the caller may read, as on the person's card.
    const spaces = accessCondition(em, ability, 'read', 'Space', 'Space', 's.id');
    return {
      statement: {
        sql: `select * from (
          select 'organization' as kind, o.name, ${ORGANIZATION_VIA_SQL} as via,
                 ${ORGANIZATION_VIA_SOURCE_SQL} as source, null as since, null as until,
                 null as detail, 0 as ord
            from app_user u join organization o on o.id = u.organization_id where u.id = ?
          union all
          select 'space', s.name, m.via, m.via_source_id, ${isoSql('m.added_at')}, null,
                 ${fullNameSql('a')}, 1
            from space_member m join space s on s.id = m.space_id
            left join app_user a on a.id = m.added_by_id where m.user_id = ? and ${spaces.sql}
          union all
          select 'role', u.role, null, null, null, null, null, 2
            from app_user u where u.id = ? and u.role is not null
          union all
          select 'role', g.role, null, null, ${isoSql('g.created_at')}, ${isoSql('g.expires_at')},
                 (select string_agg(o.name, ', ' order by o.name) from organization o
                   where o.id = any(g.scope)), 3
            from role_grant g
           where g.user_id = ? and g.ended_at is null and (g.expires_at is null or g.expires_at > ?)
        ) r order by r.ord, lower(r.name), r.since`,
        params: [precedence, precedence, user.id, user.id, ...spaces.params, user.id, user.id, now],
      },
      columns: PERSON_COLUMNS,
      details: { view: 'person' },
      targetType: 'user',
      targetId: user.id,
      targetLabel: label,
      filename: 'person-access',
    };
  });
}

import type { Actor } from '../../authz/actor.ts';
import type { AppAbility } from '../../authz/index.ts';
import { ForbiddenError } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { type CsvColumn, type CsvFile, exportCsv, isoCell } from './csv.ts';
import { authorizeView, viewContext } from './listAccessView.ts';
import type { AccessExportQuery, AccessRowView, AccessViewName } from './schemas.ts';
import { viewStatement } from './views.ts';
import { goneWord, roleWord, statusWord } from './words.ts';

type Column = CsvColumn<AccessRowView>;

const PERSON: Column[] = [
  { header: { ru: 'ID', en: 'ID' }, value: (row) => row.userId },
  { header: { ru: 'ФИО', en: 'Full name' }, value: (row) => row.fullName },
  { header: { ru: 'Логин', en: 'Login' }, value: (row) => row.username },
  { header: { ru: 'Эл. почта', en: 'E-mail' }, value: (row) => row.email },
  { header: { ru: 'Организация', en: 'Organization' }, value: (row) => row.organizationName },
  { header: { ru: 'Статус', en: 'Status' }, value: (row, lang) => statusWord(lang, row.status) },
];
const ROLES: Column = {
  header: { ru: 'Роли', en: 'Roles' },
  value: (row, lang) => row.roles.map((role) => roleWord(lang, role)).join(', '),
};
const LAST_LOGIN: Column = {
  header: { ru: 'Последний вход (UTC)', en: 'Last login (UTC)' },
  value: (row) => isoCell(row.lastLoginAt),
};
const LAST_BACKOFFICE: Column = {
  header: { ru: 'Последний вход в консоль (UTC)', en: 'Last console use (UTC)' },
  value: (row) => isoCell(row.lastBackofficeAt),
};
const IDLE: Column = {
  header: { ru: 'Дней без входа', en: 'Days idle' },
  value: (row) => (row.idleDays === null ? null : String(row.idleDays)),
};

const COLUMNS: Record<AccessViewName, Column[]> = {
  dormant: [...PERSON, LAST_LOGIN, IDLE],
  orphaned: [
    ...PERSON,
    { header: { ru: 'Источники', en: 'Sources' }, value: (row) => row.owners.join(', ') },
    {
      header: { ru: 'Почему отсутствует', en: 'Why gone' },
      value: (row, lang) =>
        row.goneFrom.map((gone) => `${gone.sourceId}: ${goneWord(lang, gone.reason)}`).join('; '),
    },
    LAST_LOGIN,
  ],
  'no-second-factor': [
    ...PERSON,
    ROLES,
    { header: { ru: 'Способ входа', en: 'Login method' }, value: (row) => row.loginMethod },
    LAST_BACKOFFICE,
  ],
  'unused-backoffice': [...PERSON, ROLES, LAST_BACKOFFICE, IDLE],
};

/**
 * Exports a company access view, with its filters, as CSV: every row the list shows (the
 * caller's read rules included), streamed; audited (`access.exported`, `access.export_finished`).
 * Exporting needs the people export right too (superadmin, admin, auditor).
 */
export function exportAccessView(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  view: AccessViewName,
  query: AccessExportQuery,
): Promise<CsvFile> {
  const { lang, ...filter } = query;
  return exportCsv<AccessRowView>(services, actor, ability, lang, async ({ em }) => {
    const readable = authorizeView(em, ability, view, 'access.exported');
    if (!readable || !ability.can('export', 'User'))
      throw new ForbiddenError({
        action: 'access.exported',
        targetType: 'access_view',
        targetLabel: view,
      });
    const statement = viewStatement(view, filter, viewContext(services, readable), {});
    return {
      statement,
      columns: COLUMNS[view],
      details: { view, filter },
      targetType: 'access_view',
      targetLabel: view,
      filename: `access-${view}`,
    };
  });
}

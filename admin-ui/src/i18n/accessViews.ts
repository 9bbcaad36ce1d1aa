/**
 * Messages of the access views (issue 18, scope 4): the person's «Доступ» section, member
 * reasons on a space, the «Обзор доступа» page, and their audit words. Kept in a module of their
 * own and merged into both dictionaries by messages.ts, so the dictionaries' other reviews merge
 * without conflicts. Russian plurals use polyglot's three forms with `smart_count`.
 */
export const accessViewsEn = {
  access: {
    title: 'Access',
    page_title: 'Access overview',
    tabs: {
      dormant: 'Dormant',
      orphaned: 'Gone from sources',
      'no-second-factor': 'No second factor',
      'unused-backoffice': 'Unused console accounts',
    },
    about: {
      dormant:
        'Active people who have not signed in for the given number of days (never signed in: counted from when they were added).',
      orphaned:
        'People still here whom every source that feeds them no longer lists: the deactivation was held for approval, blocked or not applied, or the source was removed.',
      'no-second-factor':
        'People with a console role (standing or granted) who have no authenticator enrolled.',
      'unused-backoffice':
        'People with a console role who have not used the console for the given number of days.',
    },
    filters: {
      q: 'Search: name, email, login',
      organization: 'Organization (with its subtree)',
      days: 'Idle for at least, days',
    },
    fields: {
      fullName: 'Full name',
      organizationName: 'Organization',
      status: 'Status',
      roles: 'Roles',
      loginMethod: 'Login method',
      lastLoginAt: 'Last sign-in',
      lastBackofficeAt: 'Last console use',
      idleDays: 'Days idle',
      owners: 'Sources',
      goneFrom: 'Why gone',
    },
    never: 'never',
    export_csv: 'Export CSV',
    via: {
      manual: 'By hand',
      directory_group: 'Directory group',
      directory: 'Directory',
      hr: 'HR system',
      scim: 'SCIM group',
      import: 'Bulk load',
    },
    gone: {
      source_removed: 'source removed',
      deactivation_not_applied: 'deactivation not applied',
    },
    person: {
      organization: 'Organization',
      why: 'Why',
      source: 'Source',
      spaces: 'Spaces',
      spaces_count: '%{smart_count} space |||| %{smart_count} spaces',
      shown: 'The first %{shown} of %{total} are shown; the export has them all.',
      no_organization: 'Not in any organization',
      no_spaces: 'Not a member of any space',
      rights: 'Console rights',
      no_rights: 'No console role',
      standing: 'standing role',
      granted: 'granted',
      scope: 'Scope',
      company: 'Whole company',
      until: 'Until',
      no_end: 'Until withdrawn',
      added: 'Added',
      added_by: 'Added by',
    },
    member_via: 'Why a member',
  },
  app: {
    audit_action: {
      access_viewed: 'Access view opened',
      access_exported: 'Access view exported',
      access_export_finished: 'Access view export finished',
    },
    audit_target: { access_view: 'Access view' },
    audit_detail: { view: 'View' },
  },
  resources: {
    'access-review': { name: 'Access overview |||| Access overview' },
  },
};

/** The same in Russian (docs/glossary.md): сотрудник, пространство, организация, деактивация. */
export const accessViewsRu: typeof accessViewsEn = {
  access: {
    title: 'Доступ',
    page_title: 'Обзор доступа',
    tabs: {
      dormant: 'Давно не входили',
      orphaned: 'Нет в источниках',
      'no-second-factor': 'Без второго фактора',
      'unused-backoffice': 'Не заходят в консоль',
    },
    about: {
      dormant:
        'Активные сотрудники, которые не входили указанное число дней (кто не входил ни разу — считается от даты добавления).',
      orphaned:
        'Сотрудники, которых больше нет ни в одном источнике, откуда они пришли, а доступ остался: деактивация ждёт утверждения, заблокирована или не применена, либо источник удалён.',
      'no-second-factor':
        'Сотрудники с ролью в консоли (постоянной или выданной), у которых не подключён второй фактор.',
      'unused-backoffice':
        'Сотрудники с ролью в консоли, которые не заходили в неё указанное число дней.',
    },
    filters: {
      q: 'Поиск: ФИО, почта, логин',
      organization: 'Организация (с подразделениями)',
      days: 'Не входили, дней, не меньше',
    },
    fields: {
      fullName: 'ФИО',
      organizationName: 'Организация',
      status: 'Статус',
      roles: 'Роли',
      loginMethod: 'Способ входа',
      lastLoginAt: 'Последний вход',
      lastBackofficeAt: 'Последний вход в консоль',
      idleDays: 'Дней без входа',
      owners: 'Источники',
      goneFrom: 'Почему нет в источнике',
    },
    never: 'ни разу',
    export_csv: 'Выгрузить в CSV',
    via: {
      manual: 'Вручную',
      directory_group: 'Группа каталога',
      directory: 'Каталог',
      hr: 'Кадровая система',
      scim: 'Группа SCIM',
      import: 'Загрузка',
    },
    gone: {
      source_removed: 'источник удалён',
      deactivation_not_applied: 'деактивация не применена',
    },
    person: {
      organization: 'Организация',
      why: 'Почему',
      source: 'Источник',
      spaces: 'Пространства',
      spaces_count:
        '%{smart_count} пространство |||| %{smart_count} пространства |||| %{smart_count} пространств',
      shown: 'Показаны первые %{shown} из %{total}; в выгрузке — все.',
      no_organization: 'Не входит ни в одну организацию',
      no_spaces: 'Не участвует ни в одном пространстве',
      rights: 'Права в консоли',
      no_rights: 'Без роли в бэк-офисе',
      standing: 'постоянная роль',
      granted: 'выдана',
      scope: 'Область',
      company: 'Вся компания',
      until: 'До',
      no_end: 'Бессрочно',
      added: 'Добавлен',
      added_by: 'Кто добавил',
    },
    member_via: 'Почему участник',
  },
  app: {
    audit_action: {
      access_viewed: 'Просмотр обзора доступа',
      access_exported: 'Обзор доступа выгружен',
      access_export_finished: 'Выгрузка обзора доступа завершена',
    },
    audit_target: { access_view: 'Обзор доступа' },
    audit_detail: { view: 'Обзор' },
  },
  resources: {
    'access-review': { name: 'Обзор доступа |||| Обзор доступа' },
  },
};

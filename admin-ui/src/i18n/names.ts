/**
 * Messages of "people by name" (issue 16, scope 3): the ФИО column, actors by kind, the
 * "initiated by" picker. Kept apart so the dictionaries only spread it in (`app.names`).
 */
export const namesEn = {
  full_name: 'Full name',
  login: 'Login',
  initiated_by_person: 'Initiated by: a person in the directory',
  initiated_by_person_help: 'Start typing a family name; «Ivanov I.I.» works too',
  initiated_by_text: 'Initiated by: someone outside the directory',
  initiated_by_text_help: 'Only when the person who asked is not in the directory',
  actor_kind: {
    person: 'Person',
    source: 'Source',
    scim: 'SCIM',
    core: 'Messaging core',
    anonymous: 'Not signed in',
    system: 'System',
  },
  system_actor: {
    system: 'the service',
    cli: 'command line',
    scheduler: 'sync scheduler',
    schedule: 'scheduled changes',
    watch: 'directory change watch',
    reconcile: 'reconciliation with the core',
    invitations: 'invitations',
    scim_client: 'unknown token',
    core_client: 'unknown key',
    sso: 'corporate sign-in',
  },
};

/** Russian: the same keys as {@link namesEn}. */
export const namesRu: typeof namesEn = {
  full_name: 'ФИО',
  login: 'Логин',
  initiated_by_person: 'По чьей инициативе: сотрудник из справочника',
  initiated_by_person_help: 'Начните вводить фамилию; можно и «Иванов И.И.»',
  initiated_by_text: 'По чьей инициативе: человек не из справочника',
  initiated_by_text_help: 'Только если инициатора нет в справочнике',
  actor_kind: {
    person: 'Сотрудник',
    source: 'Источник',
    scim: 'SCIM',
    core: 'Ядро мессенджера',
    anonymous: 'Без входа',
    system: 'Система',
  },
  system_actor: {
    system: 'сервис',
    cli: 'командная строка',
    scheduler: 'планировщик синхронизации',
    schedule: 'запланированные изменения',
    watch: 'слежение за каталогом',
    reconcile: 'сверка с ядром',
    invitations: 'приглашения',
    scim_client: 'неизвестный токен',
    core_client: 'неизвестный ключ',
    sso: 'корпоративный вход',
  },
};

/**
 * Messages of issue 18's scoped and time-bound roles: the card's «Back-office rights» section,
 * its grant and withdraw dialogs, and the words for the grant audit events. Kept in a module of
 * its own and deep-merged by messages.ts, so the dictionaries' other reviews merge cleanly.
 * Terms follow docs/glossary.md (Оператор for `staff`, организация, «весь холдинг»).
 */
export const grantsEn = {
  app: {
    grants: {
      title: 'Back-office rights',
      standing_role: 'Standing role',
      none: 'No role grants.',
      load_failed: 'The role grants could not be loaded.',
      role: 'Role',
      scope: 'Organizations',
      scope_help:
        'The role reaches people and spaces of these organizations and of everything under them. None chosen: the whole company.',
      whole_company: 'the whole company',
      no_organizations: 'No such organization',
      until: 'Until',
      until_help: 'Optional, in the company’s time zone. Empty: until withdrawn.',
      no_end: 'until withdrawn',
      reason: 'Reason',
      granted_by: 'Granted by',
      state: 'State',
      in_force: 'In force',
      ended: 'Withdrawn %{when} by %{who}',
      expired: 'Expired',
      grant: 'Grant a role',
      grant_title: 'Grant a back-office role to %{name}',
      grant_help:
        'A role gives powers over other people. Choose it, where it reaches and until when; the grant is recorded with your reason.',
      granted: 'Role granted',
      withdraw: 'Withdraw',
      withdraw_title: 'Withdraw the role «%{role}» (%{scope}) from %{name}?',
      withdraw_help:
        'The person loses this role at once; if no other role is left, their back-office sessions end.',
      withdrawn: 'Role withdrawn',
      grant_role: '%{role} in %{scope}',
      my_rights: 'My rights',
    },
    audit_action: {
      user_role_granted: 'Back-office role granted',
      user_role_grant_ended: 'Back-office role withdrawn',
    },
    audit_detail: {
      grantId: 'Role grant (id)',
      approvedById: 'Approved by (id)',
      cause: 'Why it ended',
    },
    audit_value: {
      grant_cause: { withdrawn: 'Withdrawn by hand', expired: 'Expired' },
    },
  },
};

/** Russian. */
export const grantsRu: typeof grantsEn = {
  app: {
    grants: {
      title: 'Права в бэк-офисе',
      standing_role: 'Постоянная роль',
      none: 'Выданных ролей нет.',
      load_failed: 'Не удалось загрузить выданные роли.',
      role: 'Роль',
      scope: 'Организации',
      scope_help:
        'Роль действует на сотрудников и пространства этих организаций и всех вложенных в них. Если не выбрано ни одной — на весь холдинг.',
      whole_company: 'весь холдинг',
      no_organizations: 'Такой организации нет',
      until: 'Действует до',
      until_help: 'Необязательно, по времени компании. Пусто — до отзыва.',
      no_end: 'до отзыва',
      reason: 'Причина',
      granted_by: 'Кто выдал',
      state: 'Состояние',
      in_force: 'Действует',
      ended: 'Отозвана %{when}, %{who}',
      expired: 'Срок истёк',
      grant: 'Выдать роль',
      grant_title: 'Выдать роль в бэк-офисе: %{name}',
      grant_help:
        'Роль даёт полномочия в отношении других сотрудников. Выберите роль, организации и срок; выдача записывается в журнал аудита с вашей причиной.',
      granted: 'Роль выдана',
      withdraw: 'Отозвать',
      withdraw_title: 'Отозвать роль «%{role}» (%{scope}) у сотрудника %{name}?',
      withdraw_help:
        'Сотрудник сразу теряет эту роль; если других ролей не остаётся, его сеансы в бэк-офисе завершаются.',
      withdrawn: 'Роль отозвана',
      grant_role: '%{role}: %{scope}',
      my_rights: 'Мои права',
    },
    audit_action: {
      user_role_granted: 'Выдана роль в бэк-офисе',
      user_role_grant_ended: 'Отозвана роль в бэк-офисе',
    },
    audit_detail: {
      grantId: 'Выдача роли (id)',
      approvedById: 'Кто одобрил (id)',
      cause: 'Почему завершена',
    },
    audit_value: {
      grant_cause: { withdrawn: 'Отозвана вручную', expired: 'Истёк срок' },
    },
  },
};

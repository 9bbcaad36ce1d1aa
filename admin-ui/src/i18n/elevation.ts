/**
 * Messages of time-bound elevation (issue 18): requesting a role, the requests list, the
 * approve / reject dialogs, the banner of a role in force, and the audit words of the grants'
 * and requests' events. Kept in a module of their own and merged into both dictionaries
 * (messages.ts) so the dictionaries' other reviews merge without conflicts. Russian plurals use
 * polyglot's three forms (`one |||| few |||| many`) with `smart_count`; the staff role is
 * «Оператор» (docs/glossary.md).
 */
export const elevationEn = {
  elevation: {
    request: 'Request elevation',
    request_title: 'Request elevated rights',
    requested: 'Request sent: a superadmin will decide',
    approve: 'Approve',
    reject: 'Reject',
    approved: 'Request approved: the role is granted',
    rejected: 'Request rejected',
    approve_title: 'Approve the request of %{name}?',
    approve_help:
      'The role is granted from now for the requested time and ends by itself. You may add a comment.',
    reject_title: 'Reject the request of %{name}?',
    reject_help: 'The person sees your reason in their requests.',
    whole_company: 'Whole company',
    scope_help: 'Leave empty for the whole company',
    reason_help: 'Why you need the role: the approver and the audit log see it',
    hours: '%{smart_count} hour |||| %{smart_count} hours',
    minutes: '%{smart_count} minute |||| %{smart_count} minutes',
    banner: 'You act with elevated rights: %{role} (%{scope}) until %{until}',
    status: {
      pending: 'Awaiting decision',
      approved: 'Approved',
      rejected: 'Rejected',
      lapsed: 'Lapsed',
    },
  },
  resources: {
    'elevation-requests': {
      name: 'Elevation request |||| Elevation requests',
      fields: {
        requester: 'Who asks',
        role: 'Role',
        scope: 'Where',
        durationMinutes: 'For how long',
        reason: 'Reason',
        status: 'Status',
        createdAt: 'Asked at',
        grantExpiresAt: 'Rights until',
        decisionReason: 'Decision comment',
        mine: 'My requests only',
      },
    },
  },
  app: {
    audit_action: {
      user_role_granted: 'Back-office role granted',
      user_role_grant_ended: 'Back-office role withdrawn',
      user_role_grant_expired: 'Back-office role expired',
      elevation_requested: 'Elevation requested',
      elevation_approved: 'Elevation approved',
      elevation_rejected: 'Elevation rejected',
      elevation_lapsed: 'Elevation request lapsed',
    },
    audit_detail: {
      requestId: 'Request',
      durationMinutes: 'Duration, minutes',
      lapsesAt: 'Lapses at',
      grantId: 'Role grant',
      cause: 'Cause',
      approvedById: 'Approved by',
    },
  },
};

/** The same in Russian. */
export const elevationRu: typeof elevationEn = {
  elevation: {
    request: 'Запросить повышение прав',
    request_title: 'Запрос повышения прав',
    requested: 'Запрос отправлен: решение примет суперадминистратор',
    approve: 'Одобрить',
    reject: 'Отклонить',
    approved: 'Запрос одобрен: роль назначена',
    rejected: 'Запрос отклонён',
    approve_title: 'Одобрить запрос: %{name}?',
    approve_help:
      'Роль действует с этого момента в течение запрошенного времени и снимается сама. Можно добавить комментарий.',
    reject_title: 'Отклонить запрос: %{name}?',
    reject_help: 'Сотрудник увидит причину в своих запросах.',
    whole_company: 'Вся компания',
    scope_help: 'Оставьте пустым, чтобы роль действовала во всей компании',
    reason_help: 'Зачем нужна роль: причину увидят согласующий и журнал аудита',
    hours: '%{smart_count} час |||| %{smart_count} часа |||| %{smart_count} часов',
    minutes: '%{smart_count} минута |||| %{smart_count} минуты |||| %{smart_count} минут',
    banner: 'Вы работаете с повышенными правами: %{role} (%{scope}) до %{until}',
    status: {
      pending: 'Ждёт решения',
      approved: 'Одобрен',
      rejected: 'Отклонён',
      lapsed: 'Истёк',
    },
  },
  resources: {
    'elevation-requests': {
      name: 'Запрос повышения прав |||| Запросы повышения прав',
      fields: {
        requester: 'Кто запрашивает',
        role: 'Роль',
        scope: 'Где действует',
        durationMinutes: 'На сколько',
        reason: 'Причина',
        status: 'Статус',
        createdAt: 'Запрошено',
        grantExpiresAt: 'Права до',
        decisionReason: 'Комментарий к решению',
        mine: 'Только мои запросы',
      },
    },
  },
  app: {
    audit_action: {
      user_role_granted: 'Назначена роль в бэк-офисе',
      user_role_grant_ended: 'Роль в бэк-офисе снята',
      user_role_grant_expired: 'Срок роли в бэк-офисе истёк',
      elevation_requested: 'Запрошено повышение прав',
      elevation_approved: 'Повышение прав одобрено',
      elevation_rejected: 'Повышение прав отклонено',
      elevation_lapsed: 'Запрос повышения прав истёк',
    },
    audit_detail: {
      requestId: 'Запрос',
      durationMinutes: 'Длительность, минут',
      lapsesAt: 'Истекает',
      grantId: 'Назначение роли',
      cause: 'Причина окончания',
      approvedById: 'Одобрил',
    },
  },
};

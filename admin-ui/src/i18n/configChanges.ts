/**
 * Messages of dual control of sensitive configuration (issue 18, scope 3): the «Изменения
 * настроек» page, the source form's notice, and the audit log's words for the new events. Kept in
 * a module of their own and merged into both dictionaries by messages.ts, so the dictionaries'
 * other reviews merge without conflicts.
 */
export const configChangesEn = {
  configchange: {
    setting: { directory_source: 'directory source' },
    status: {
      pending: 'Awaiting approval',
      applied: 'Applied',
      rejected: 'Rejected',
      expired: 'Expired',
      superseded: 'Out of date',
    },
    title: {
      create: 'New %{setting} «%{target}»',
      update: 'Change of %{setting} «%{target}»',
      delete: 'Deletion of %{setting} «%{target}»',
    },
    sentence: {
      create: '%{who} asks to create the %{setting} «%{target}».',
      update: '%{who} asks to change the %{setting} «%{target}».',
      delete:
        '%{who} asks to delete the %{setting} «%{target}»; its people will be managed by hand.',
    },
    password: {
      set: 'The stored bind password will be replaced.',
      cleared: 'The stored bind password will be cleared.',
      cleared_connection_changed:
        'The stored bind password will be cleared: the connection changes.',
    },
    single: { true: 'Applied at once: the only active superadmin' },
    approve: 'Approve',
    approve_title: 'Approve and apply this change?',
    approve_help: 'The change takes effect at once, on your behalf as the second superadmin.',
    approved: 'Change approved and applied',
    reject: 'Reject',
    reject_title: 'Reject this change?',
    withdraw: 'Withdraw',
    withdraw_title: 'Withdraw your request?',
    rejected: 'Change rejected',
    awaits_other: 'You asked for this change: another superadmin must approve it.',
    pending_notice: 'The change awaits approval by another superadmin and has not taken effect yet',
    form_notice:
      'When the company has more than one active superadmin, a change of a directory source takes effect only after another superadmin approves it (Settings changes).',
  },
  resources: {
    'config-changes': {
      name: 'Settings change |||| Settings changes',
      fields: {
        status: 'Status',
        setting: 'Setting',
        targetLabel: 'Change',
        diff: 'What changes',
        requestedBy: 'Requested by',
        requestedAt: 'Requested at',
        expiresAt: 'Awaits approval until',
        decidedBy: 'Decided by',
        decidedAt: 'Decided at',
        reason: 'Reason',
        singleSuperadmin: 'Dual control',
      },
    },
  },
  app: {
    audit_action: {
      config_change_requested: 'Settings change requested',
      config_change_approved: 'Settings change approved',
      config_change_rejected: 'Settings change rejected',
      config_change_expired: 'Settings change expired unapproved',
      config_change_superseded: 'Settings change out of date',
      config_change_listed: 'Settings changes viewed',
      config_change_viewed: 'Settings change viewed',
      config_file_changed: 'Configuration file changed',
    },
    audit_target: {
      config_change: 'Settings change',
      configuration: 'Configuration file',
    },
    audit_detail: {
      setting: 'Setting',
      operation: 'Operation',
      settingId: 'Setting id',
      requestedBy: 'Requested by',
      approvedBy: 'Approved by',
      withdrawn: 'Withdrawn by the requester',
      change: 'Change',
      configChangeId: 'Settings change',
      dualControl: 'Dual control',
      fingerprint: 'Fingerprint',
      previousFingerprint: 'Previous fingerprint',
      changedSettings: 'Settings changed',
      firstRecord: 'First record',
    },
  },
};

export const configChangesRu: typeof configChangesEn = {
  configchange: {
    setting: { directory_source: 'источник каталога' },
    status: {
      pending: 'Ожидает подтверждения',
      applied: 'Применено',
      rejected: 'Отклонено',
      expired: 'Срок истёк',
      superseded: 'Неактуально',
    },
    title: {
      create: 'Новый %{setting} «%{target}»',
      update: 'Изменение: %{setting} «%{target}»',
      delete: 'Удаление: %{setting} «%{target}»',
    },
    sentence: {
      create: '%{who} просит создать %{setting} «%{target}».',
      update: '%{who} просит изменить %{setting} «%{target}».',
      delete:
        '%{who} просит удалить %{setting} «%{target}»; его сотрудники перейдут на ручное управление.',
    },
    password: {
      set: 'Сохранённый пароль подключения будет заменён.',
      cleared: 'Сохранённый пароль подключения будет удалён.',
      cleared_connection_changed:
        'Сохранённый пароль подключения будет удалён: меняются параметры подключения.',
    },
    single: { true: 'Применено сразу: в компании один активный суперадминистратор' },
    approve: 'Подтвердить',
    approve_title: 'Подтвердить и применить изменение?',
    approve_help:
      'Изменение вступит в силу сразу; вы подтверждаете его как второй суперадминистратор.',
    approved: 'Изменение подтверждено и применено',
    reject: 'Отклонить',
    reject_title: 'Отклонить изменение?',
    withdraw: 'Отозвать',
    withdraw_title: 'Отозвать свой запрос?',
    rejected: 'Изменение отклонено',
    awaits_other: 'Это изменение запросили вы: подтвердить его должен другой суперадминистратор.',
    pending_notice:
      'Изменение ждёт подтверждения другого суперадминистратора и пока не вступило в силу',
    form_notice:
      'Если в компании больше одного активного суперадминистратора, изменение источника каталога вступит в силу только после подтверждения другим суперадминистратором (раздел «Изменения настроек»).',
  },
  resources: {
    'config-changes': {
      name: 'Изменение настроек |||| Изменения настроек',
      fields: {
        status: 'Состояние',
        setting: 'Настройка',
        targetLabel: 'Изменение',
        diff: 'Что меняется',
        requestedBy: 'Кто запросил',
        requestedAt: 'Когда запрошено',
        expiresAt: 'Ждёт подтверждения до',
        decidedBy: 'Кто решил',
        decidedAt: 'Когда решено',
        reason: 'Причина',
        singleSuperadmin: 'Двойной контроль',
      },
    },
  },
  app: {
    audit_action: {
      config_change_requested: 'Запрошено изменение настроек',
      config_change_approved: 'Изменение настроек подтверждено',
      config_change_rejected: 'Изменение настроек отклонено',
      config_change_expired: 'Изменение настроек не подтверждено в срок',
      config_change_superseded: 'Изменение настроек стало неактуальным',
      config_change_listed: 'Просмотр изменений настроек',
      config_change_viewed: 'Просмотр изменения настроек',
      config_file_changed: 'Изменён файл конфигурации',
    },
    audit_target: {
      config_change: 'Изменение настроек',
      configuration: 'Файл конфигурации',
    },
    audit_detail: {
      setting: 'Настройка',
      operation: 'Действие',
      settingId: 'Идентификатор настройки',
      requestedBy: 'Кто запросил',
      approvedBy: 'Кто подтвердил',
      withdrawn: 'Отозвано автором запроса',
      change: 'Изменение',
      configChangeId: 'Изменение настроек',
      dualControl: 'Двойной контроль',
      fingerprint: 'Отпечаток',
      previousFingerprint: 'Предыдущий отпечаток',
      changedSettings: 'Изменено настроек',
      firstRecord: 'Первая запись',
    },
  },
};

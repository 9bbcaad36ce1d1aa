/**
 * Words for what the server records as codes: the fields an audit diff names, the kinds of
 * object an event targets, counts with their plural forms, and react-admin's own messages where
 * its Russian pack is wrong or reads as a translation («Элемент создан», «Создать Человек»).
 * Kept apart from en.ts / ru.ts so that the review of terms (docs/glossary.md) is one file; both
 * dictionaries merge it in. test/i18n/auditTerms.test.ts fails when the server audits a field
 * or a target type that has no words here.
 */

/** English. */
export const termsEn = {
  app: {
    audit_field: {
      id: 'Identifier',
      username: 'Login',
      userName: 'SCIM user name',
      familyName: 'Family name',
      givenName: 'Given name',
      middleName: 'Middle name',
      displayName: 'Display name',
      email: 'E-mail',
      phone: 'Phone',
      title: 'Job title',
      organizationId: 'Organization',
      organization: 'Department',
      initiatedBy: 'Initiated by',
      hireDate: 'Hire date',
      terminationDate: 'Termination date',
      spaces: 'Spaces',
      employeeNumber: 'Employee number',
      status: 'Status',
      source: 'Source',
      sourceId: 'Directory source',
      externalId: 'External identifier',
      scimId: 'SCIM identifier',
      scimDeletedAt: 'Deleted through SCIM',
      role: 'Back-office role',
      loginMethod: 'Login method',
      invitation: 'Invitation',
      passwordSet: 'Password set',
      name: 'Name',
      description: 'Description',
      kind: 'Type',
      parentId: 'Parent organization',
      origin: 'Defined in',
      connection: 'Connection',
      bindPasswordSet: 'Service account password set',
      bindPasswordChangedAt: 'Service account password changed',
      enabled: 'Scheduled runs',
      schedule: 'Schedule',
      thresholds: 'Safety thresholds',
      correlateBy: 'Match people by',
      reconnect: 'Reconnection',
    },
    audit_target: {
      user: 'Person',
      space: 'Space',
      organization: 'Organization',
      audit_event: 'Audit event',
      audit_archive: 'Audit archive',
      audit_checkpoint: 'Audit checkpoint',
      audit_checkpoint_key: 'Checkpoint signing key',
      core_connector: 'Messaging core connector',
      core_delivery: 'Delivery to the core',
      mail_message: 'E-mail',
      mail_settings: 'Mail settings',
      siem_stream: 'SIEM stream',
      backoffice_account: 'Back-office account',
      directory_source: 'Directory source',
      import: 'Import',
      invitation_batch: 'Bulk invitation',
      scheduled_change: 'Scheduled change',
      scim_token: 'SCIM token',
      sync_run: 'Sync run',
    },
    audit_value: {
      delivery_status: {
        pending: 'Waiting',
        dead: 'Not delivered',
        delivered: 'Delivered',
        skipped: 'Skipped',
      },
      empty: 'empty',
    },
    count: {
      people: '%{count} person |||| %{count} people',
      events: '%{count} event |||| %{count} events',
    },
  },
  resources: {
    users: {
      page: { create: 'New person', edit: 'Edit: %{recordRepresentation}' },
      notifications: { created: 'Person added', updated: 'Changes saved' },
    },
    organizations: {
      page: { create: 'New organization', edit: 'Organization: %{recordRepresentation}' },
      notifications: {
        created: 'Organization created',
        updated: 'Organization saved',
        deleted: 'Organization deleted',
      },
    },
    spaces: {
      page: { create: 'New space', edit: 'Space: %{recordRepresentation}' },
      notifications: {
        created: 'Space created',
        updated: 'Space saved',
        deleted: 'Space deleted',
      },
    },
    'directory-sources': {
      page: { create: 'New directory source', edit: 'Source: %{recordRepresentation}' },
      notifications: { created: 'Directory source added', updated: 'Directory source saved' },
    },
    imports: { page: { create: 'New import' } },
    'backoffice-accounts': {
      fields: {
        q: 'Search: name, login, e-mail',
        role: 'Role',
        status: 'Status',
        displayName: 'Name',
        username: 'Login',
        lastLoginAt: 'Last sign-in',
      },
    },
  },
};

/**
 * Russian. Gender agrees with each noun (сотрудник добавлен, организация создана, пространство
 * создано); counts take the three Russian plural forms through polyglot's `smart_count`
 * (1 сотрудник, 2 сотрудника, 5 сотрудников; 21 сотрудник).
 */
export const termsRu: typeof termsEn = {
  app: {
    audit_field: {
      id: 'Идентификатор',
      username: 'Логин',
      userName: 'Имя пользователя SCIM',
      familyName: 'Фамилия',
      givenName: 'Имя',
      middleName: 'Отчество',
      displayName: 'Отображаемое имя',
      email: 'Эл. почта',
      phone: 'Телефон',
      title: 'Должность',
      organizationId: 'Организация',
      organization: 'Подразделение',
      initiatedBy: 'По чьей инициативе',
      hireDate: 'Дата приёма',
      terminationDate: 'Дата увольнения',
      spaces: 'Пространства',
      employeeNumber: 'Табельный номер',
      status: 'Статус',
      source: 'Источник',
      sourceId: 'Источник каталога',
      externalId: 'Внешний идентификатор',
      scimId: 'Идентификатор SCIM',
      scimDeletedAt: 'Удалён через SCIM',
      role: 'Роль в бэк-офисе',
      loginMethod: 'Способ входа',
      invitation: 'Приглашение',
      passwordSet: 'Пароль задан',
      name: 'Название',
      description: 'Описание',
      kind: 'Тип',
      parentId: 'Вышестоящая организация',
      origin: 'Где задан',
      connection: 'Подключение',
      bindPasswordSet: 'Пароль служебной учётной записи задан',
      bindPasswordChangedAt: 'Пароль служебной учётной записи изменён',
      enabled: 'Запуски по расписанию',
      schedule: 'Расписание',
      thresholds: 'Пороги безопасности',
      correlateBy: 'Сопоставлять сотрудников по',
      reconnect: 'Повторное подключение',
    },
    audit_target: {
      user: 'Сотрудник',
      space: 'Пространство',
      organization: 'Организация',
      audit_event: 'Событие аудита',
      audit_archive: 'Архив аудита',
      audit_checkpoint: 'Контрольная точка аудита',
      audit_checkpoint_key: 'Ключ подписи контрольных точек',
      core_connector: 'Коннектор ядра мессенджера',
      core_delivery: 'Доставка в ядро',
      mail_message: 'Письмо',
      mail_settings: 'Настройки почты',
      siem_stream: 'Поток в SIEM',
      backoffice_account: 'Учётная запись бэк-офиса',
      directory_source: 'Источник каталога',
      import: 'Импорт',
      invitation_batch: 'Массовое приглашение',
      scheduled_change: 'Запланированное изменение',
      scim_token: 'Токен SCIM',
      sync_run: 'Запуск синхронизации',
    },
    audit_value: {
      delivery_status: {
        pending: 'В очереди',
        dead: 'Не доставлено',
        delivered: 'Доставлено',
        skipped: 'Пропущено',
      },
      empty: 'пусто',
    },
    count: {
      people: '%{count} сотрудник |||| %{count} сотрудника |||| %{count} сотрудников',
      events: '%{count} событие |||| %{count} события |||| %{count} событий',
    },
  },
  resources: {
    users: {
      page: { create: 'Новый сотрудник', edit: 'Изменение: %{recordRepresentation}' },
      notifications: { created: 'Сотрудник добавлен', updated: 'Изменения сохранены' },
    },
    organizations: {
      page: { create: 'Новая организация', edit: 'Организация: %{recordRepresentation}' },
      notifications: {
        created: 'Организация создана',
        updated: 'Организация сохранена',
        deleted: 'Организация удалена',
      },
    },
    spaces: {
      page: { create: 'Новое пространство', edit: 'Пространство: %{recordRepresentation}' },
      notifications: {
        created: 'Пространство создано',
        updated: 'Пространство сохранено',
        deleted: 'Пространство удалено',
      },
    },
    'directory-sources': {
      page: { create: 'Новый источник каталога', edit: 'Источник: %{recordRepresentation}' },
      notifications: {
        created: 'Источник каталога добавлен',
        updated: 'Источник каталога сохранён',
      },
    },
    imports: { page: { create: 'Новый импорт' } },
    'backoffice-accounts': {
      fields: {
        q: 'Поиск: ФИО, логин, почта',
        role: 'Роль',
        status: 'Статус',
        displayName: 'Отображаемое имя',
        username: 'Логин',
        lastLoginAt: 'Последний вход',
      },
    },
  },
};

/**
 * react-admin's own messages where ra-language-russian (5.4.5, behind react-admin 5.15) is
 * missing a key, reads as a machine translation, or builds a phrase from a resource name in the
 * wrong case («Создать Человек», «Нет Сотрудники.», «Удалить Организация "…"»): phrases here do
 * not decline the resource name, and say what happened in the words of the glossary.
 */
export const raRu = {
  ra: {
    action: {
      bulk_actions: 'Выбрано: %{smart_count}',
      unselect: 'Снять выделение',
      create_item: 'Создать «%{item}»',
      clear_input_value: 'Очистить',
      search_columns: 'Найти столбец',
    },
    page: {
      create: 'Создание',
      edit: '%{name}: %{recordRepresentation}',
      show: '%{name}: %{recordRepresentation}',
      empty: 'Здесь пока ничего нет',
      invite: 'Добавить первую запись?',
      error: 'Что-то пошло не так',
      not_found: 'Страница не найдена',
      access_denied: 'Нет доступа',
    },
    message: {
      bulk_delete_content:
        'Удалить выбранное? |||| Удалить %{smart_count} выбранные записи? |||| Удалить %{smart_count} выбранных записей?',
      bulk_delete_title:
        'Удалить запись |||| Удалить %{smart_count} записи |||| Удалить %{smart_count} записей',
      bulk_update_content:
        'Изменить выбранное? |||| Изменить %{smart_count} выбранные записи? |||| Изменить %{smart_count} выбранных записей?',
      bulk_update_title:
        'Изменить запись |||| Изменить %{smart_count} записи |||| Изменить %{smart_count} записей',
      delete_content: 'Удалить без возможности восстановления?',
      delete_title: 'Удалить «%{recordRepresentation}»?',
      error: 'Не удалось выполнить запрос',
      invalid_form: 'Проверьте поля, отмеченные красным',
      loading: 'Загрузка…',
      not_found: 'Такой страницы нет: возможно, ссылка устарела',
      unsaved_changes: 'Изменения не сохранены. Уйти со страницы без сохранения?',
      auth_error: 'Не удалось проверить вход',
      authentication_error: 'Сервер не смог проверить ваш вход. Войдите снова.',
    },
    navigation: {
      no_results: 'Ничего не найдено',
      no_filtered_results: 'С этими фильтрами ничего не найдено',
      page_range_info: '%{offsetBegin}–%{offsetEnd} из %{total}',
      partial_page_range_info: '%{offsetBegin}–%{offsetEnd} из более чем %{offsetEnd}',
      page_out_of_boundaries: 'Страницы %{page} нет',
      next: 'Следующая страница',
      prev: 'Предыдущая страница',
      previous: 'Предыдущая страница',
    },
    auth: {
      user_menu: 'Профиль',
      username: 'Логин',
      email: 'Эл. почта',
      auth_check_error: 'Войдите, чтобы продолжить',
      sign_in_error: 'Не удалось войти, попробуйте ещё раз',
    },
    notification: {
      created: 'Создано',
      updated: 'Сохранено |||| Сохранено: %{smart_count} |||| Сохранено: %{smart_count}',
      deleted: 'Удалено |||| Удалено: %{smart_count} |||| Удалено: %{smart_count}',
      bad_item: 'Неверная запись',
      item_doesnt_exist: 'Запись не найдена',
      data_provider_error: 'Не удалось выполнить запрос',
      canceled: 'Действие отменено',
      logged_out: 'Сеанс завершён: войдите снова',
      not_authorized: 'Нет прав на это действие',
      offline: 'Нет связи с сервером: данные не обновлены',
    },
    validation: {
      minLength: 'Не короче %{min} симв.',
      maxLength: 'Не длиннее %{max} симв.',
      minValue: 'Не меньше %{min}',
      maxValue: 'Не больше %{max}',
      number: 'Введите число',
      email: 'Неверный адрес эл. почты',
      regex: 'Не подходит под шаблон %{pattern}',
    },
    saved_queries: {
      label: 'Сохранённые запросы',
      new_label: 'Сохранить текущий запрос…',
      remove_label: 'Удалить сохранённый запрос',
      remove_label_with_name: 'Удалить запрос «%{name}»',
      remove_dialog_title: 'Удалить сохранённый запрос?',
      remove_message: 'Удалить этот запрос из сохранённых?',
    },
    guesser: {
      empty: { title: 'Нет данных', message: 'Проверьте источник данных' },
    },
  },
};

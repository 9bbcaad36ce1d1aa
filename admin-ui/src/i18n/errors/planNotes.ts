/**
 * Texts of a sync or import plan's notes (server/shared/errorCodes.ts, PLAN_NOTE_CODES):
 * `plan_notes.<code>` filled with the note's params, the words for the attributes (`attribute`)
 * and correlation keys (`key`) those params name, and the outcomes of an applied item.
 * test/errors/registry.test.ts fails when a code has no text here in either language.
 */
export const planNotesEn = {
  plan_notes: {
    // An entry the engine cannot use as it is.
    value_control_character:
      'The %{attribute} %{value} contains control characters: the entry cannot be synced',
    value_lone_surrogate:
      'The %{attribute} %{value} contains unpaired surrogates (not Unicode text): the entry cannot be synced',
    value_too_long:
      'The %{attribute} is longer than %{max} characters (%{length}): the entry cannot be synced',
    value_unstageable:
      'The %{attribute} contains characters that cannot be stored: the entry cannot be synced',
    entry_id_missing: 'The entry has no usable %{attribute}: it cannot be identified',
    import_row: 'Row %{row}: %{error}',
    import_row_cell: 'Row %{row}, column “%{column}”: %{error}',
    // Values dropped or repaired.
    invalid_login: 'Login %{value} is not valid: left out',
    invalid_email: 'E-mail %{value} is not valid: left out',
    invalid_phone: 'Phone %{value} is not a valid number: left out',
    invalid_date: 'The %{attribute} %{value} is not a date: left out',
    value_cut: 'The %{attribute} is cut from %{from} to %{to} characters',
    groups_ignored:
      '%{smart_count} group with unusable characters in its name is ignored |||| %{smart_count} groups with unusable characters in their names are ignored',
    // Matching an entry to a person.
    id_shared: '%{count} people have this id (%{externalId}): fix it by hand',
    decision_number_disagree:
      'An admin’s decision and employee number %{employeeId} name different former people of this source: nobody is reconnected',
    former_number_shared:
      '%{count} former people of this source have employee number %{employeeId}: nobody is reconnected, link one by hand',
    former_number_claimed:
      '%{count} entries of the source carry employee number %{employeeId} of the same former person: nobody is reconnected',
    former_and_match:
      'Employee number %{employeeId} belongs to a former person of this source, and another person matches by %{key}: link one by hand',
    match_many: '%{count} people match by %{key}: link one by hand',
    match_claimed: '%{count} entries of the source match the same person by %{key}',
    login_taken: 'Login %{value} belongs to another person',
    email_taken: 'E-mail %{value} belongs to another person',
    maybe_same_person: 'May be the same person as %{label} (deactivated %{date})',
    maybe_same_person_undecided:
      'May be the same person as %{label} (deactivated %{date}): link, create new or ignore',
    ignored_same_person:
      'Ignored by an admin’s decision: may be the same person as %{label} (deactivated %{date})',
    // Status and links.
    left_not_created: 'Left on %{date}: not created',
    disabled_not_created: 'Disabled in the source: not created',
    left_on: 'Left on %{date}',
    disabled_in_source: 'Disabled in the source',
    back_from_leave: 'Back from leave in the source',
    enabled_again: 'Enabled again in the source',
    on_leave: 'On leave in the source',
    kept_deactivated: 'Deactivated by hand: stays deactivated',
    kept_suspended: 'Suspended by hand: stays suspended',
    reconnected_by_decision:
      'Reconnected by an admin’s decision: the account was re-created (was %{was})',
    reconnected_by_number:
      'Reconnected by employee number %{employeeId}: the account was re-created (was %{was})',
    linked_by: 'Linked by %{key}',
    starts_on: 'Starts on %{date}: pending until then',
    leaves_on: 'Leaves on %{date}: deactivation scheduled',
    released_login:
      'Login %{login} released by %{label} (deactivated %{date}) by an admin’s decision: a new person is created',
    released_email:
      'E-mail %{email} released by %{label} (deactivated %{date}) by an admin’s decision: a new person is created',
    released_login_email:
      'Login %{login} and e-mail %{email} released by %{label} (deactivated %{date}) by an admin’s decision: a new person is created',
    requester_rank: 'The requester may not change this person (their role is not lower)',
    requester_scope: 'Outside the organizations the requester administers',
    // People the read no longer returns.
    not_found_in_source: 'Not found in the source',
    not_in_complete_list: 'Not in the complete list',
    gone_from_source: 'Gone from the source',
    deleted_in_directory: 'Deleted in the directory',
    deleted_in_directory_from: 'Deleted in the directory (was in %{parent})',
    filter_no_match: 'No longer matches the user filter',
    moved_out_of_base: 'Moved out of the base DNs (now %{dn})',
    // Held back.
    blocked_insufficient_rank: 'Held back: the requester may not change this person',
    blocked_outside_scope: 'Held back: outside the organizations the requester administers',
    blocked_last_superadmin: 'Held back: the last active superadmin',
    blocked_empty_read: 'Held back: the source returned no entries but manages %{managed} people',
    blocked_partial_read:
      'Held back: the source returned %{read} entries, fewer than %{share}% of the %{managed} people it manages',
    // Did not take.
    taken_since_plan: 'The login, e-mail or id was taken after the plan was made',
    changed_since_plan: 'The person changed after the plan was made',
  },
  plan_attributes: {
    externalId: 'external id',
    locator: 'DN',
    employeeId: 'employee number',
    username: 'login',
    email: 'e-mail',
    phone: 'phone',
    familyName: 'family name',
    givenName: 'given name',
    middleName: 'middle name',
    displayName: 'display name',
    title: 'title',
    department: 'department',
    groups: 'groups',
    hireDate: 'hire date',
    terminationDate: 'termination date',
  },
  plan_keys: {
    employeeId: 'employee number',
    email: 'e-mail',
    username: 'login',
    nothing: 'the matching key',
  },
  plan_outcomes: {
    applied: 'Applied',
    failed: 'Failed',
    skipped: 'Skipped',
  },
  plan_note_legacy: 'recorded by an older version, not translated',
  plan_note_earlier: 'earlier',
};

/** The same in Russian. */
export const planNotesRu: typeof planNotesEn = {
  plan_notes: {
    value_control_character:
      'Поле «%{attribute}» (%{value}) содержит управляющие символы — запись не синхронизируется',
    value_lone_surrogate:
      'Поле «%{attribute}» (%{value}) содержит символы, не являющиеся текстом (непарные суррогаты), — запись не синхронизируется',
    value_too_long:
      'Поле «%{attribute}» длиннее %{max} символов (%{length}) — запись не синхронизируется',
    value_unstageable:
      'Поле «%{attribute}» содержит символы, которые нельзя сохранить, — запись не синхронизируется',
    entry_id_missing: 'У записи нет пригодного атрибута %{attribute} — её нельзя опознать',
    import_row: 'Строка %{row}: %{error}',
    import_row_cell: 'Строка %{row}, столбец «%{column}»: %{error}',
    invalid_login: 'Логин %{value} недопустим и не перенесён',
    invalid_email: 'Адрес электронной почты %{value} недействителен и не перенесён',
    invalid_phone: 'Телефон %{value} не распознан и не перенесён',
    invalid_date: 'Поле «%{attribute}»: %{value} — не дата, значение не перенесено',
    value_cut: 'Поле «%{attribute}» сокращено с %{from} до %{to} символов',
    groups_ignored:
      'Пропущена %{smart_count} группа с недопустимыми символами в названии |||| Пропущены %{smart_count} группы с недопустимыми символами в названиях |||| Пропущено %{smart_count} групп с недопустимыми символами в названиях',
    id_shared:
      'Этот идентификатор (%{externalId}) у нескольких сотрудников (%{count}) — исправьте вручную',
    decision_number_disagree:
      'Решение администратора и табельный номер %{employeeId} указывают на разных бывших сотрудников этого источника — повторное подключение не выполнено',
    former_number_shared:
      'Табельный номер %{employeeId} у нескольких бывших сотрудников этого источника (%{count}) — повторное подключение не выполнено, свяжите одного вручную',
    former_number_claimed:
      'Табельный номер %{employeeId} одного бывшего сотрудника указан в нескольких записях источника (%{count}) — повторное подключение не выполнено',
    former_and_match:
      'Табельный номер %{employeeId} принадлежит бывшему сотруднику этого источника, а по %{key} совпадает другой сотрудник — свяжите одного вручную',
    match_many: 'По %{key} совпадают несколько сотрудников (%{count}) — свяжите одного вручную',
    match_claimed: 'Несколько записей источника (%{count}) совпадают с одним сотрудником по %{key}',
    login_taken: 'Логин %{value} принадлежит другому сотруднику',
    email_taken: 'Адрес электронной почты %{value} принадлежит другому сотруднику',
    maybe_same_person: 'Возможно, это %{label} (деактивация: %{date})',
    maybe_same_person_undecided:
      'Возможно, это %{label} (деактивация: %{date}) — свяжите, создайте нового сотрудника или пропустите запись',
    ignored_same_person:
      'Пропущено по решению администратора: возможно, это %{label} (деактивация: %{date})',
    left_not_created: 'Дата увольнения %{date} прошла — учётная запись не создаётся',
    disabled_not_created: 'Учётная запись отключена в источнике — не создаётся',
    left_on: 'Дата увольнения: %{date}',
    disabled_in_source: 'Учётная запись отключена в источнике',
    back_from_leave: 'По данным источника отпуск закончился',
    enabled_again: 'Учётная запись снова включена в источнике',
    on_leave: 'По данным источника — в отпуске',
    kept_deactivated: 'Деактивирован вручную и остаётся деактивированным',
    kept_suspended: 'Приостановлен вручную и остаётся приостановленным',
    reconnected_by_decision:
      'Повторное подключение по решению администратора: учётная запись в источнике пересоздана (прежний идентификатор %{was})',
    reconnected_by_number:
      'Повторное подключение по табельному номеру %{employeeId}: учётная запись в источнике пересоздана (прежний идентификатор %{was})',
    linked_by: 'Связь установлена по %{key}',
    starts_on: 'Дата приёма: %{date}; до неё учётная запись ожидает',
    leaves_on: 'Дата увольнения: %{date}; деактивация запланирована',
    released_login:
      'Логин %{login} освобождён сотрудником %{label} (деактивация: %{date}) по решению администратора — создаётся новый сотрудник',
    released_email:
      'Адрес %{email} освобождён сотрудником %{label} (деактивация: %{date}) по решению администратора — создаётся новый сотрудник',
    released_login_email:
      'Логин %{login} и адрес %{email} освобождены сотрудником %{label} (деактивация: %{date}) по решению администратора — создаётся новый сотрудник',
    requester_rank: 'Запустивший импорт не может изменять этого сотрудника: его роль не ниже',
    requester_scope: 'Вне организаций, которыми управляет запустивший импорт',
    not_found_in_source: 'Не найден в источнике',
    not_in_complete_list: 'Отсутствует в полном списке сотрудников',
    gone_from_source: 'Больше нет в источнике',
    deleted_in_directory: 'Удалён в каталоге',
    deleted_in_directory_from: 'Удалён в каталоге (находился в %{parent})',
    filter_no_match: 'Больше не подходит под фильтр пользователей',
    moved_out_of_base: 'Перемещён за пределы базовых DN (теперь %{dn})',
    blocked_insufficient_rank: 'Удержано: запустивший импорт не может изменять этого сотрудника',
    blocked_outside_scope: 'Удержано: вне организаций, которыми управляет запустивший импорт',
    blocked_last_superadmin: 'Удержано: это последний активный суперадминистратор',
    blocked_empty_read:
      'Удержано: источник не вернул ни одной записи, хотя ведёт сотрудников: %{managed}',
    blocked_partial_read:
      'Удержано: источник вернул записей: %{read} — меньше %{share}% от %{managed} сотрудников, которых он ведёт',
    taken_since_plan:
      'Логин, адрес электронной почты или идентификатор заняты после составления плана',
    changed_since_plan: 'Данные сотрудника изменились после составления плана',
  },
  plan_attributes: {
    externalId: 'внешний идентификатор',
    locator: 'Расположение в каталоге (DN)',
    employeeId: 'табельный номер',
    username: 'логин',
    email: 'электронная почта',
    phone: 'телефон',
    familyName: 'фамилия',
    givenName: 'имя',
    middleName: 'отчество',
    displayName: 'отображаемое имя',
    title: 'должность',
    department: 'подразделение',
    groups: 'группы',
    hireDate: 'дата приёма',
    terminationDate: 'дата увольнения',
  },
  plan_keys: {
    employeeId: 'табельному номеру',
    email: 'адресу электронной почты',
    username: 'логину',
    nothing: 'ключу сопоставления',
  },
  plan_outcomes: {
    applied: 'Применено',
    failed: 'Не выполнено',
    skipped: 'Пропущено',
  },
  plan_note_legacy: 'записано прежней версией, без перевода',
  plan_note_earlier: 'ранее',
};

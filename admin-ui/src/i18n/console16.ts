/**
 * Messages of issue 16's charts, safe dialogs, phone layout and organization totals, merged into
 * `app` of both dictionaries (en.ts, ru.ts). Kept in a module of their own so the dictionaries'
 * other reviews merge without conflicts. Russian plurals use polyglot's three forms
 * (`one |||| few |||| many`) with `smart_count`.
 */
export const console16En = {
  charts: {
    loading: 'Loading the charts…',
    failed: 'The charts could not be loaded: %{message}',
    retry: 'Try again',
    window: 'Last %{smart_count} week |||| Last %{smart_count} weeks',
    status_over_time: 'People by status over time',
    status_over_time_empty: 'No people yet: the chart appears once people are added.',
    joiners_leavers: 'Joiners and leavers per week',
    joiners: 'Joined',
    leavers: 'Left (deactivated)',
    joiners_leavers_empty: 'Nobody joined or left in these weeks.',
    sync_runs: 'Directory sync runs by outcome',
    sync_runs_empty: 'No sync runs in these weeks.',
    succeeded: 'Succeeded',
    failed_runs: 'Failed',
    cancelled: 'Cancelled',
    other: 'Running or waiting',
    deliveries: 'Failed deliveries to the messaging core',
    deliveries_empty: 'No delivery failed in these weeks.',
    dead: 'Failed (dead)',
    dead_now:
      '%{smart_count} failed delivery still needs attention |||| %{smart_count} failed deliveries still need attention',
    enrolment: 'Registration and second factor',
    enrolment_empty: 'No invitations, registrations or second-factor enrolments in these weeks.',
    invited: 'Invited',
    registered: 'Registered',
    second_factor: 'Enrolled a second factor',
    second_factor_rate: 'Second factor: %{enrolled} of %{active} active people (%{percent})',
    registration_rate:
      'Invitations: %{registered} registered, %{invited} waiting, %{held} held, %{revoked} revoked',
    week_of: 'week of %{date}',
  },
  safety: {
    choose_role: 'Choose the new role',
    role_required: 'Choose a role first',
    role_help:
      'A back-office role gives powers over other people. The change ends the person’s back-office sessions and is recorded with your reason.',
    clears: {
      password:
        'The stored password is cleared: the person signs in with a password set afterwards (a reset link or invitation).',
      ldap: 'The stored password is cleared: the person signs in with their Windows (directory) password.',
      oidc: 'The stored password is cleared: the person signs in through the corporate SSO.',
      email_code: 'The stored password is cleared: the person signs in with a code sent by e-mail.',
      sms_code: 'The stored password is cleared: the person signs in with a code sent by SMS.',
    },
    sessions_end: 'Every session and device of the person ends at once; they are told by mail.',
    ldap_unavailable:
      'Not available: no directory source (AD / LDAP) maintains this person, so their Windows password could not be checked.',
    revoke_reason_help: 'Why the session is ended (kept in the audit log).',
    reason_required: 'Give the reason: it is recorded in the audit log.',
  },
  layout: {
    actions: 'Actions',
    actions_for: 'Actions on %{name}',
    search_shortcut: 'Press / to search',
  },
  org_totals: {
    people: 'People: %{total}',
    people_direct: 'People: %{total} (directly: %{direct})',
  },
};

/** Russian counterpart of {@link console16En}. */
export const console16Ru: typeof console16En = {
  charts: {
    loading: 'Загружаем графики…',
    failed: 'Не удалось загрузить графики: %{message}',
    retry: 'Повторить',
    window:
      'За последнюю %{smart_count} неделю |||| За последние %{smart_count} недели |||| За последние %{smart_count} недель',
    status_over_time: 'Статусы сотрудников по дням',
    status_over_time_empty: 'Сотрудников пока нет: график появится, когда их добавят.',
    joiners_leavers: 'Пришли и ушли по неделям',
    joiners: 'Пришли',
    leavers: 'Ушли (деактивированы)',
    joiners_leavers_empty: 'За эти недели никто не пришёл и не ушёл.',
    sync_runs: 'Синхронизации с каталогом по итогам',
    sync_runs_empty: 'За эти недели синхронизаций не было.',
    succeeded: 'Успешно',
    failed_runs: 'С ошибкой',
    cancelled: 'Отменены',
    other: 'Идут или ждут',
    deliveries: 'Неудачные доставки в мессенджер',
    deliveries_empty: 'За эти недели все доставки прошли.',
    dead: 'Не доставлено',
    dead_now:
      '%{smart_count} неудачная доставка ждёт разбора |||| %{smart_count} неудачные доставки ждут разбора |||| %{smart_count} неудачных доставок ждут разбора',
    enrolment: 'Регистрация и второй фактор',
    enrolment_empty:
      'За эти недели не было приглашений, регистраций и подключений второго фактора.',
    invited: 'Приглашены',
    registered: 'Зарегистрировались',
    second_factor: 'Подключили второй фактор',
    second_factor_rate: 'Второй фактор: %{enrolled} из %{active} активных сотрудников (%{percent})',
    registration_rate:
      'Приглашения: зарегистрировались %{registered}, ждут %{invited}, задержаны %{held}, отозваны %{revoked}',
    week_of: 'неделя с %{date}',
  },
  safety: {
    choose_role: 'Выберите новую роль',
    role_required: 'Сначала выберите роль',
    role_help:
      'Роль в бэк-офисе даёт права над другими сотрудниками. Смена роли завершает сеансы сотрудника в бэк-офисе и записывается в журнал вместе с причиной.',
    clears: {
      password:
        'Сохранённый пароль будет удалён: сотрудник войдёт с паролем, который задаст позже (по ссылке для сброса или приглашению).',
      ldap: 'Сохранённый пароль будет удалён: сотрудник будет входить со своим паролем Windows (из каталога).',
      oidc: 'Сохранённый пароль будет удалён: сотрудник будет входить через корпоративный SSO.',
      email_code: 'Сохранённый пароль будет удалён: сотрудник будет входить по коду из письма.',
      sms_code: 'Сохранённый пароль будет удалён: сотрудник будет входить по коду из SMS.',
    },
    sessions_end:
      'Все сеансы и устройства сотрудника сразу завершатся; он получит уведомление по почте.',
    ldap_unavailable:
      'Недоступно: сотрудник не ведётся ни в одном каталоге (AD / LDAP), и его пароль Windows проверить нечем.',
    revoke_reason_help: 'Почему сеанс завершается (сохранится в журнале аудита).',
    reason_required: 'Укажите причину: она сохраняется в журнале аудита.',
  },
  layout: {
    actions: 'Действия',
    actions_for: 'Действия с сотрудником %{name}',
    search_shortcut: 'Нажмите / для поиска',
  },
  org_totals: {
    people: 'Сотрудников: %{total}',
    people_direct: 'Сотрудников: %{total} (напрямую: %{direct})',
  },
};

/**
 * Messages of bulk work on the whole selection and of the people export (issue 16), kept in
 * their own module and merged into both dictionaries under `bulkjob`.
 */
export const bulkJobsEn = {
  bulkjob: {
    page_selected:
      'All %{count} person on this page is selected |||| All %{count} people on this page are selected',
    select_all: 'Select all matching the filter: %{count}',
    selected_all: '%{count} person selected |||| %{count} people selected',
    all_matching: 'everyone matching the filter',
    clear: 'Clear selection',
    menu: 'Act on everyone selected',
    verb: {
      deactivate: 'Deactivate',
      activate: 'Activate',
      suspend: 'Suspend',
      invite: 'Invite',
      move: 'Move to an organization',
      add_to_space: 'Add to a space',
      remove_from_space: 'Remove from a space',
    },
    title: {
      deactivate: 'Deactivating people',
      activate: 'Activating people',
      suspend: 'Suspending people',
      invite: 'Inviting people',
      move: 'Moving people to an organization',
      add_to_space: 'Adding people to a space',
      remove_from_space: 'Removing people from a space',
    },
    help: 'The action runs in the background for everyone matching the current filter (%{count}). People you may not act on are skipped and listed in the report.',
    reason: 'Reason',
    reason_required: 'A reason is required',
    organization: 'Organization',
    space: 'Space',
    choose: 'Choose one',
    start: 'Start',
    counts:
      'Processed %{processed} of %{total} · done %{ok} · skipped %{skipped} · failed %{failed}',
    status: {
      queued: 'Queued',
      running: 'Running',
      cancelled: 'Stopped',
      done: 'Finished',
      failed: 'Failed',
    },
    progress_label: 'Progress of the bulk job',
    stop: 'Stop',
    stopping: 'Stopping after the current batch…',
    report: 'Download the report (CSV)',
    open_jobs: 'Open in Bulk jobs',
    noun: {
      deactivate: 'Deactivation',
      activate: 'Activation',
      suspend: 'Suspension',
      invite: 'Invitation',
      move: 'Move to organization',
      add_to_space: 'Addition to space',
      remove_from_space: 'Removal from space',
    },
    list: {
      of: '%{processed} of %{total}',
      search: 'Search',
      everyone: 'Everyone you can see',
    },
    export_csv: 'Export CSV',
    export_xlsx: 'Export XLSX',
    error: {
      too_many_people: 'Too many people in the selection: narrow the filter',
      forbidden_filter: 'You may not filter by role',
      organization_not_found: 'The organization no longer exists',
      job_finished: 'The job has already finished',
      forbidden: 'You may not do this',
      not_found: 'Not found',
      requester_lost_access: 'Stopped: whoever started it no longer has the right',
    },
  },
};

/** The «Массовые операции» screen's name and columns (`resources.bulk-jobs`), in English. */
export const bulkJobsResourceEn = {
  name: 'Bulk job |||| Bulk jobs',
  fields: {
    verb: 'Action',
    requestedBy: 'Started by',
    filter: 'People',
    progress: 'Progress',
    processed: 'Progress',
    status: 'Status',
    reason: 'Reason',
    createdAt: 'Started',
    finishedAt: 'Finished',
  },
};

/** The same in Russian. */
export const bulkJobsResourceRu: typeof bulkJobsResourceEn = {
  name: 'Массовая операция |||| Массовые операции',
  fields: {
    verb: 'Действие',
    requestedBy: 'Кто запустил',
    filter: 'Кого касается',
    progress: 'Ход выполнения',
    processed: 'Ход выполнения',
    status: 'Состояние',
    reason: 'Причина',
    createdAt: 'Запущено',
    finishedAt: 'Завершено',
  },
};

/** Russian: the same keys. */
export const bulkJobsRu: typeof bulkJobsEn = {
  bulkjob: {
    page_selected:
      'Выбран %{count} сотрудник на этой странице |||| Выбраны все %{count} сотрудника на этой странице |||| Выбраны все %{count} сотрудников на этой странице',
    select_all: 'Выбрать всех подходящих под фильтр: %{count}',
    selected_all:
      'Выбран %{count} человек |||| Выбрано %{count} человека |||| Выбрано %{count} человек',
    all_matching: 'все, кто подходит под фильтр',
    clear: 'Снять выделение',
    menu: 'Действия со всеми выбранными',
    verb: {
      deactivate: 'Деактивировать',
      activate: 'Активировать',
      suspend: 'Приостановить',
      invite: 'Пригласить',
      move: 'Перевести в организацию',
      add_to_space: 'Добавить в пространство',
      remove_from_space: 'Убрать из пространства',
    },
    title: {
      deactivate: 'Деактивация сотрудников',
      activate: 'Активация сотрудников',
      suspend: 'Приостановка сотрудников',
      invite: 'Приглашение сотрудников',
      move: 'Перевод в другую организацию',
      add_to_space: 'Добавление в пространство',
      remove_from_space: 'Удаление из пространства',
    },
    help: 'Действие выполнится в фоне для каждого сотрудника, подходящего под текущий фильтр (%{count}). Сотрудники, с которыми у вас нет прав это сделать, будут пропущены и попадут в отчёт.',
    reason: 'Причина',
    reason_required: 'Укажите причину',
    organization: 'Организация',
    space: 'Пространство',
    choose: 'Выберите',
    start: 'Запустить',
    counts:
      'Обработано %{processed} из %{total} · выполнено %{ok} · пропущено %{skipped} · с ошибкой %{failed}',
    status: {
      queued: 'В очереди',
      running: 'Выполняется',
      cancelled: 'Остановлено',
      done: 'Завершено',
      failed: 'Сбой',
    },
    progress_label: 'Ход массового действия',
    stop: 'Остановить',
    stopping: 'Остановится после текущей порции…',
    report: 'Скачать отчёт (CSV)',
    open_jobs: 'Открыть в «Массовых операциях»',
    noun: {
      deactivate: 'Деактивация',
      activate: 'Активация',
      suspend: 'Приостановка',
      invite: 'Приглашение',
      move: 'Перевод в организацию',
      add_to_space: 'Добавление в пространство',
      remove_from_space: 'Удаление из пространства',
    },
    list: {
      of: '%{processed} из %{total}',
      search: 'Поиск',
      everyone: 'Все доступные вам сотрудники',
    },
    export_csv: 'Экспорт в CSV',
    export_xlsx: 'Экспорт в XLSX',
    error: {
      too_many_people: 'Слишком много сотрудников в выборке: сузьте фильтр',
      forbidden_filter: 'Фильтр по роли вам недоступен',
      organization_not_found: 'Организация больше не существует',
      job_finished: 'Действие уже завершено',
      forbidden: 'Недостаточно прав',
      not_found: 'Не найдено',
      requester_lost_access: 'Остановлено: у того, кто запустил действие, больше нет прав',
    },
  },
};

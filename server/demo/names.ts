/**
 * Name lists for the demo directory: Russian names (with patronymics and feminine family-name
 * forms) and English names. Written by hand; a few contain `ё` so that `ё` = `е` search shows.
 */

/** A Russian male given name with the patronymics derived from it: [name, masculine, feminine]. */
export type RussianMaleName = readonly [given: string, sonOf: string, daughterOf: string];

/** Splits a space-separated list. */
function words(text: string): readonly string[] {
  return text.split(' ');
}

/** Splits a `|`-separated list. */
function list(text: string): readonly string[] {
  return text.split('|');
}

export const RUSSIAN_MALE_NAMES: readonly RussianMaleName[] = [
  ['Александр', 'Александрович', 'Александровна'],
  ['Алексей', 'Алексеевич', 'Алексеевна'],
  ['Андрей', 'Андреевич', 'Андреевна'],
  ['Антон', 'Антонович', 'Антоновна'],
  ['Артём', 'Артёмович', 'Артёмовна'],
  ['Борис', 'Борисович', 'Борисовна'],
  ['Вадим', 'Вадимович', 'Вадимовна'],
  ['Василий', 'Васильевич', 'Васильевна'],
  ['Виктор', 'Викторович', 'Викторовна'],
  ['Владимир', 'Владимирович', 'Владимировна'],
  ['Дмитрий', 'Дмитриевич', 'Дмитриевна'],
  ['Евгений', 'Евгеньевич', 'Евгеньевна'],
  ['Егор', 'Егорович', 'Егоровна'],
  ['Иван', 'Иванович', 'Ивановна'],
  ['Игорь', 'Игоревич', 'Игоревна'],
  ['Илья', 'Ильич', 'Ильинична'],
  ['Кирилл', 'Кириллович', 'Кирилловна'],
  ['Константин', 'Константинович', 'Константиновна'],
  ['Лев', 'Львович', 'Львовна'],
  ['Максим', 'Максимович', 'Максимовна'],
  ['Михаил', 'Михайлович', 'Михайловна'],
  ['Никита', 'Никитич', 'Никитична'],
  ['Николай', 'Николаевич', 'Николаевна'],
  ['Олег', 'Олегович', 'Олеговна'],
  ['Павел', 'Павлович', 'Павловна'],
  ['Пётр', 'Петрович', 'Петровна'],
  ['Роман', 'Романович', 'Романовна'],
  ['Сергей', 'Сергеевич', 'Сергеевна'],
  ['Семён', 'Семёнович', 'Семёновна'],
  ['Степан', 'Степанович', 'Степановна'],
  ['Тимур', 'Тимурович', 'Тимуровна'],
  ['Фёдор', 'Фёдорович', 'Фёдоровна'],
  ['Юрий', 'Юрьевич', 'Юрьевна'],
  ['Ярослав', 'Ярославович', 'Ярославовна'],
];

export const RUSSIAN_FEMALE_NAMES: readonly string[] = words(
  'Алёна Алина Анастасия Анна Валентина Валерия Вера Виктория Галина Дарья Екатерина Елена ' +
    'Елизавета Жанна Зоя Ирина Кира Ксения Лариса Людмила Марина Мария Надежда Наталья Нина ' +
    'Оксана Ольга Полина Светлана София Таисия Татьяна Ульяна Юлия Яна',
);

/** Family names in their masculine form; `feminineFamilyName` derives the feminine one. */
export const RUSSIAN_FAMILY_NAMES: readonly string[] = words(
  'Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов ' +
    'Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев ' +
    'Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв ' +
    'Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов ' +
    'Поляков Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов ' +
    'Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков ' +
    'Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков ' +
    'Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов ' +
    'Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев Воронин ' +
    'Климов Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников ' +
    'Трофимов Леонов Соболев Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов ' +
    'Гришин Ефремов Архипов Громов Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев ' +
    'Бирюков Горбунов Анисимов Ёлкин Островский Вишневский Покровский Троицкий Успенский ' +
    'Высоцкий Яблонский Толстой Трубецкой Донской Лихой Бестужев Черных Седых Шевченко ' +
    'Бондаренко Ткаченко Ким Пак Гарипов Хабибуллин Алиев Мамедов',
);

/**
 * The feminine form of a Russian family name: -ов/-ев/-ёв/-ин/-ын take -а, -ский/-цкий become
 * -ская/-цкая, -ой/-ый become -ая; others (Черных, Шевченко, Ким) do not change.
 */
export function feminineFamilyName(masculine: string): string {
  if (/(ский|цкий)$/.test(masculine)) return `${masculine.slice(0, -2)}ая`;
  if (/(ой|ый)$/.test(masculine)) return `${masculine.slice(0, -2)}ая`;
  if (/(ов|ев|ёв|ин|ын)$/.test(masculine)) return `${masculine}а`;
  return masculine;
}

export const ENGLISH_MALE_NAMES: readonly string[] = words(
  'James John Robert Michael William David Richard Thomas Charles Daniel Matthew Andrew ' +
    'Mark Steven Paul George Oliver Henry Jack Samuel Peter Edward',
);

export const ENGLISH_FEMALE_NAMES: readonly string[] = words(
  'Mary Patricia Jennifer Linda Elizabeth Susan Jessica Sarah Karen Emily Emma Olivia ' +
    'Sophie Charlotte Amelia Grace Hannah Lucy Alice Rachel Laura Kate',
);

export const ENGLISH_FAMILY_NAMES: readonly string[] = words(
  'Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore ' +
    'Martin Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King ' +
    'Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips ' +
    'Evans Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper ' +
    'Peterson Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett ' +
    'Gray Hughes Price Sanders',
);

export const RUSSIAN_TITLES: readonly string[] = list(
  'Инженер|Ведущий инженер|Главный инженер|Инженер-программист|Старший разработчик|' +
    'Разработчик|Тестировщик|Системный администратор|Аналитик|Ведущий аналитик|' +
    'Бизнес-аналитик|Специалист|Главный специалист|Ведущий специалист|Эксперт|' +
    'Менеджер проектов|Менеджер по продажам|Менеджер по закупкам|Бухгалтер|Главный бухгалтер|' +
    'Экономист|Юрист|Специалист по кадрам|Рекрутер|Дизайнер|Технический писатель|' +
    'Офис-менеджер|Ассистент|Руководитель группы|Начальник отдела|' +
    'Заместитель начальника отдела|Директор департамента|Стажёр',
);

export const ENGLISH_TITLES: readonly string[] = list(
  'Software Engineer|Senior Software Engineer|Staff Engineer|Product Manager|' +
    'Project Manager|Data Analyst|QA Engineer|DevOps Engineer|Designer|Account Manager|' +
    'Sales Executive|Consultant|Team Lead|Head of Department',
);

const TRANSLIT: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
};

/** Lower-case Latin transliteration of a Russian (or already Latin) name, for usernames and emails. */
export function transliterate(name: string): string {
  let out = '';
  for (const char of name.toLowerCase()) out += TRANSLIT[char] ?? char;
  return out.replace(/[^a-z0-9]/g, '');
}

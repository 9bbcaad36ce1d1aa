import { randomUUID } from 'node:crypto';
import type { Random } from './random.ts';

/** One generated organization, in the shape the bulk insert reads. */
export interface DemoOrganization {
  id: string;
  name: string;
  kind: 'department' | 'project';
  parentId: string | null;
  description: string | null;
  externalId: string | null;
}

/** The generated tree: every organization, and where people go. */
export interface DemoTree {
  organizations: DemoOrganization[];
  root: DemoOrganization;
  /** The top-level divisions (operators sit there). */
  divisions: DemoOrganization[];
  /** The lowest departments (most people sit there). */
  leaves: DemoOrganization[];
  projects: DemoOrganization[];
}

/** Marks the root of a demo directory (organization.external_id). */
export const DEMO_ROOT_MARKER = 'demo:root';

const DIVISIONS = [
  'Дирекция информационных технологий',
  'Финансовая дирекция',
  'Коммерческая дирекция',
  'Дирекция по персоналу',
  'Юридическая дирекция',
  'Производственная дирекция',
  'Дирекция логистики',
  'Дирекция маркетинга',
  'Служба безопасности',
  'International Business Unit',
];

const DEPARTMENTS = [
  'Департамент разработки',
  'Департамент эксплуатации',
  'Департамент аналитики',
  'Департамент закупок',
  'Департамент продаж',
  'Департамент клиентского сервиса',
  'Департамент качества',
  'Департамент планирования',
  'Департамент развития',
  'Департамент отчётности',
  'Департамент регионального развития',
  'Департамент внутреннего контроля',
];

const UNITS = [
  'Отдел бэкенд-разработки',
  'Отдел фронтенд-разработки',
  'Отдел тестирования',
  'Отдел сопровождения',
  'Отдел поддержки пользователей',
  'Отдел договорной работы',
  'Отдел расчётов',
  'Отдел подбора персонала',
  'Отдел обучения',
  'Отдел документооборота',
  'Отдел мобильной разработки',
  'Отдел инфраструктуры',
];

const PROJECT_NAMES = [
  'Альфа',
  'Бета',
  'Гамма',
  'Дельта',
  'Омега',
  'Сириус',
  'Вега',
  'Полярная звезда',
  'Феникс',
  'Сокол',
  'Беркут',
  'Phoenix',
  'Atlas',
  'Horizon',
  'Aurora',
  'Nova',
  'Orion',
  'Titan',
];

function names(base: readonly string[], count: number, rng: Random, numbered: string): string[] {
  const pool = [...base].sort(() => rng.next() - 0.5);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(pool[i] ?? `${numbered} ${i + 1}`);
  return out;
}

/**
 * Builds a tree sized for `people`: the root, up to 10 divisions, then two (or, above 20,000
 * people, three) levels of departments with about 30 people per lowest department, and projects.
 */
export function buildOrganizationTree(people: number, rootName: string, rng: Random): DemoTree {
  const organizations: DemoOrganization[] = [];
  const add = (name: string, kind: DemoOrganization['kind'], parentId: string | null) => {
    const organization: DemoOrganization = {
      id: randomUUID(),
      name,
      kind,
      parentId,
      description: null,
      externalId: null,
    };
    organizations.push(organization);
    return organization;
  };
  const root = add(rootName, 'department', null);
  root.externalId = DEMO_ROOT_MARKER;
  root.description = 'Демонстрационный справочник (npm run cli -- seed-demo)';
  const leavesWanted = Math.max(6, Math.ceil(people / 30));
  const divisionCount = Math.min(
    DIVISIONS.length,
    Math.max(3, Math.round(Math.sqrt(leavesWanted))),
  );
  const levels = people > 20_000 ? 3 : 2;
  const branching = Math.max(2, Math.ceil((leavesWanted / divisionCount) ** (1 / levels)));
  const levelNames: [readonly string[], string][] = [
    [DEPARTMENTS, 'Департамент'],
    [UNITS, 'Отдел'],
    [[], 'Сектор'],
  ];
  const divisions = DIVISIONS.slice(0, divisionCount).map((name) =>
    add(name, 'department', root.id),
  );
  let level = divisions;
  for (let depth = 0; depth < levels; depth++) {
    const [base, numbered] = levelNames[depth] ?? [[], 'Группа'];
    const next: DemoOrganization[] = [];
    for (const parent of level) {
      for (const name of names(base, branching, rng, numbered)) {
        next.push(add(name, 'department', parent.id));
      }
    }
    level = next;
  }
  const projectCount = Math.min(60, Math.max(3, Math.ceil(people / 400)));
  const projects = names(PROJECT_NAMES, projectCount, rng, 'Проект').map((name, i) =>
    add(i < PROJECT_NAMES.length ? `Проект «${name}»` : name, 'project', rng.pick(divisions).id),
  );
  return { organizations, root, divisions, leaves: level, projects };
}

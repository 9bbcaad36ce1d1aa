import { randomUUID } from 'node:crypto';
import type { DemoTree } from './organizations.ts';
import type { Random } from './random.ts';

/** One generated space, in the shape the bulk insert reads. */
export interface DemoSpace {
  id: string;
  name: string;
  description: string | null;
  organizationId: string | null;
  /** How many members to draw; the first space (company-wide) takes every active person. */
  size: number | 'everyone';
}

const COMPANY_SPACES = [
  ['Новости компании', 'Объявления для всех сотрудников'],
  ['IT-поддержка', 'Вопросы по технике, доступам и программам'],
  ['Флудилка', null],
  ['Спорт и здоровье', null],
  ['Книжный клуб', null],
  ['English Speaking Club', 'Practice English with colleagues'],
  ['Офис: Москва', null],
  ['Офис: Санкт-Петербург', null],
  ['Офис: Екатеринбург', null],
  ['Remote Team', null],
  ['Барахолка', null],
  ['Обед и кофе', null],
] as const;

/**
 * Spaces sized for `people`: a company-wide one, common-interest ones, one per division and
 * project, and numbered working groups. `suffix` keeps names unique across demo runs.
 */
export function buildSpaces(
  people: number,
  tree: DemoTree,
  rng: Random,
  suffix: string,
): DemoSpace[] {
  const spaces: DemoSpace[] = [];
  const add = (
    name: string,
    description: string | null,
    organizationId: string | null,
    size: DemoSpace['size'],
  ) =>
    spaces.push({ id: randomUUID(), name: `${name}${suffix}`, description, organizationId, size });
  add('Общий канал', 'Все сотрудники компании', tree.root.id, 'everyone');
  const smallSize = () => Math.min(people, Math.round(5 + rng.next() ** 3 * 300));
  for (const [name, description] of COMPANY_SPACES)
    add(name, description, null, Math.min(people, rng.int(50, 2000)));
  for (const division of tree.divisions)
    add(`${division.name}: общение`, null, division.id, smallSize() * 2);
  for (const project of tree.projects)
    add(`${project.name}: команда`, null, project.id, smallSize());
  const wanted = Math.min(2500, Math.max(5, Math.ceil(people / 50)));
  for (let i = spaces.length; i < wanted; i++)
    add(`Рабочая группа ${i + 1}`, null, null, smallSize());
  return spaces;
}

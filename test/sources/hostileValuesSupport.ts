import { expect } from 'vitest';
import type { Services } from '../../server/shared/services.ts';
import { unsafeCharacterIn } from '../../server/shared/text.ts';
import type { RunView } from '../../server/sources/schemas.ts';
import type { ApiClient } from '../support/api.ts';
import { type PersonRow, type PlanLine, peopleOf, planOf, sync } from './support.ts';

/**
 * Issue 13, "no value can fail a run": the same hostile entries in Samba AD and OpenLDAP, and
 * what a run must make of them. Attribute names are the directories' own (AD, inetOrgPerson).
 */

const ROCKET = '🚀';

/** The values of one test person, by our field names. */
export interface HostilePerson {
  login: string;
  familyName: string;
  givenName?: string;
  title?: string;
  department?: string;
  employeeId?: string;
}

/** Logins of the hostile people, for the assertions. */
export const HOSTILE = {
  /** 299 characters then an emoji: `slice(0, 300)` made a lone surrogate and failed every run. */
  rocket: { login: 'rocket', familyName: 'Ракетов', title: `${'a'.repeat(299)}${ROCKET}` },
  /** The emoji ends exactly at the limit (300 UTF-16 code units): kept whole, nothing reported. */
  atLimit: { login: 'atlimit', familyName: 'Пределов', title: `${'b'.repeat(298)}${ROCKET}` },
  /** A 10,000-character value. */
  huge: { login: 'huge', familyName: 'Огромов', title: 'z'.repeat(10_000) },
  /** Control characters (BEL, tab, SOH) in display text: spaces. */
  controls: {
    login: 'controls',
    familyName: 'Контролев',
    givenName: 'Ив\u0007ан',
    title: 'Инженер\tпо\u0001ТБ',
  },
  /** A letter and its combining accent across the cut (no precomposed я́, NFC keeps it apart). */
  combining: { login: 'combining', familyName: 'Акцентов', title: `${'я'.repeat(300)}\u0301` },
  /** An identifier with a control character: refused, the entry is a conflict of its own. */
  badNumber: { login: 'badnumber', familyName: 'Номеров', employeeId: 'E-\u00072' },
  /**
   * Gets {@link BINARY_VALUE} in a binary attribute (AD thumbnailPhoto, OpenLDAP jpegPhoto) that
   * the source maps as its middle name: what ldapts decodes from bytes that are not UTF-8.
   */
  binary: { login: 'binary', familyName: 'Двоичный' },
  plain: { login: 'plain', familyName: 'Обычный', givenName: 'Пётр', title: 'Бухгалтер' },
} satisfies Record<string, HostilePerson>;

/**
 * 10,000 bytes that are not UTF-8: every byte value (NUL and the other controls among them),
 * and CESU-8 halves of a surrogate pair (ED A0 BD, ED B8 80), which a lenient decoder would
 * turn into lone surrogates. Node decodes them as U+FFFD.
 */
export const BINARY_VALUE: Buffer = Buffer.concat([
  Buffer.from([0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80, 0x00]),
  Buffer.from(Array.from({ length: 9_993 }, (_, i) => i % 256)),
]);

/** Everyone above. */
export const HOSTILE_PEOPLE: HostilePerson[] = Object.values(HOSTILE);

const lineOf = (plan: PlanLine[], login: string) => {
  const line = plan.find((item) => item.label === login);
  expect(line, `plan item of ${login}`).toBeDefined();
  return line as PlanLine;
};

/** A full run over the hostile people: it succeeds, cuts and reports, and isolates the conflict. */
export async function expectHostileFullRun(
  services: Services,
  api: ApiClient,
  sourceId: string,
): Promise<Map<string | null, PersonRow>> {
  const run: RunView = await sync(api, sourceId, 'full');
  expect(run.status, run.error ?? '').toBe('succeeded');
  expect(run.counts).toMatchObject({ read: HOSTILE_PEOPLE.length, create: 7, conflict: 1 });
  const plan = await planOf(api, run.id);
  expect(lineOf(plan, 'rocket').reason).toBe('title cut from 300 to 299 characters');
  expect(lineOf(plan, 'atlimit').reason).toBeNull();
  expect(lineOf(plan, 'huge').reason).toBe('title cut from 10,000 to 300 characters');
  expect(lineOf(plan, 'combining').reason).toBe('title cut from 301 to 299 characters');
  expect(lineOf(plan, 'controls').reason).toBeNull();
  const binary = lineOf(plan, 'binary');
  expect(binary.action).toBe('create');
  expect(binary.reason).toMatch(/^middle name cut from [\d,]+ to 200 characters$/);
  const conflict = lineOf(plan, 'badnumber');
  expect(conflict.action).toBe('conflict');
  expect(conflict.reason).toBe(
    'employee number "E-\\u00072" must not contain NUL or other control characters',
  );
  const people = new Map((await peopleOf(services, sourceId)).map((p) => [p.username, p]));
  expect([...people.keys()].sort()).toEqual([
    'atlimit',
    'binary',
    'combining',
    'controls',
    'huge',
    'plain',
    'rocket',
  ]);
  expect(people.get('rocket')?.title).toBe('a'.repeat(299));
  expect(people.get('atlimit')?.title).toBe(HOSTILE.atLimit.title);
  expect(people.get('huge')?.title).toBe('z'.repeat(300));
  expect(people.get('combining')?.title).toBe('я'.repeat(299));
  expect(people.get('controls')).toMatchObject({ given_name: 'Ив ан', title: 'Инженер по ТБ' });
  expect(people.get('plain')).toMatchObject({ title: 'Бухгалтер', status: 'active' });
  const { rows } = await services.pool.query<{ middle_name: string }>(
    `select middle_name from app_user where source_id = $1 and username = 'binary'`,
    [sourceId],
  );
  const middleName = rows[0]?.middle_name ?? '';
  expect(middleName).toHaveLength(200);
  expect(unsafeCharacterIn(middleName)).toBeNull();
  return people;
}

/**
 * An incremental run after the directory changed (see `changeForIncremental`): it succeeds, the
 * new hostile values are cut and applied, the plain change applies, the conflict stays one.
 */
export async function expectHostileIncrementalRun(
  services: Services,
  api: ApiClient,
  sourceId: string,
): Promise<void> {
  const run: RunView = await sync(api, sourceId, 'incremental');
  expect(run.status, run.error ?? '').toBe('succeeded');
  expect(run.readMode).toBe('incremental');
  const plan = await planOf(api, run.id);
  const rocket = lineOf(plan, 'rocket');
  expect(rocket.action).toBe('update');
  expect(rocket.reason).toBe('title cut from 300 to 299 characters');
  expect(rocket.diff.title?.to).toBe('c'.repeat(299));
  expect(lineOf(plan, 'plain').diff.familyName?.to).toBe('Обычный-Второй');
  const late = lineOf(plan, 'late');
  expect(late.action).toBe('create');
  expect(late.reason).toBe('title cut from 10,000 to 300 characters');
  expect(lineOf(plan, 'badnumber').action).toBe('conflict');
  const people = new Map((await peopleOf(services, sourceId)).map((p) => [p.username, p]));
  expect(people.get('rocket')?.title).toBe('c'.repeat(299));
  expect(people.get('plain')?.family_name).toBe('Обычный-Второй');
  expect(people.get('late')?.title).toBe('q'.repeat(300));
  expect(people.has('badnumber')).toBe(false);
}

/** The changes made between the two runs, by login (and the person added). */
export const INCREMENTAL_CHANGES = {
  rocket: { title: `${'c'.repeat(299)}${ROCKET}` },
  plain: { familyName: 'Обычный-Второй' },
  badNumber: { title: 'Всё ещё с плохим номером' },
  late: { login: 'late', familyName: 'Поздний', title: 'q'.repeat(10_000) } as HostilePerson,
};

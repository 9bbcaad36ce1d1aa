import iconv from 'iconv-lite';
import { systemActor } from '../../server/authz/actor.ts';
import { defineAbilityFor } from '../../server/authz/index.ts';
import {
  feminineFamilyName,
  RUSSIAN_FAMILY_NAMES,
  RUSSIAN_FEMALE_NAMES,
  RUSSIAN_MALE_NAMES,
  RUSSIAN_TITLES,
} from '../../server/demo/names.ts';
import { applyImport } from '../../server/sources/hr/import/applyImport.ts';
import { uploadImport } from '../../server/sources/hr/import/uploadImport.ts';
import { openBenchDatabase } from '../support/database.ts';
import { fmt, table } from '../support/stats.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);
const PEOPLE = 50_000;
const DEPARTMENTS = 60;

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;
const pad = (n: number) => String(n).padStart(2, '0');

/** Row i of a 1C:ЗУП-style staff list; `version` changes some titles. */
function row(i: number, version: number): string {
  const male = i % 2 === 0;
  const [given] = pick(RUSSIAN_MALE_NAMES, i * 7 + 3);
  const father = pick(RUSSIAN_MALE_NAMES, i * 13 + 1);
  const family = pick(RUSSIAN_FAMILY_NAMES, i * 31 + 5);
  const name = male
    ? `${family} ${given} ${father[1]}`
    : `${feminineFamilyName(family)} ${pick(RUSSIAN_FEMALE_NAMES, i * 11)} ${father[2]}`;
  const title = version > 0 && i % 10 === 0 ? 'Ведущий специалист' : pick(RUSSIAN_TITLES, i * 3);
  const hired = `${pad((i % 28) + 1)}.${pad((i % 12) + 1)}.${2005 + (i % 19)} 0:00:00`;
  return [
    String(i).padStart(10, '0'),
    name,
    title,
    `Отдел ${i % DEPARTMENTS}`,
    `+7 916 ${String(1_000_000 + i).slice(-7)}`,
    `person${i}@corp.example.test`,
    hired,
    '',
  ].join(';');
}

/** The whole file in Windows-1251 with CRLF, as 1C writes it. */
function staffFile(version: number): Buffer {
  const lines = [
    'Табельный номер;ФИО;Должность;Подразделение;Телефон;E-mail;Дата приема;Дата увольнения',
  ];
  for (let i = 1; i <= PEOPLE; i += 1) lines.push(row(i, version));
  return iconv.encode(`${lines.join('\r\n')}\r\n`, 'win1251');
}

/**
 * The HR import at 50,000 rows on a fresh embedded database: upload → planned (preview) and
 * apply → succeeded, for a first import (all creates), a re-import (all unchanged) and an
 * import changing every tenth title. Targets: preview ≤ 5 s, apply ≤ 15 s.
 */
export async function runImportBench(): Promise<Record<string, number>> {
  const db = await openBenchDatabase('hr-import', { fresh: true, poolMax: 8 });
  const { services } = db;
  const actor = systemActor('bench');
  const ability = defineAbilityFor({ userId: null, role: 'superadmin' });
  const figures: Record<string, number> = {};
  try {
    const files = [staffFile(0), staffFile(0), staffFile(1)];
    log(`file: ${PEOPLE} rows, ${(files[0]?.length ?? 0).toLocaleString()} bytes (Windows-1251)`);
    const names = ['first import (creates)', 're-import (unchanged)', 'every 10th title changed'];
    const keys = ['first', 'same', 'changed'];
    const rows: string[][] = [];
    for (const [index, bytes] of files.entries()) {
      let start = performance.now();
      const run = await uploadImport(
        services,
        actor,
        { bytes, fileName: 'staff.csv', scope: 'partial' },
        ability,
      );
      const preview = (performance.now() - start) / 1_000;
      if (run.status !== 'planned') throw new Error(`preview ended ${run.status}: ${run.error}`);
      start = performance.now();
      const applied = await applyImport(services, actor, run.id, true, ability);
      const apply = (performance.now() - start) / 1_000;
      if (applied.status !== 'succeeded')
        throw new Error(`apply ended ${applied.status}: ${applied.error}`);
      const key = keys[index] as string;
      figures[`${key}PreviewSeconds`] = preview;
      figures[`${key}ApplySeconds`] = apply;
      const c = run.counts;
      rows.push([
        names[index] as string,
        `${c.create ?? 0} / ${c.update ?? 0} / ${c.unchanged ?? 0} / ${c.conflict ?? 0}`,
        fmt(preview),
        fmt(apply),
      ]);
      log(`${names[index]}: preview ${fmt(preview)} s, apply ${fmt(apply)} s`);
    }
    process.stdout.write(
      `\n### HR import, ${PEOPLE.toLocaleString('en')} rows, Windows-1251 CSV (targets: preview ≤ 5 s, apply ≤ 15 s)\n\n`,
    );
    process.stdout.write(
      `${table(['import', 'create / update / unchanged / conflict', 'preview (s)', 'apply (s)'], rows)}\n`,
    );
    return figures;
  } finally {
    await db.close();
  }
}

import type { EntityManager } from '@mikro-orm/postgresql';

/** Whether the last working day `date` has ended (end of that day in `timeZone`) at `now`. */
export async function dayEnded(
  em: EntityManager,
  date: string,
  timeZone: string,
  now: Date,
): Promise<boolean> {
  const [row] = await em.execute<{ ended: boolean }[]>(
    'select ((?::date + 1)::timestamp at time zone ?) <= ?::timestamptz as ended',
    [date, timeZone, now.toISOString()],
  );
  return row?.ended === true;
}

/** Whether the first working day `date` is still ahead (its start in `timeZone`) at `now`. */
export async function dayAhead(
  em: EntityManager,
  date: string,
  timeZone: string,
  now: Date,
): Promise<boolean> {
  const [row] = await em.execute<{ ahead: boolean }[]>(
    'select (?::date::timestamp at time zone ?) > ?::timestamptz as ahead',
    [date, timeZone, now.toISOString()],
  );
  return row?.ahead === true;
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from '../../../shared/errors.ts';
import type { ScheduledChangeView } from './schemas.ts';

/** A scheduled_change row with its person's label, as the queries below select it. */
export interface ScheduledRow {
  id: string;
  user_id: string;
  user_label: string;
  kind: 'activate' | 'deactivate';
  effective_date: string;
  effective_at: Date | string;
  source_id: string;
  reason: string | null;
  created_by: string;
  created_by_id: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  cancelled_at: Date | string | null;
  cancelled_by: string | null;
  fired_at: Date | string | null;
  outcome: 'applied' | 'skipped' | null;
  outcome_reason: string | null;
}

/** Columns of a scheduled change joined with its person (`c` and `u`). */
export const SCHEDULED_COLUMNS = `c.id, c.user_id, coalesce(u.username, u.display_name) as user_label,
  c.kind, c.effective_date::text as effective_date, c.effective_at, c.source_id, c.reason,
  c.created_by, c.created_by_id, c.created_at, c.updated_at, c.cancelled_at, c.cancelled_by,
  c.fired_at, c.outcome, c.outcome_reason`;

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

/** The API view of a row. */
export function presentScheduled(row: ScheduledRow): ScheduledChangeView {
  return {
    id: row.id,
    userId: row.user_id,
    userLabel: row.user_label,
    kind: row.kind,
    effectiveDate: row.effective_date,
    effectiveAt: iso(row.effective_at),
    sourceId: row.source_id,
    reason: row.reason,
    createdBy: row.created_by,
    createdById: row.created_by_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    cancelledAt: isoOrNull(row.cancelled_at),
    cancelledBy: row.cancelled_by,
    firedAt: isoOrNull(row.fired_at),
    outcome: row.outcome,
    outcomeReason: row.outcome_reason,
  };
}

/** Loads one scheduled change, or answers 404. */
export async function loadScheduled(
  em: EntityManager,
  id: string,
  lock = false,
): Promise<ScheduledRow> {
  const [row] = await em.execute<ScheduledRow[]>(
    `select ${SCHEDULED_COLUMNS} from scheduled_change c join app_user u on u.id = c.user_id
      where c.id = ? ${lock ? 'for update of c' : ''}`,
    [id],
  );
  if (!row) throw notFound('Scheduled change');
  return row;
}

/** The live changes of one person, soonest first (the person's card shows them). */
export async function liveChangesOf(
  em: EntityManager,
  userId: string,
): Promise<ScheduledChangeView[]> {
  const rows = await em.execute<ScheduledRow[]>(
    `select ${SCHEDULED_COLUMNS} from scheduled_change c join app_user u on u.id = c.user_id
      where c.user_id = ? and c.cancelled_at is null and c.fired_at is null
      order by c.effective_at, c.id`,
    [userId],
  );
  return rows.map(presentScheduled);
}

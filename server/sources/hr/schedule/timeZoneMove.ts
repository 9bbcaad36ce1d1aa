import type { AuditEventInput } from '../../../audit/actions.ts';
import { systemActor } from '../../../authz/actor.ts';
import { runCommand } from '../../../commands/runCommand.ts';
import type { Services } from '../../../shared/services.ts';

interface MovedRow {
  id: string;
  user_id: string;
  kind: 'activate' | 'deactivate';
  effective_date: string;
  effective_at: Date;
  previous_at: Date;
  source_id: string;
  label: string | null;
}

// Every live change whose instant is not what its date means in the zone (the first two
// parameters; the third is the time of the move): a leaver's change at the end of their last
// day, a starter's at the start of their first. Rows another process moves at the same time are
// waited for, then seen moved (READ COMMITTED re-reads them).
const MOVE_SQL = `
with wanted as (
  select c.id, c.effective_at as previous_at,
         case c.kind when 'deactivate' then (c.effective_date + 1)::timestamp at time zone ?::text
                     else c.effective_date::timestamp at time zone ?::text end as effective_at
    from scheduled_change c
   where c.cancelled_at is null and c.fired_at is null
   for update of c
)
update scheduled_change c set effective_at = w.effective_at, updated_at = ?::timestamptz
  from wanted w
 where c.id = w.id and c.effective_at <> w.effective_at
returning c.id, c.user_id, c.kind, c.effective_date::text as effective_date, c.effective_at,
  w.previous_at, c.source_id,
  (select coalesce(u.username, u.display_name) from app_user u where u.id = c.user_id) as label`;

/**
 * Moves every live scheduled change to the instant its date means in the company's time zone
 * now (`hr.timeZone`), and audits each move (`scheduled_change.updated`, actor: schedule).
 * The dates are HR's and the staff's; the instants were computed in the zone configured when the
 * change was written, so a new zone (the company moved its head office, or the setting was
 * wrong) would otherwise fire every waiting change at the old zone's midnight: hours early or
 * late. Run at each start of the jobs, before the due timer; a no-op when nothing differs.
 * Returns how many changes it moved.
 */
export async function moveToCompanyTimeZone(services: Services): Promise<number> {
  const timeZone = services.config.hr.timeZone;
  return runCommand(services, systemActor('schedule'), async ({ em, audit }) => {
    const moved = await em.execute<MovedRow[]>(MOVE_SQL, [
      timeZone,
      timeZone,
      services.now().toISOString(),
    ]);
    for (const row of moved) audit(movedEvent(row, timeZone));
    return moved.length;
  });
}

function movedEvent(row: MovedRow, timeZone: string): AuditEventInput {
  return {
    action: 'scheduled_change.updated',
    targetType: 'user',
    targetId: row.user_id,
    targetLabel: row.label ?? row.user_id,
    reason: `the company's time zone is ${timeZone}`,
    details: {
      kind: row.kind,
      effectiveDate: row.effective_date,
      effectiveAt: new Date(row.effective_at).toISOString(),
      sourceId: row.source_id,
      scheduledChangeId: row.id,
      timeZone,
      previous: { effectiveAt: new Date(row.previous_at).toISOString() },
    },
  };
}

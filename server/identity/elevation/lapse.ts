import { systemActor } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';

/** Requests written down as lapsed per transaction. */
const CHUNK = 500;

interface LapsedRow {
  id: string;
  requester_id: string;
  role: string;
  lapses_at: Date | string;
  username: string | null;
  display_name: string;
}

/**
 * Writes down as `lapsed` the elevation requests nobody decided before their lapse time, as the
 * system, one `elevation.lapsed` event each. The clock already decided (an approval after
 * `lapses_at` is refused, and reads show `lapsed`); this only records it. Claimed with `SKIP
 * LOCKED` and only pending rows, so concurrent or repeated runs record each once.
 */
export async function lapseElevationRequests(services: Services): Promise<number> {
  let lapsed = 0;
  for (;;) {
    const done = await runCommand(services, systemActor('scheduler'), async ({ em, audit }) => {
      const now = services.now();
      const rows = await em.execute<LapsedRow[]>(
        `with due as (
             select id from elevation_request
              where status = 'pending' and lapses_at <= ?
              order by lapses_at, id limit ? for update skip locked)
           update elevation_request r
              set status = 'lapsed', decided_at = ?, version = r.version + 1
             from due, app_user u
            where r.id = due.id and u.id = r.requester_id
           returning r.id, r.requester_id, r.role, r.lapses_at, u.username, u.display_name`,
        [now, CHUNK, now],
      );
      for (const row of rows)
        audit({
          action: 'elevation.lapsed',
          targetType: 'user',
          targetId: row.requester_id,
          targetLabel: row.username ?? row.display_name,
          details: {
            requestId: row.id,
            role: row.role,
            lapsesAt: new Date(row.lapses_at).toISOString(),
          },
        });
      return rows.length;
    });
    lapsed += done;
    if (done < CHUNK) return lapsed;
  }
}

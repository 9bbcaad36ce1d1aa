import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { conflict, notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';

/** A report file to send. */
export interface ReportFile {
  body: string;
  contentType: string;
  filename: string;
}

/**
 * A closed campaign's signed report, as JSON (the report and its signature) or CSV (the items;
 * its SHA-256 is in the signed JSON), for superadmins and auditors. Audited
 * `review.report_downloaded`; 409 `review_not_closed` while the campaign is open.
 */
export function downloadReport(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
  format: 'json' | 'csv',
): Promise<ReportFile> {
  return runCommand(
    services,
    actor,
    async ({ em, audit }) => {
      authorize(ability, 'export', 'ReviewCampaign', {
        auditAction: 'review.report_downloaded',
        targetType: 'ReviewCampaign',
        targetId: id,
      });
      const [row] = await em.execute<
        { name: string; json: string | null; csv: string | null; sha256: string | null }[]
      >(
        `select c.name, r.json, r.csv, r.sha256 from review_campaign c
           left join review_report r on r.campaign_id = c.id where c.id = ?`,
        [id],
      );
      if (!row) throw notFound('ReviewCampaign');
      if (row.json === null || row.csv === null)
        throw conflict('review_not_closed', 'The report is made when the campaign closes');
      audit({
        action: 'review.report_downloaded',
        targetType: 'ReviewCampaign',
        targetId: id,
        targetLabel: row.name,
        details: { format, reportSha256: row.sha256 },
      });
      const base = `access-review-${id.slice(0, 8)}`;
      return format === 'json'
        ? { body: row.json, contentType: 'application/json', filename: `${base}.json` }
        : { body: row.csv, contentType: 'text/csv; charset=utf-8', filename: `${base}.csv` };
    },
    ability,
  );
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Plan notes as codes with params (issue 16): beside the English `reason`, `blocked` and
 * `outcome_reason` of a plan item (kept for the audit, the CLI and older clients), `notes` (a
 * jsonb array of `{code, params}`), `blocked_note` and `outcome_note` (one each), which the
 * console translates. An absence check's reason gets its note too. Adding nullable columns
 * rewrites no row: items of older plans keep null notes and the console shows their English.
 */
export class Migration20261208020000PlanNotes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table sync_plan_item
  add column notes jsonb,
  add column blocked_note jsonb,
  add column outcome_note jsonb;
alter table sync_absence add column note jsonb;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
alter table sync_absence drop column if exists note;
alter table sync_plan_item
  drop column if exists outcome_note,
  drop column if exists blocked_note,
  drop column if exists notes;`);
  }
}

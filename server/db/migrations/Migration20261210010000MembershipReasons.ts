import { Migration } from '@mikro-orm/migrations';

/**
 * Why a person is in a space (issue 18, access views): `via` names the door that added the
 * membership — `manual` (the console or API, by a person: `added_by_id`), `directory_group` (a
 * directory source's group mapping), `hr` (an HR channel), `scim` (SCIM group membership) or
 * `import` (a bulk load with no person behind it, e.g. the demo seed) — and `via_source_id` the
 * source that added it (a directory source id, `hr-import`, `scim`), when there is one.
 *
 * Backfill of existing rows, from what the rows and their people say (the door was not recorded
 * before, so this is a best reading, documented in docs/api.md "Access views"):
 * - `added_by_id` set: a person added it → `manual`;
 * - else the space is a SCIM group → `scim` (`scim`);
 * - else the person is owned by a directory source → `directory_group` (that source);
 * - else → `import` (no person and no source to name: seeds and loads by SQL).
 * A directory-mapped membership of a person whose source was deleted since reads as `import`.
 *
 * The default stays `manual` for rows written by hand in SQL; every door of the service names
 * its own `via`.
 */
export class Migration20261210010000MembershipReasons extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table space_member
  add column via text not null default 'manual'
    check (via in ('manual', 'directory_group', 'hr', 'scim', 'import')),
  add column via_source_id text;

update space_member m
   set via = case
         when m.added_by_id is not null then 'manual'
         when s.source = 'scim' then 'scim'
         when u.source_id is not null then 'directory_group'
         else 'import' end,
       via_source_id = case
         when m.added_by_id is not null then null
         when s.source = 'scim' then 'scim'
         else u.source_id end
  from space s, app_user u
 where s.id = m.space_id and u.id = m.user_id;
`);
  }

  override async down(): Promise<void> {
    this.addSql('alter table space_member drop column via, drop column via_source_id;');
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * SCIM resources as RFC 7644 wants them (issue 12):
 *
 * - `scim_deleted_at`: a SCIM client deleted the person (DELETE /Users/:id). The person stays in
 *   the directory, deactivated, with their history; SCIM answers 404 for them and omits them from
 *   lists (§3.6).
 * - `scim_id`: the id SCIM knows the person by when it is not `id` (null: it is `id`). A person
 *   SCIM deleted and an identity provider re-creates is reconnected as a new SCIM resource, with a
 *   new id: a deleted resource's id is never answered again (RFC 7643 §3.1, non-reassignable).
 * - `scim_user_name`: SCIM's userName as the client sent it (`Olga.Kuz@Corp.Example`), answered
 *   back as sent and compared case-insensitively. Null: the login is the userName (people made
 *   before this migration, or outside SCIM).
 */
export class Migration20261204110000ScimResources extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table app_user
  add column scim_id uuid,
  add column scim_user_name text,
  add column scim_deleted_at timestamptz;

-- GET / PUT / PATCH / DELETE /Users/:id and group members find people by their SCIM id.
create unique index app_user_scim_id_uq on app_user ((coalesce(scim_id, id)));

-- userName is unique case-insensitively among the people SCIM shows (only SCIM writes the
-- column, so no other way of making people can collide with it); a deleted person does not count
-- (RFC 7644 §3.6).
create unique index app_user_scim_user_name_uq on app_user (lower(scim_user_name))
  where scim_user_name is not null and scim_deleted_at is null;

-- userName eq / sw and sortBy=userName compare the folded userName (as sent, else the login)
-- in the C collation: one index serves equality, prefix LIKE and the order, whatever the
-- database's collation.
create index app_user_scim_user_name_idx on app_user
  ((lower(coalesce(scim_user_name, username))) collate "C");
-- userName co / ew: search_text holds the login, not the userName as sent; a stored userName
-- has a trigram index of its own (only rows SCIM wrote, so bulk syncs and imports pay nothing).
create index app_user_scim_user_name_trgm on app_user using gin (lower(scim_user_name) gin_trgm_ops)
  where scim_user_name is not null;

-- externalId stays unique among the people SCIM shows; a person SCIM deleted keeps theirs.
drop index if exists app_user_scim_external_uq;
create unique index app_user_scim_external_uq on app_user (scim_external_id)
  where scim_external_id is not null and scim_deleted_at is null;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop index if exists app_user_scim_external_uq;
create unique index app_user_scim_external_uq on app_user (scim_external_id)
  where scim_external_id is not null;
drop index if exists app_user_scim_user_name_trgm;
drop index if exists app_user_scim_user_name_idx;
drop index if exists app_user_scim_user_name_uq;
drop index if exists app_user_scim_id_uq;
alter table app_user
  drop column if exists scim_deleted_at,
  drop column if exists scim_user_name,
  drop column if exists scim_id;
`);
  }
}

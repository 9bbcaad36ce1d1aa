import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for SCIM filters over people (issue 7): SCIM compares userName, emails and names
 * case-insensitively, with eq / sw (prefix) and co / ew (substring). Usernames are stored
 * lower-case; the others are compared as lower(column).
 */
export class Migration20261121060000ScimIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
-- userName sw "iv" (prefix LIKE needs the pattern operator class under a non-C collation).
-- Substring filters (co, ew) on logins, emails and names use the trigram index of search_text
-- (Initial migration), which holds them all folded: no trigram index per attribute, which
-- would slow every insert of people (bulk syncs and imports) for one kind of query.
create index app_user_username_pattern_idx on app_user (username text_pattern_ops);
-- emails.value eq / sw.
create index app_user_email_lower_idx on app_user (lower(email) text_pattern_ops);
-- name.familyName / name.givenName / displayName eq and sw.
create index app_user_family_lower_idx on app_user (lower(family_name) text_pattern_ops);
create index app_user_given_lower_idx on app_user (lower(given_name) text_pattern_ops);
create index app_user_display_lower_idx on app_user (lower(display_name) text_pattern_ops);
-- enterprise department: organizations are found by name, case-insensitively, on every write.
create index organization_lower_name_idx on organization (lower(name));
`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Stored bind passwords of directory sources defined through the API (issue 13):
 *
 * - `bind_password_sealed`: the password sealed with AES-256-GCM in the service
 *   (server/shared/sealed.ts) under a key derived from the master secret; the key never reaches
 *   PostgreSQL. Null: no stored password (the source uses `bindPasswordEnv`, or has none yet).
 * - `bind_password_changed_at`: when it was last set or cleared, shown by the API.
 *
 * `bindPasswordEnv` may now name only `DIRECTORY_BIND_PASSWORD_<SUFFIX>` variables. A stored source
 * naming any other variable would no longer validate (every read of it would fail), so the name is
 * removed here: such a source has no password until a superadmin stores one or names a prefixed
 * variable (docs/directory-sync.md, "Bind password").
 */
export class Migration20261204120000SourcePasswords extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table directory_source
  add column bind_password_sealed text check (bind_password_sealed like 'v1.%'),
  add column bind_password_changed_at timestamptz;

update directory_source
  set config = config - 'bindPasswordEnv'
  where config ? 'bindPasswordEnv'
    and (config->>'bindPasswordEnv') !~ '^DIRECTORY_BIND_PASSWORD_[A-Z0-9_]+$';
`);
  }
}

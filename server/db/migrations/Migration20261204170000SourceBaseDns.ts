import { Migration } from '@mikro-orm/migrations';

/**
 * Several base DNs per directory source (issue 13, docs/directory-sync.md, "Base DNs"). An
 * API-defined source keeps its connection settings in `directory_source.config` (jsonb, the same
 * keys as a `directorySources` entry of the configuration), so the single `baseDn` string of
 * existing rows becomes a one-element `baseDns` array there: every value kept, one spelling
 * stored. The schema still reads an old `baseDn`, so a row this misses would work the same.
 * Down keeps the first base DN of each row; further ones are lost (an older service searches one).
 */
export class Migration20261204170000SourceBaseDns extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
update directory_source
   set config = (config - 'baseDn') || jsonb_build_object('baseDns', jsonb_build_array(config -> 'baseDn'))
 where config ? 'baseDn' and not config ? 'baseDns';`);
  }

  override async down(): Promise<void> {
    this.addSql(`
update directory_source
   set config = (config - 'baseDns') || jsonb_build_object('baseDn', config -> 'baseDns' -> 0)
 where config ? 'baseDns' and jsonb_array_length(config -> 'baseDns') > 0;`);
  }
}

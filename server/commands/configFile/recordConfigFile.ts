import { systemActor } from '../../authz/actor.ts';
import type { Services } from '../../shared/services.ts';
import { runCommand } from '../runCommand.ts';
import { type ConfigSnapshot, fingerprintOf, snapshotDiff, snapshotOf } from './fingerprint.ts';

/** The fingerprint a boot recorded, with what changed since the one before (null: unchanged). */
export interface RecordedConfigFile {
  fingerprint: string;
  first: boolean;
  paths: string[];
}

/** Serializes every process's check of the file-configured settings (pg_advisory_xact_lock). */
const LOCK_KEY = 'frisbee:config_file_state';

/**
 * At start (main.ts), compares the fingerprint of the file-configured sensitive settings with
 * the last one recorded; when it differs (or none was recorded), records it and writes
 * `config.file_changed` with the diff (secrets as `changed` only), in one transaction. Several
 * processes starting together take a transaction lock in turn, so the change is recorded and
 * audited once: the later ones find their fingerprint already there. (`previous_id` is also
 * unique in the table, so no two can record a successor of the same state.) The service cannot
 * stop a file edit; it makes one visible in the audit log and the SIEM stream.
 */
export function recordConfigFile(services: Services): Promise<RecordedConfigFile | null> {
  return runCommand(services, systemActor('configuration file'), async ({ em, audit }) => {
    const knex = em.getKnex();
    const tx = em.getTransactionContext();
    await knex.raw('select pg_advisory_xact_lock(hashtext(?))', [LOCK_KEY]).transacting(tx);
    const snapshot = snapshotOf(services.config, services.keys.configFingerprint);
    const fingerprint = fingerprintOf(snapshot);
    const latest = (
      await knex
        .raw('select id, fingerprint, snapshot from config_file_state order by id desc limit 1')
        .transacting(tx)
    ).rows[0] as { id: string; fingerprint: string; snapshot: ConfigSnapshot } | undefined;
    if (latest?.fingerprint === fingerprint) return null;
    const now = services.now();
    await knex
      .raw(
        `insert into config_file_state (previous_id, fingerprint, snapshot, recorded_at)
         values (?, ?, ?::jsonb, ?)`,
        [latest?.id ?? null, fingerprint, JSON.stringify(snapshot), now],
      )
      .transacting(tx);
    const diff = snapshotDiff(latest?.snapshot ?? {}, snapshot);
    audit({
      action: 'config.file_changed',
      targetType: 'configuration',
      targetId: 'file',
      diff: { before: diff.before, after: diff.after },
      details: {
        fingerprint,
        previousFingerprint: latest?.fingerprint ?? null,
        changedSettings: diff.paths.length,
        firstRecord: latest === undefined,
      },
    });
    return { fingerprint, first: latest === undefined, paths: diff.paths };
  });
}

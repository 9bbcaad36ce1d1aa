import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordConfigFile } from '../../server/commands/configFile/recordConfigFile.ts';
import type { Services } from '../../server/shared/services.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

/*
 * File-only sensitive settings (issue 18, scope 3): the service cannot gate an edit of its
 * configuration file, so each boot compares the settings' fingerprint with the last recorded one
 * and audits a difference once, however many processes start.
 */

let context: TestContext;
const secret = 'checkpoint-key-never-in-the-audit';

beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false } });
});

afterAll(async () => {
  await context.close();
});

/** The services of a process started with an edited file (same database, same keys). */
function bootedWith(edit: (config: Services['config']) => Services['config']): Services {
  return { ...context.services, config: edit(structuredClone(context.services.config)) };
}

async function fileEvents() {
  const { rows } = await context.services.pool.query<{
    actor_label: string;
    diff: { before: Record<string, unknown>; after: Record<string, unknown> };
    details: Record<string, unknown>;
    content: string;
  }>(
    `select actor_label, diff, details, row_to_json(e)::text as content from audit_event e
     where action = 'config.file_changed' order by seq`,
  );
  return rows;
}

describe('the configuration file fingerprint', () => {
  it('records the first boot, then nothing while the file is unchanged', async () => {
    const recorded = await recordConfigFile(context.services);
    expect(recorded).toMatchObject({ first: true });
    expect(await recordConfigFile(context.services)).toBeNull();
    const events = await fileEvents();
    expect(events).toHaveLength(1);
    expect(events[0]?.details).toMatchObject({ firstRecord: true });
    expect(events[0]?.diff.after).toMatchObject({
      'siem.host': null,
      'dualControl.expiryHours': 72,
    });
  });

  it('audits a changed file once when several processes start together, secrets as "set"/"changed" only', async () => {
    const edited = bootedWith((config) => {
      config.siem.host = 'siem2.corp.example.test';
      config.dualControl.expiryHours = 24;
      config.audit.checkpoints.privateKey = secret;
      return config;
    });
    const results = await Promise.all([
      recordConfigFile(edited),
      recordConfigFile(edited),
      recordConfigFile(edited),
    ]);
    expect(results.filter((result) => result !== null)).toHaveLength(1);
    const events = await fileEvents();
    expect(events).toHaveLength(2);
    const change = events[1];
    expect(change?.details).toMatchObject({ firstRecord: false, changedSettings: 3 });
    expect(change?.diff).toEqual({
      before: {
        'audit.checkpoints.privateKey': null,
        'dualControl.expiryHours': 72,
        'siem.host': null,
      },
      after: {
        'audit.checkpoints.privateKey': 'set',
        'dualControl.expiryHours': 24,
        'siem.host': 'siem2.corp.example.test',
      },
    });
    expect(change?.actor_label).toBe('configuration file');
    expect(change?.content).not.toContain(secret);

    // Another secret value reads "changed"; the same file again records nothing.
    const rotated = bootedWith((config) => {
      config.siem.host = 'siem2.corp.example.test';
      config.dualControl.expiryHours = 24;
      config.audit.checkpoints.privateKey = `${secret}-2`;
      return config;
    });
    expect(await recordConfigFile(rotated)).toMatchObject({
      paths: ['audit.checkpoints.privateKey'],
    });
    expect(await recordConfigFile(rotated)).toBeNull();
    const last = (await fileEvents()).at(-1);
    expect(last?.diff).toEqual({
      before: { 'audit.checkpoints.privateKey': 'secret' },
      after: { 'audit.checkpoints.privateKey': 'changed' },
    });
  });
});

import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCheckpointSigner } from '../../server/audit/checkpoints.ts';
import { writeCheckpoint } from '../../server/audit/checkpointWriter.ts';
import { type EmbeddedServer, startEmbeddedPostgres } from '../../server/db/embeddedPostgres.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { prepareTemplate } from '../support/roles.ts';
import { BULK_TEST_MS } from '../support/timeouts.ts';

/**
 * Issue 15: no secret of the service reaches PostgreSQL. A PostgreSQL of this file's own runs with
 * `log_statement = all` (ALTER SYSTEM), its server log written to a file; audited commands run,
 * a checkpoint is signed, and the log must hold none of the service's keys, in hex or base64.
 */
describe('with log_statement = all, no secret appears in the PostgreSQL log', () => {
  let dir: string;
  let logFile: string;
  let postgres: EmbeddedServer;
  let context: TestContext;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frisbee-keylog-'));
    // PostgreSQL runs as the unprivileged `postgres` user, which must be able to enter it.
    chmodSync(dir, 0o755);
    logFile = join(dir, 'postgres.log');
    postgres = await startEmbeddedPostgres(join(dir, 'pg'), {
      log: (line) => appendFileSync(logFile, `${line}\n`),
    });
    const admin = new pg.Client(postgres.url('postgres'));
    await admin.connect();
    await admin.query(`alter system set log_statement = 'all'`);
    await admin.query('select pg_reload_conf()');
    await admin.end();
    // This server's template, made as the run's is: the owner migrates, the service runs as the
    // runtime role.
    await prepareTemplate(postgres.url('postgres'), 'keylog_template', inject('pgRoles'));
    context = await startTestContext(
      { jobs: { enabled: false } },
      { adminUrl: postgres.url('postgres'), template: 'keylog_template' },
    );
  }, BULK_TEST_MS);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('audited logins and commands, a denied attempt and a signed checkpoint leave no key in the log', async () => {
    const superadmin = await signedIn(context, 'superadmin');
    const admin = await signedIn(context, 'admin');
    expect(
      (await superadmin.api.post('/api/v1/organizations', { name: 'Logged', kind: 'department' }))
        .status,
    ).toBe(201);
    expect(
      (await admin.api.post('/api/v1/organizations', { name: 'Refused', kind: 'department' }))
        .status,
    ).toBe(403);
    const signer = loadCheckpointSigner(context.services.config);
    expect((await writeCheckpoint(context.services, signer, { force: true })).kind).toBe('written');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const log = readFileSync(logFile, 'utf8');
    // The log is really on: the audit staging statement is in it.
    expect(log).toMatch(/(statement|execute [\w<>]+): insert into audit_pending/i);
    const master = Buffer.from(context.services.config.secretKey ?? '', 'base64');
    const secrets: [string, Buffer][] = [
      ['SECRET_KEY', master],
      ...Object.entries(context.services.keys).map(([name, key]): [string, Buffer] => [name, key]),
      ['checkpoint key', Buffer.from(signer.privateKey.export({ format: 'der', type: 'pkcs8' }))],
      [
        'checkpoint key (raw)',
        Buffer.from(signer.privateKey.export({ format: 'jwk' }).d as string, 'base64url'),
      ],
    ];
    expect(secrets.length).toBeGreaterThanOrEqual(7);
    for (const [name, secret] of secrets) {
      for (const encoded of [
        secret.toString('hex'),
        secret.toString('base64'),
        secret.toString('base64url'),
      ]) {
        expect(log.includes(encoded), `${name} (${encoded.slice(0, 6)}…) is in the log`).toBe(
          false,
        );
        expect(log.toLowerCase().includes(encoded.toLowerCase().slice(0, 32))).toBe(false);
      }
    }
    // (The old migration's function text mentions audit.chain_key; nothing sets it any more.)
    expect(log).not.toContain("set_config('audit.chain_key'");
  });
});

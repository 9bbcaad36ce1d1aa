import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../server/audit/verify.ts';
import { projectRoot } from '../../server/config.ts';
import { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { CLI_TEST_MS } from '../support/timeouts.ts';

interface VerifyBody {
  ok: boolean;
  checked: number;
  headSeq: string;
  firstProblem: { seq: string; problem: string; detail: string } | null;
}
type Client = Awaited<ReturnType<typeof signedIn>>;

let context: TestContext;
let superadmin: Client;
let auditor: Client;
let admin: Client;

/** Runs the operator CLI as a child process against this test's database. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'server/cli/index.ts', ...args], {
      cwd: projectRoot,
      env: {
        ...process.env,
        ...context.databaseEnv,
        SECRET_KEY: context.services.config.secretKey ?? '',
        DATA_DIR: context.services.config.dataDir,
        LOG_LEVEL: 'warn',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs SQL as the database superuser on a connection of its own. */
async function asSuperuser<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
  const client = new pg.Client(context.databaseUrl);
  await client.connect();
  try {
    return await client.query<T>(sql, params);
  } finally {
    await client.end();
  }
}

async function verifyViaApi(client: Client = auditor): Promise<VerifyBody> {
  const response = await client.api.post<VerifyBody>('/api/v1/audit-events/verify');
  expect(response.status).toBe(200);
  return response.body;
}

beforeAll(async () => {
  context = await startTestContext();
  superadmin = await signedIn(context, 'superadmin');
  auditor = await signedIn(context, 'auditor');
  admin = await signedIn(context, 'admin');
  // Some history: organizations created and denied attempts, through the API.
  for (let i = 0; i < 12; i += 1) {
    await superadmin.api.post('/api/v1/organizations', {
      name: `Chain org ${i}`,
      kind: 'department',
    });
    await admin.api.post('/api/v1/organizations', { name: `Denied ${i}`, kind: 'project' });
  }
  await createPerson(context.services);
});
afterAll(async () => {
  await context.close();
});

describe('append-only guard', () => {
  it('refuses UPDATE, DELETE and TRUNCATE on audit_event, even for the superuser', async () => {
    for (const sql of [
      `update audit_event set reason = 'x' where seq = 1`,
      'delete from audit_event where seq = 1',
      'truncate audit_event',
    ]) {
      await expect(asSuperuser(sql), sql).rejects.toThrow(/append-only/);
    }
    const { rows } = await asSuperuser<{ n: number }>('select count(*)::int as n from audit_event');
    expect(rows[0]?.n).toBeGreaterThanOrEqual(24);
  });
});

describe('awkward content', () => {
  it('refuses a lone UTF-16 surrogate (400 invalid_text) instead of storing U+FFFD', async () => {
    // Issue 12: an unpaired surrogate is refused at the input boundary, never rewritten.
    const response = await superadmin.api.request<{ code: string }>(
      'POST',
      '/api/v1/organizations',
      {
        raw: '{"name":"Broken \\ud800 pair","kind":"department"}',
        headers: { 'content-type': 'application/json' },
      },
    );
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('invalid_text');
    const result = await verifyAuditChain(context.services.pool, { legacyKey: null });
    expect(result.ok).toBe(true);
  });
});

describe('POST /audit-events/verify', () => {
  it('401 without a session; 403 for admin, audited as denied', async () => {
    const anonymous = new ApiClient(context.baseUrl);
    expect((await anonymous.post('/api/v1/audit-events/verify')).status).toBe(401);
    expect((await admin.api.post('/api/v1/audit-events/verify')).status).toBe(403);
    const { rows } = await context.services.pool.query(
      `select outcome from audit_event where action = 'audit.verified' and actor_id = $1`,
      [admin.user.id],
    );
    expect(rows).toEqual([{ outcome: 'denied' }]);
  });

  it('reports an intact chain (superadmin, auditor) and records audit.verified', async () => {
    const result = await verifyViaApi(superadmin);
    expect(result).toMatchObject({ ok: true, firstProblem: null });
    expect(result.checked).toBe(Number(result.headSeq));
    expect(result.checked).toBeGreaterThanOrEqual(24);
    const { rows } = await context.services.pool.query(
      `select outcome, details from audit_event where action = 'audit.verified' and actor_id = $1`,
      [superadmin.user.id],
    );
    expect(rows).toEqual([{ outcome: 'success', details: expect.objectContaining({ ok: true }) }]);
    expect((await verifyViaApi(auditor)).ok).toBe(true);
  });

  it('CLI: audit verify exits 0 on an intact chain; audit export writes the log', {
    timeout: CLI_TEST_MS,
  }, async () => {
    const verify = await runCli(['audit', 'verify']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/audit chain intact: \d+ events checked/);
    const exported = await runCli([
      'audit',
      'export',
      '--format',
      'ndjson',
      '--from',
      '2000-01-01T00:00:00Z',
    ]);
    expect(exported.code).toBe(0);
    const lines = exported.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.length).toBeGreaterThanOrEqual(24);
    expect(lines[0]).toMatchObject({ id: 1 });
    const { rows } = await context.services.pool.query(
      `select action, actor_label, actor_id, details from audit_event
        where actor_label = 'cli' order by seq`,
    );
    expect(rows).toEqual([
      expect.objectContaining({ action: 'audit.verified', actor_id: null }),
      expect.objectContaining({
        action: 'audit.exported',
        details: { format: 'ndjson', filters: { from: '2000-01-01T00:00:00.000Z' }, via: 'cli' },
      }),
    ]);
    const bad = await runCli(['audit', 'export', '--format', 'xlsx']);
    expect(bad.code).toBe(2);
    const unknown = await runCli(['audit', 'fix']);
    expect(unknown.code).toBe(2);
  });
});

describe('tamper detection', () => {
  it('reports an edited event by its seq (API and CLI), and an intact chain once restored', {
    timeout: CLI_TEST_MS,
  }, async () => {
    const target = 7;
    const { rows } = await asSuperuser<{ reason: string | null; target_label: string | null }>(
      'select reason, target_label from audit_event where seq = $1',
      [target],
    );
    const original = rows[0];
    const bypass = async (sql: string, params: unknown[]) => {
      const client = new pg.Client(context.databaseUrl);
      await client.connect();
      try {
        await client.query('begin');
        await client.query('set local session_replication_role = replica');
        await client.query(sql, params);
        await client.query('commit');
      } finally {
        await client.end();
      }
    };
    await bypass('update audit_event set target_label = $2 where seq = $1', [target, 'forged']);

    const result = await verifyViaApi();
    expect(result.ok).toBe(false);
    expect(result.firstProblem).toMatchObject({ seq: String(target), problem: 'hash_mismatch' });
    expect(result.checked).toBe(target - 1);
    const recorded = await context.services.pool.query(
      `select outcome, reason from audit_event where action = 'audit.verified' and actor_id = $1
        order by seq desc limit 1`,
      [auditor.user.id],
    );
    expect(recorded.rows[0]).toMatchObject({ outcome: 'failure' });
    expect(recorded.rows[0].reason).toContain(`event ${target}`);

    const cli = await runCli(['audit', 'verify']);
    expect(cli.code).toBe(3);
    expect(cli.stdout).toContain(`BROKEN at event seq ${target} (hash_mismatch)`);

    await bypass('update audit_event set target_label = $2 where seq = $1', [
      target,
      original?.target_label,
    ]);
    expect((await verifyViaApi()).ok).toBe(true);
  });

  it('reports a deleted event by its seq (API and CLI); intact again once put back', {
    timeout: CLI_TEST_MS,
  }, async () => {
    const target = 11;
    // Kept aside, to put the very same row back afterwards.
    await asSuperuser(
      `create table deleted_event as select * from audit_event where seq = ${target}`,
    );
    await deleteEvents(`seq = ${target}`);
    const result = await verifyViaApi(superadmin);
    expect(result).toMatchObject({
      ok: false,
      checked: target - 1,
      firstProblem: { seq: String(target), problem: 'missing' },
    });
    const cli = await runCli(['audit', 'verify']);
    expect(cli.code).toBe(3);
    expect(cli.stdout).toContain(`BROKEN at event seq ${target} (missing)`);
    // The guard is back on.
    await expect(asSuperuser('delete from audit_event where seq = 12')).rejects.toThrow(
      /append-only/,
    );
    await asSuperuser('insert into audit_event select * from deleted_event');
    expect((await verifyViaApi()).ok).toBe(true);
  });

  it('reports events missing from the end of the log', async () => {
    const { rows } = await asSuperuser<{ seq: string }>(
      'select max(seq)::text as seq from audit_event',
    );
    const last = rows[0]?.seq;
    await deleteEvents(`seq = ${last}`);
    const result = await verifyViaApi();
    expect(result).toMatchObject({ ok: false, firstProblem: { seq: last, problem: 'missing' } });
    expect(result.firstProblem?.detail).toContain(`chain head is at ${last}`);
  });
});

/** Deletes audit rows as the superuser with the append-only triggers switched off meanwhile. */
async function deleteEvents(where: string): Promise<void> {
  await asSuperuser('alter table audit_event disable trigger user');
  try {
    await asSuperuser(`delete from audit_event where ${where}`);
  } finally {
    await asSuperuser('alter table audit_event enable trigger user');
  }
}

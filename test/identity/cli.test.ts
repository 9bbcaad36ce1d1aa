import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { User } from '../../server/directory/entities.ts';
import { TotpFactor } from '../../server/identity/entities.ts';
import { ApiClient } from '../support/api.ts';
import { type CliResult, runCli } from '../support/cli.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { CLI_TEST_MS } from '../support/timeouts.ts';
import { auditEvents, auditText, codeFor, type MeBody, type PasswordStep } from './loginFlow.ts';

let context: TestContext;
beforeAll(async () => {
  context = await startTestContext();
});
afterAll(async () => {
  await context.close();
});

const PASSWORD = 'operator chose this one';

/** Runs `create-superadmin` as an operator would, with the password piped on stdin. */
function createSuperadmin(args: string[], stdin: string): Promise<CliResult> {
  return runCli(context, ['create-superadmin', ...args], stdin);
}

describe('npm run cli -- create-superadmin', () => {
  it('creates an active superadmin whose first login asks for the printed TOTP', {
    timeout: CLI_TEST_MS,
  }, async () => {
    const run = await createSuperadmin(
      ['--username', 'root', '--display-name', 'Иванов Иван Иванович'],
      `${PASSWORD}\nignored second line\n`,
    );
    expect(run.stderr).not.toContain(PASSWORD);
    expect(run.code, run.stderr).toBe(0);
    const uri = run.stdout.match(/otpauth:\/\/totp\/\S+/)?.[0];
    expect(uri).toBeDefined();
    expect(run.stdout).toContain('▄'); // the terminal QR code

    const em = context.services.orm.em.fork();
    const user = await em.findOneOrFail(User, { username: 'root' });
    expect(user).toMatchObject({
      role: 'superadmin',
      rank: 3,
      status: 'active',
      source: 'manual',
      familyName: 'Иванов',
      givenName: 'Иван',
      middleName: 'Иванович',
      displayName: 'Иванов Иван Иванович',
    });
    const bootstrapped = await auditEvents(context, 'superadmin.bootstrapped', user.id);
    expect(bootstrapped).toHaveLength(1);
    expect(bootstrapped[0]?.actor_label).toBe('cli');
    expect(bootstrapped[0]?.actor_id).toBeNull();

    const secret = new URL(uri as string).searchParams.get('secret') as string;
    const api = new ApiClient(context.baseUrl);
    const step = await api.post<PasswordStep>('/api/v1/session', {
      username: 'root',
      password: PASSWORD,
    });
    expect(step.status).toBe(200);
    expect(step.body).toEqual({ next: 'totp' });
    const me = await api.post<MeBody>('/api/v1/session/totp', {
      code: await codeFor(context, secret),
    });
    expect(me.status).toBe(200);
    expect(me.body.role).toBe('superadmin');
    const enrolled = await auditEvents(context, 'auth.totp_enrolled', user.id);
    expect(enrolled.map((event) => event.details)).toEqual([{ via: 'operator_issued' }]);
    const factor = await em.fork().findOneOrFail(TotpFactor, { userId: user.id });
    expect(factor.lastTimeStep).toBeGreaterThan(0);
    expect(await auditText(context)).not.toContain(secret);
  });

  it('refuses an existing username, a weak password and missing arguments', {
    timeout: CLI_TEST_MS,
  }, async () => {
    const taken = await createSuperadmin(
      ['--username', 'root', '--display-name', 'Someone Else'],
      `${PASSWORD}\n`,
    );
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('already exists');
    const [weak, same, missing, empty] = await Promise.all([
      createSuperadmin(['--username', 'root2', '--display-name', 'Ada'], 'short\n'),
      createSuperadmin(['--username', 'root-password', '--display-name', 'Ada'], 'root-password\n'),
      createSuperadmin(['--display-name', 'Ada Lovelace'], `${PASSWORD}\n`),
      createSuperadmin(['--username', 'root3', '--display-name', 'Ada'], ''),
    ]);
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('at least 12');
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('must not be the username');
    expect(missing.code).toBe(2);
    expect(empty.code).toBe(2);
    const count = await context.services.orm.em.fork().count(User, { role: 'superadmin' });
    expect(count).toBe(1);
  });
});

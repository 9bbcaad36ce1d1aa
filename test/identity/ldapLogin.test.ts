import { createServer, type Server, type Socket } from 'node:net';
import { InvalidCredentialsError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { User } from '../../server/directory/entities.ts';
import { checkCredentials } from '../../server/identity/credentials.ts';
import { dateToFiletime, filetimeToDate } from '../../server/identity/ldap/accountState.ts';
import { adSubCode, classifyBindError } from '../../server/identity/ldap/bindErrors.ts';
import {
  escapeFilterValue,
  hasControlCharacters,
  loginFilter,
} from '../../server/identity/ldap/filter.ts';
import { createLogger } from '../../server/logger.ts';
import {
  AD_DEFAULT_USER_FILTER,
  type DirectorySource,
  directorySourceSchema,
} from '../../server/shared/config/directorySources.ts';
import type { Services } from '../../server/shared/services.ts';
import { ApiClient } from '../support/api.ts';
import { createPerson } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { type SambaDc, sambaAvailable, startSambaDc } from '../support/samba.ts';
import { DIRECTORY_REQUEST_MS, NEVER_ANSWERS_MS } from '../support/timeouts.ts';

describe('escapeFilterValue (RFC 4515)', () => {
  it('escapes the filter metacharacters and NUL', () => {
    expect(escapeFilterValue('*')).toBe('\\2a');
    expect(escapeFilterValue('(')).toBe('\\28');
    expect(escapeFilterValue(')')).toBe('\\29');
    expect(escapeFilterValue('\\')).toBe('\\5c');
    expect(escapeFilterValue('\0')).toBe('\\00');
    expect(escapeFilterValue('*)(sAMAccountName=*')).toBe('\\2a\\29\\28sAMAccountName=\\2a');
    expect(escapeFilterValue('a\\2a')).toBe('a\\5c2a');
  });

  it('keeps ordinary and non-ASCII text, escapes control characters', () => {
    expect(escapeFilterValue('ivan.ivanov-2')).toBe('ivan.ivanov-2');
    expect(escapeFilterValue('Иванов Ёж')).toBe('Иванов Ёж');
    expect(escapeFilterValue('a\nb\x7f')).toBe('a\\0ab\\7f');
    expect(hasControlCharacters('ivanov')).toBe(false);
    expect(hasControlCharacters('ivanov\0')).toBe(true);
    expect(hasControlCharacters('a\tb')).toBe(true);
  });

  it('builds a login filter that cannot be widened', () => {
    expect(loginFilter(AD_DEFAULT_USER_FILTER, 'sAMAccountName', 'x)(|(a=*')).toBe(
      '(&(&(objectCategory=person)(objectClass=user))(sAMAccountName=x\\29\\28|\\28a=\\2a))',
    );
  });
});

describe('AD bind errors and account state', () => {
  const adError = (sub: string) =>
    new InvalidCredentialsError(
      `80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data ${sub}, v1db1`,
    );

  it('maps AD sub-codes', () => {
    expect(adSubCode(adError('52e').message)).toBe('52e');
    expect(classifyBindError(adError('52e'))).toBe('wrong');
    expect(classifyBindError(adError('525'))).toBe('wrong');
    for (const sub of ['533', '532', '701', '775', '773'])
      expect(classifyBindError(adError(sub))).toBe('disabled');
    expect(classifyBindError(new InvalidCredentialsError('no sub-code'))).toBe('wrong');
    expect(
      classifyBindError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBe('unavailable');
  });

  it('converts FILETIME both ways', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    expect(filetimeToDate(dateToFiletime(at))?.toISOString()).toBe(at.toISOString());
    expect(filetimeToDate('0')).toBeNull();
    expect(filetimeToDate('9223372036854775807')).toBeNull();
  });
});

describe('directory source configuration', () => {
  const base = {
    id: 'corp',
    kind: 'active-directory',
    bindDn: 'CN=svc,DC=corp',
    bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_AD_BIND_PASSWORD',
    baseDn: 'DC=corp',
  };

  it('applies AD defaults', () => {
    const source = directorySourceSchema.parse({ ...base, url: 'ldaps://dc.corp.example' });
    expect(source).toMatchObject({
      userFilter: AD_DEFAULT_USER_FILTER,
      loginAttribute: 'sAMAccountName',
      startTls: false,
      allowPlain: false,
      tls: { rejectUnauthorized: true },
      timeoutMs: 5000,
    });
  });

  it('refuses plain ldap:// unless allowed, and StartTLS over ldaps://', () => {
    expect(directorySourceSchema.safeParse({ ...base, url: 'ldap://dc' }).success).toBe(false);
    expect(
      directorySourceSchema.safeParse({ ...base, url: 'ldap://dc', startTls: true }).success,
    ).toBe(true);
    expect(
      directorySourceSchema.safeParse({ ...base, url: 'ldap://dc', allowPlain: true }).success,
    ).toBe(true);
    expect(
      directorySourceSchema.safeParse({ ...base, url: 'ldaps://dc', startTls: true }).success,
    ).toBe(false);
    expect(
      directorySourceSchema.safeParse({ ...base, url: 'ldaps://dc', bindPassword: 'x' }).success,
    ).toBe(false);
  });

  it('knows the generic LDAP kind', () => {
    const source = directorySourceSchema.parse({
      ...base,
      kind: 'ldap',
      url: 'ldaps://ldap',
      lockAttribute: 'pwdAccountLockedTime',
    });
    expect(source).toMatchObject({
      loginAttribute: 'uid',
      idAttribute: 'entryUUID',
      lockAttribute: 'pwdAccountLockedTime',
    });
  });
});

const BIND_ENV = 'DIRECTORY_BIND_PASSWORD_FRISBEE_TEST_LDAP_BIND_PASSWORD';
const SERVICE_PASSWORD = 'Svc-Acc0unt-Passw0rd';
const IVANOV_PASSWORD = 'Пароль-Ivanov-2026!';

describe.skipIf(!sambaAvailable)('ldap login against a real Samba AD DC', () => {
  let dc: SambaDc;
  let context: TestContext;
  let ivanov: User;
  let serviceDn: string;

  /** The source as an operator would write it in config/*.yaml. */
  const sourceInput = (overrides: Record<string, unknown> = {}) => ({
    id: 'corp-ad',
    kind: 'active-directory',
    url: dc.url,
    allowPlain: true,
    bindDn: serviceDn,
    bindPasswordEnv: BIND_ENV,
    baseDn: dc.baseDn,
    timeoutMs: DIRECTORY_REQUEST_MS,
    ...overrides,
  });

  /** The test's services with another directory source in place of the configured one. */
  const withSource = (overrides: Record<string, unknown>): Services => {
    const source: DirectorySource = directorySourceSchema.parse(sourceInput(overrides));
    return {
      ...context.services,
      config: { ...context.services.config, directorySources: [source] },
    };
  };

  /** `services` with a logger whose warnings the test reads (why a login was `unavailable`). */
  const logged = (services: Services) => {
    const lines: { msg: string; error?: string; step?: string }[] = [];
    const logger = createLogger('warn', {
      write: (line: string) => {
        lines.push(JSON.parse(line));
      },
    });
    return { services: { ...services, logger }, lines };
  };

  /** A local ldap person with any username (not saved: usernames in the table are validated). */
  const asUsername = (username: string): User => ({ ...ivanov, username });

  beforeAll(async () => {
    dc = await startSambaDc();
    try {
      // A plain domain user is enough to find people: no admin rights for the service account.
      serviceDn = await dc.addUser('svc-frisbee', SERVICE_PASSWORD);
      await dc.addUser('ivanov', IVANOV_PASSWORD, {
        givenName: 'Иван',
        sn: 'Иванов',
        displayName: 'Иванов Иван Петрович',
        mail: 'ivanov@corp.example.test',
        department: 'Бухгалтерия',
      });
      process.env[BIND_ENV] = SERVICE_PASSWORD;
      context = await startTestContext({ directorySources: [sourceInput()] });
      const person = await createPerson(context.services, {
        username: 'ivanov',
        role: 'staff',
        givenName: 'Иван',
        familyName: 'Иванов',
      });
      await context.services.orm.em
        .fork()
        .nativeUpdate(User, { id: person.id }, { loginMethod: 'ldap' });
      ivanov = { ...person, loginMethod: 'ldap' };
    } catch (error) {
      await dc.close();
      throw error;
    }
  });

  afterAll(async () => {
    try {
      await context?.close();
    } finally {
      delete process.env[BIND_ENV];
      await dc?.close();
    }
  });

  it('accepts the AD password of a person whose DN is in Cyrillic', async () => {
    expect(await dc.dnOf('ivanov')).toBe(`CN=Иван Иванов,CN=Users,${dc.baseDn}`);
    expect(await checkCredentials(context.services, ivanov, IVANOV_PASSWORD)).toBe('ok');
  });

  it('refuses a wrong password, an empty password and a person missing from AD', async () => {
    expect(await checkCredentials(context.services, ivanov, 'Пароль-Ivanov-2025!')).toBe('wrong');
    expect(await checkCredentials(context.services, ivanov, '')).toBe('wrong');
    expect(await checkCredentials(context.services, asUsername('sidorov'), IVANOV_PASSWORD)).toBe(
      'wrong',
    );
  });

  it('escapes filter metacharacters in the username (no injection)', async () => {
    // Unescaped, "ivano*" would match ivanov alone and his password would let it in. Samba
    // reads an escaped NUL (\00) as the end of the value, so "ivanov\0" would match ivanov:
    // names with control characters are refused before any search.
    const unescaped = await dc.asAdmin((client) =>
      client.search(dc.baseDn, { filter: '(sAMAccountName=ivano*)', attributes: ['1.1'] }),
    );
    expect(unescaped.searchEntries).toHaveLength(1);
    for (const username of ['ivano*', '*', '*)(sAMAccountName=*', 'ivanov)(|(cn=*', 'ivanov\0'])
      expect(await checkCredentials(context.services, asUsername(username), IVANOV_PASSWORD)).toBe(
        'wrong',
      );
  });

  it('works over LDAPS and StartTLS with the configured CA, and not without it', async () => {
    const tls = { caFile: dc.caFile, rejectUnauthorized: true };
    expect(
      await checkCredentials(
        withSource({ url: dc.ldapsUrl, allowPlain: false, tls }),
        ivanov,
        IVANOV_PASSWORD,
      ),
    ).toBe('ok');
    expect(
      await checkCredentials(
        withSource({ startTls: true, allowPlain: false, tls }),
        ivanov,
        IVANOV_PASSWORD,
      ),
    ).toBe('ok');
    // The system store does not know the test CA: the directory is unusable, not "wrong".
    expect(
      await checkCredentials(
        withSource({ url: dc.ldapsUrl, allowPlain: false }),
        ivanov,
        IVANOV_PASSWORD,
      ),
    ).toBe('unavailable');
  });

  it('is unavailable when the service account cannot bind', async () => {
    expect(
      await checkCredentials(
        withSource({ bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_FRISBEE_TEST_UNSET_VARIABLE' }),
        ivanov,
        IVANOV_PASSWORD,
      ),
    ).toBe('unavailable');
    process.env.DIRECTORY_BIND_PASSWORD_FRISBEE_TEST_WRONG_BIND = 'not-the-password';
    try {
      expect(
        await checkCredentials(
          withSource({ bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_FRISBEE_TEST_WRONG_BIND' }),
          ivanov,
          IVANOV_PASSWORD,
        ),
      ).toBe('unavailable');
    } finally {
      delete process.env.DIRECTORY_BIND_PASSWORD_FRISBEE_TEST_WRONG_BIND;
    }
  });

  it('logs in to the back office with the AD password, and not once the AD account is disabled', async () => {
    const api = new ApiClient(context.baseUrl);
    const step = await api.post<{ next: string }>('/api/v1/session', {
      username: 'ivanov',
      password: IVANOV_PASSWORD,
    });
    expect(step.status).toBe(200);
    expect(step.body.next).toBe('totp_enroll');

    await dc.disableUser('ivanov');
    try {
      expect(await checkCredentials(context.services, ivanov, IVANOV_PASSWORD)).toBe('disabled');
      const refused = await new ApiClient(context.baseUrl).post<{ code: string }>(
        '/api/v1/session',
        { username: 'ivanov', password: IVANOV_PASSWORD },
      );
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('invalid_credentials');
    } finally {
      await dc.enableUser('ivanov');
    }
    expect(await checkCredentials(context.services, ivanov, IVANOV_PASSWORD)).toBe('ok');
  });

  it('refuses an expired account, and accepts it again once the expiry is lifted', async () => {
    await dc.expireUser('ivanov');
    expect(await checkCredentials(context.services, ivanov, IVANOV_PASSWORD)).toBe('disabled');
    await dc.expireUser('ivanov', null);
    expect(await checkCredentials(context.services, ivanov, IVANOV_PASSWORD)).toBe('ok');
  });

  it('refuses a locked-out account', async () => {
    await dc.addUser('petrov', 'Petrov-Passw0rd!');
    await dc.tool('domain', 'passwordsettings', 'set', '--account-lockout-threshold=3');
    const petrov = asUsername('petrov');
    for (let i = 0; i < 3; i += 1)
      expect(await checkCredentials(context.services, petrov, 'wrong-password')).toBe('wrong');
    expect(await checkCredentials(context.services, petrov, 'Petrov-Passw0rd!')).toBe('disabled');
  });

  it('is unavailable, by its timeout, when the directory does not answer', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket); // accepts and never answers
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const { services, lines } = logged(
        withSource({ url: `ldap://127.0.0.1:${port}`, timeoutMs: NEVER_ANSWERS_MS }),
      );
      expect(await checkCredentials(services, ivanov, IVANOV_PASSWORD)).toBe('unavailable');
      // The source's timeout ended the attempt (nothing else could: the server neither answers
      // nor closes), at the service bind: "BindRequest: Operation timed out", or "Connection
      // timeout" when even the connect event came late.
      expect(lines).toEqual([
        expect.objectContaining({
          msg: 'ldap login: directory unavailable',
          step: 'service',
          error: expect.stringMatching(/timed out|timeout/i),
        }),
      ]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('is unavailable at once when the DC is down: refused, not timed out', async () => {
    await dc.stop();
    // The source's timeout is the longest the schema allows, as long as this test may run: the
    // refused connection ends the attempt, not a timer.
    const { services, lines } = logged(withSource({ timeoutMs: 120_000 }));
    expect(await checkCredentials(services, ivanov, IVANOV_PASSWORD)).toBe('unavailable');
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'ldap login: directory unavailable',
        error: expect.stringContaining('ECONNREFUSED'),
      }),
    ]);
  });
});

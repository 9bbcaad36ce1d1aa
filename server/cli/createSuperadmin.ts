import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ReadStream } from 'node:tty';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { z } from 'zod';
import { systemActor } from '../authz/actor.ts';
import { rankOf } from '../authz/roles.ts';
import { startServices } from '../bootstrap.ts';
import { runCommand } from '../commands/runCommand.ts';
import { User } from '../directory/entities.ts';
import { hashPassword, passwordProblems } from '../identity/passwords.ts';
import { newTotpSecret, qrCodeTerminal, totpUri } from '../identity/totp.ts';
import { addEnrolledTotpFactor } from '../identity/totpFactors.ts';
import { AppError, conflict } from '../shared/errors.ts';
import { line, username as usernameSchema } from '../shared/schemas.ts';
import type { CliCommand } from './types.ts';

const PATRONYMIC = /(вич|вна|ична|инична|оглы|кызы)$/iu;

/**
 * Splits a display name into given, middle and family names. "Иванов Иван Иванович" (a
 * patronymic last) is read in the Russian order family-given-middle; otherwise the first word is
 * the given name and the last the family name ("Ada Lovelace"); one word serves as both.
 */
export function splitDisplayName(displayName: string): {
  givenName: string;
  middleName: string | null;
  familyName: string;
} {
  const words = displayName.split(/\s+/).filter(Boolean);
  if (words.length === 3 && PATRONYMIC.test(words[2] as string))
    return {
      familyName: words[0] as string,
      givenName: words[1] as string,
      middleName: words[2] as string,
    };
  const givenName = words[0] ?? displayName;
  if (words.length < 2) return { givenName, middleName: null, familyName: givenName };
  return {
    givenName,
    middleName: words.length > 2 ? words.slice(1, -1).join(' ') : null,
    familyName: words.at(-1) as string,
  };
}

/** Reads one line with the terminal's echo off (an operator typing the password). */
function readHidden(stdin: ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    const done = (result: string | null) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (result === null) reject(new Error('cancelled'));
      else resolve(result);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done(value);
        if (char === '\u0003' || char === '\u0004') return done(null);
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** Reads the first line of a piped stdin (without its line ending). */
async function readFirstLine(stdin: Readable): Promise<string | null> {
  let buffered = '';
  stdin.setEncoding('utf8');
  for await (const chunk of stdin) {
    buffered += chunk as string;
    const end = buffered.search(/\r?\n/);
    if (end >= 0) {
      stdin.destroy();
      return buffered.slice(0, end);
    }
    if (buffered.length > 4096) break;
  }
  return buffered.length > 0 && buffered.length <= 4096 ? buffered : null;
}

async function readPassword(stdin: Readable): Promise<string | null> {
  const tty = stdin as Partial<ReadStream>;
  if (tty.isTTY && typeof tty.setRawMode === 'function') {
    process.stderr.write('Password for the new superadmin (12+ characters, not echoed): ');
    return readHidden(stdin as ReadStream).catch(() => null);
  }
  return readFirstLine(stdin);
}

const argsSchema = z.object({
  username: usernameSchema,
  displayName: line(400),
});

/**
 * `create-superadmin --username U --display-name N`: the only way to create the first
 * superadmin (there are no default credentials). The password comes from stdin; the TOTP secret
 * is created here and shown as an otpauth URI and a terminal QR code, so the operator enrolls the
 * authenticator now and the first login asks for a code. The factor is stored like an enrolled
 * one with `last_time_step = 0`; its first accepted code confirms it (see completeLogin).
 */
export const createSuperadminCommand: CliCommand = {
  options: {
    username: { type: 'string' },
    'display-name': { type: 'string' },
  },
  async run({ config, logger, values, stdin, stdout }) {
    const parsed = argsSchema.safeParse({
      username: values.username,
      displayName: values['display-name'],
    });
    if (!parsed.success) {
      const flag = (path: PropertyKey[]) =>
        path[0] === 'displayName' ? 'display-name' : 'username';
      const lines = parsed.error.issues.map((i) => `  --${flag(i.path)}: ${i.message}`);
      process.stderr.write(
        `create-superadmin --username U --display-name "Full Name" (password on stdin)\n${lines.join('\n')}\n`,
      );
      return 2;
    }
    const { username, displayName } = parsed.data;
    const password = await readPassword(stdin);
    if (!password) {
      process.stderr.write('No password given on stdin\n');
      return 2;
    }
    const problems = passwordProblems(password, username);
    if (problems.length > 0) {
      process.stderr.write(`Password rejected: ${problems.map((p) => p.message).join('; ')}\n`);
      return 2;
    }
    const passwordHash = await hashPassword(password);

    const { services, database } = await startServices(config, logger);
    try {
      const secret = newTotpSecret();
      const user = await runCommand(services, systemActor('cli'), async ({ em, audit }) => {
        if (await em.count(User, { username }))
          throw conflict('already_exists', 'taken', { params: { field: 'username' } });
        const now = services.now();
        const person = em.create(User, {
          id: randomUUID(),
          username,
          ...splitDisplayName(displayName),
          displayName,
          status: 'active',
          statusChangedAt: now,
          statusReason: 'Created from the command line',
          loginMethod: 'password',
          role: 'superadmin',
          rank: rankOf('superadmin'),
          passwordHash,
          passwordChangedAt: now,
          source: 'manual',
        });
        // Foreign keys are plain id columns, so the ORM does not order these inserts by itself.
        await em.flush();
        addEnrolledTotpFactor(em, services.keys, person.id, secret, now);
        audit({
          action: 'superadmin.bootstrapped',
          targetType: 'User',
          targetId: person.id,
          targetLabel: username,
          diff: { after: { username, displayName, role: 'superadmin', status: 'active' } },
        });
        return person;
      });
      const uri = totpUri(secret, username);
      stdout.write(
        [
          `Created superadmin "${username}" (${user.id}).`,
          '',
          'Scan this QR code with an authenticator app (or enter the otpauth URI below);',
          'the first sign-in asks for a code from it.',
          '',
          await qrCodeTerminal(uri),
          uri,
          '',
        ].join('\n'),
      );
      return 0;
    } catch (error) {
      // The unique index catches a concurrent creation of the same username.
      const taken =
        (error instanceof AppError && error.code === 'already_exists') ||
        error instanceof UniqueConstraintViolationException;
      if (taken) {
        process.stderr.write(`A person with the username "${username}" already exists\n`);
        return 1;
      }
      throw error;
    } finally {
      await database.close();
    }
  },
};

import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.ts';

/** Logs one line through the service's logger and returns it parsed. */
function logged(write: (logger: ReturnType<typeof createLogger>) => void): Record<string, unknown> {
  const lines: string[] = [];
  write(createLogger('info', { write: (line: string) => lines.push(line) }));
  return JSON.parse(lines[0] ?? '{}');
}

describe('the service logger', () => {
  it('shows an error’s machine code as errorCode, while any nested code stays redacted', () => {
    const error = Object.assign(new Error('terminating connection'), { code: '57P01' });
    const line = logged((logger) => logger.warn({ err: error }, 'database connection failed'));
    expect(line.err).toMatchObject({
      message: 'terminating connection',
      errorCode: '57P01',
      code: '[redacted]',
    });
  });

  it('gives errno-style and numeric codes too, and nothing for an error without one', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(logged((logger) => logger.error({ err: refused }, 'x')).err).toMatchObject({
      errorCode: 'ECONNREFUSED',
    });
    const numbered = Object.assign(new Error('ldap'), { code: 49 });
    expect(logged((logger) => logger.error({ err: numbered }, 'x')).err).toMatchObject({
      errorCode: '49',
    });
    expect(
      logged((logger) => logger.error({ err: new Error('plain') }, 'x')).err,
    ).not.toHaveProperty('errorCode');
  });

  it('still redacts a one-time code or a password anywhere one level down', () => {
    const line = logged((logger) =>
      logger.info({ body: { code: '123456', password: 'секрет' } }, 'request'),
    );
    expect(line.body).toEqual({ code: '[redacted]', password: '[redacted]' });
  });
});

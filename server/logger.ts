import { pino } from 'pino';

/** Structured JSON logger. */
export type Logger = pino.Logger;

/**
 * pino's error serializer, plus the error's machine code as `errorCode`: `err.code` itself falls
 * under the `*.code` redaction (one-time codes), which blanked the very codes an operator
 * looks for (a PostgreSQL SQLSTATE such as 57P01, ECONNREFUSED). A code an error carries is set
 * by a library or by us, never typed by a person.
 */
function serializeError(error: Error & { code?: unknown }): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  const code = error?.code;
  return typeof code === 'string' || typeof code === 'number'
    ? { ...serialized, errorCode: String(code) }
    : serialized;
}

/** Creates the service logger; secrets are redacted by path as a second line of defence. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'frisbee-backoffice' },
      serializers: { err: serializeError },
      redact: {
        paths: [
          '*.password',
          '*.token',
          '*.secret',
          '*.code',
          'req.headers.cookie',
          'req.headers.authorization',
        ],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

import { pino } from 'pino';

/** Structured JSON logger. */
export type Logger = pino.Logger;

/** Creates the service logger; secrets are redacted by path as a second line of defence. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'frisbee-backoffice' },
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

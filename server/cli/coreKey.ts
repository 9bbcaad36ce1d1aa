import { randomBytes } from 'node:crypto';
import { coreKeyHash } from '../core/apiKeys.ts';
import type { CliCommand } from './types.ts';

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * `core-key generate --name N`: prints a new random API key for the messaging core (256 bits,
 * shown once, never stored) and the configuration entry carrying only its SHA-256. Nothing is
 * written anywhere: the operator adds the entry to `core.apiKeys` or `CORE_API_KEYS`, and removes
 * the old key's entry once the core uses the new one.
 */
export const coreKeyCommand: CliCommand = {
  options: { name: { type: 'string' } },
  async run({ values, positionals, stdout }) {
    const name = values.name;
    if (positionals[0] !== 'generate' || typeof name !== 'string' || !NAME.test(name)) {
      process.stderr.write(
        'Usage: npm run cli -- core-key generate --name <name>   (name: 1-64 of A-Z a-z 0-9 . _ -)\n',
      );
      return 2;
    }
    const key = `fbcore_${randomBytes(32).toString('base64url')}`;
    const sha256 = coreKeyHash(key).toString('hex');
    stdout.write(
      [
        `API key (give it to the messaging core; it is shown only now): ${key}`,
        '',
        'Add to config (core.apiKeys in CONFIG_FILE):',
        `  - { name: ${name}, sha256: ${sha256} }`,
        'or to the environment (comma-separated with the other live keys):',
        `  CORE_API_KEYS=${name}:${sha256}`,
        '',
      ].join('\n'),
    );
    return 0;
  },
};

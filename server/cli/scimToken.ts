import { newScimToken } from '../sources/hr/scim/tokens/format.ts';
import type { CliCommand } from './types.ts';

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * `scim-token create --name N`: prints a new SCIM bearer token (shown once, never stored) and the
 * configuration entry carrying only its SHA-256, for `hr.scim.tokens` or `SCIM_TOKENS`. Tokens
 * kept in the database (revocable in the UI) are made with POST /api/v1/scim-tokens instead.
 */
export const scimTokenCommand: CliCommand = {
  options: { name: { type: 'string' } },
  async run({ values, positionals, stdout }) {
    const name = values.name;
    if (positionals[0] !== 'create' || typeof name !== 'string' || !NAME.test(name)) {
      process.stderr.write(
        'Usage: npm run cli -- scim-token create --name <name>   (name: 1-64 of A-Z a-z 0-9 . _ -)\n',
      );
      return 2;
    }
    const { token, hash } = newScimToken();
    const sha256 = hash.toString('hex');
    stdout.write(
      [
        `SCIM token (give it to the HR platform or identity provider; shown only now): ${token}`,
        '',
        'Add to config (hr.scim.tokens in CONFIG_FILE):',
        `  - { name: ${name}, sha256: ${sha256} }`,
        'or to the environment (comma-separated with the other live tokens):',
        `  SCIM_TOKENS=${name}:${sha256}`,
        '',
      ].join('\n'),
    );
    return 0;
  },
};

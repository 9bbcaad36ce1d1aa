import { readFileSync } from 'node:fs';
import { parsePublicKeys } from '../audit/checkpoints.ts';
import { verifyReviewReport } from '../identity/reviews/report.ts';
import type { CliCommand } from './types.ts';

const USAGE = 'Usage: review-report verify FILE --public-key KEY|FILE [--csv FILE]\n';

/**
 * `review-report verify FILE --public-key KEY|FILE [--csv FILE]`: checks an access review
 * report offline (no database): its Ed25519 signature, by one of the trusted checkpoint keys (a
 * key, a PEM or the checkpoint keyring file), and the CSV it names. Exit 0 when intact, 3 when
 * not, 2 on usage.
 */
export const reviewReportCommand: CliCommand = {
  options: { 'public-key': { type: 'string' }, csv: { type: 'string' } },
  async run(input) {
    const [action, file] = input.positionals;
    const key = input.values['public-key'];
    const csvFile = input.values.csv;
    if (action !== 'verify' || !file || typeof key !== 'string') {
      process.stderr.write(USAGE);
      return 2;
    }
    const result = verifyReviewReport(
      readFileSync(file, 'utf8'),
      parsePublicKeys(key),
      typeof csvFile === 'string' ? readFileSync(csvFile, 'utf8') : undefined,
    );
    const what = result.campaign
      ? `campaign ${result.campaign.id} «${result.campaign.name}», ${result.campaign.items} items`
      : file;
    input.stdout.write(
      result.ok
        ? `OK: ${what}: the signature is valid\n`
        : `BROKEN: ${what}\n${result.problems.map((p) => `  ${p}\n`).join('')}`,
    );
    return result.ok ? 0 : 3;
  },
};

import { createHash, sign, verify } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { canonicalJson } from '../../audit/chain.ts';
import { type CheckpointSigner, keyIdOf, publicKeyFromRaw } from '../../audit/checkpoints.ts';
import { neutralizeCell } from '../../commands/auditLog/export.ts';
import type { CampaignView, ItemView } from './schemas.ts';

/** The report's format; a verifier refuses another. */
export const REPORT_TYPE = 'frisbee.access-review-report';

/** What is signed: the campaign, its totals, every item with its decision, the CSV's digest. */
export interface ReviewReport {
  v: 1;
  type: typeof REPORT_TYPE;
  campaign: Omit<CampaignView, 'reportSha256'>;
  csvSha256: string;
  items: ItemView[];
}

/** The report file: the report and its Ed25519 signature over the report's canonical JSON. */
export interface SignedReviewReport {
  report: ReviewReport;
  signature: { alg: 'Ed25519'; keyId: string; publicKey: string; sig: string };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const CSV_COLUMNS = [
  'item',
  'kind',
  'person',
  'username',
  'space',
  'role',
  'organization',
  'reviewer',
  'decision',
  'decided_by',
  'decided_at',
  'note',
  'undecided_at_close',
  'outcome',
  'applied_at',
] as const;

/** The CSV of the items (UTF-8 with BOM, cells a spreadsheet would run neutralized). */
export function reportCsv(items: ItemView[]): string {
  return stringify(
    items.map((item) => [
      item.id,
      item.kind,
      item.person.name,
      item.person.username ?? '',
      item.space?.name ?? '',
      item.role ?? '',
      item.organization?.name ?? '',
      item.reviewer.name,
      item.decision ?? '',
      item.decidedBy?.name ?? '',
      item.decidedAt ?? '',
      item.note ?? '',
      item.undecidedAtClose ? 'yes' : 'no',
      item.outcome ?? '',
      item.appliedAt ?? '',
    ]),
    {
      bom: true,
      header: true,
      columns: [...CSV_COLUMNS],
      cast: { string: (value) => neutralizeCell(value) },
    },
  );
}

/**
 * Builds and signs a closed campaign's report with the audit checkpoint key (docs/audit.md): the
 * same key an auditor already trusts for the log's checkpoints, verified the same way offline.
 * Returns the JSON file, the CSV file and the JSON's SHA-256.
 */
export function signReport(
  signer: CheckpointSigner,
  campaign: CampaignView,
  items: ItemView[],
): { json: string; csv: string; sha256: string } {
  const csv = reportCsv(items);
  const { reportSha256: _none, ...described } = campaign;
  const report: ReviewReport = {
    v: 1,
    type: REPORT_TYPE,
    campaign: described,
    csvSha256: sha256(csv),
    items,
  };
  const sig = sign(null, Buffer.from(canonicalJson(report), 'utf8'), signer.privateKey);
  const signed: SignedReviewReport = {
    report,
    signature: {
      alg: 'Ed25519',
      keyId: signer.keyId,
      publicKey: signer.publicKey.toString('base64'),
      sig: sig.toString('base64'),
    },
  };
  const json = `${JSON.stringify(signed, null, 1)}\n`;
  return { json, csv, sha256: sha256(json) };
}

/** What verifying a report found. */
export interface ReportVerification {
  ok: boolean;
  problems: string[];
  campaign?: { id: string; name: string; items: number };
}

/**
 * Verifies a report file offline: its signature must be valid and made by one of `trustedKeys`
 * (raw Ed25519 public keys: the checkpoint keyring), and the CSV, when given, must be the one the
 * report names. Never throws for what it reads.
 */
export function verifyReviewReport(
  json: string,
  trustedKeys: readonly Buffer[],
  csv?: string,
): ReportVerification {
  let signed: SignedReviewReport;
  try {
    signed = JSON.parse(json) as SignedReviewReport;
  } catch {
    return { ok: false, problems: ['the report is not JSON'] };
  }
  const problems: string[] = [];
  const { report, signature } = signed ?? {};
  if (report?.type !== REPORT_TYPE || !signature?.sig || !signature.publicKey)
    return { ok: false, problems: ['not a signed access review report'] };
  const key = Buffer.from(signature.publicKey, 'base64');
  if (!trustedKeys.some((trusted) => trusted.equals(key)))
    problems.push(`signed by key ${keyIdOf(key)}, which is not among the trusted keys`);
  let valid = false;
  try {
    valid = verify(
      null,
      Buffer.from(canonicalJson(report), 'utf8'),
      publicKeyFromRaw(key),
      Buffer.from(signature.sig, 'base64'),
    );
  } catch {
    valid = false;
  }
  if (!valid) problems.push('the signature does not match the report: it was changed');
  // The CSV is signed as served, with its BOM; a reader that dropped the BOM still matches.
  const served = csv === undefined || csv.startsWith('\uFEFF') ? csv : `\uFEFF${csv}`;
  if (served !== undefined && sha256(served) !== report.csvSha256)
    problems.push('the CSV is not the one the report signs');
  return {
    ok: problems.length === 0,
    problems,
    campaign: { id: report.campaign.id, name: report.campaign.name, items: report.items.length },
  };
}

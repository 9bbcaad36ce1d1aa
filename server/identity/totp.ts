import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { generate, generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

/** The issuer shown in authenticator apps. */
export const TOTP_ISSUER = 'Frisbee';
/** TOTP period in seconds (RFC 6238 default, what every authenticator app assumes). */
export const TOTP_PERIOD = 30;
// ±1 step: tolerates a phone clock that is up to one period off, and a code typed at the edge.
const TOLERANCE_SECONDS = TOTP_PERIOD;

/** A new random TOTP secret (160 bits, Base32). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app enrolls from. */
export function totpUri(secret: string, account: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: account, secret, period: TOTP_PERIOD });
}

/** Options for the code functions; `digits` and a raw key exist for the RFC 6238 test vectors. */
export interface TotpOptions {
  digits?: 6 | 7 | 8;
}

/** The code for `secret` (Base32, or raw key bytes) at time `at`. */
export function totpCode(
  secret: string | Uint8Array,
  at: Date,
  options: TotpOptions = {},
): Promise<string> {
  return generate({
    secret,
    epoch: Math.floor(at.getTime() / 1000),
    period: TOTP_PERIOD,
    digits: options.digits ?? 6,
  });
}

/**
 * Checks a code at time `at` with ±1 step of tolerance. Codes from a time step at or before
 * `afterTimeStep` (the last one accepted for this factor) are refused as replays. Returns the
 * matched time step, to be stored as the new `afterTimeStep`, or null.
 */
export async function checkTotp(
  secret: string | Uint8Array,
  code: string,
  at: Date,
  afterTimeStep: number,
  options: TotpOptions = {},
): Promise<number | null> {
  const digits = options.digits ?? 6;
  if (!new RegExp(`^[0-9]{${digits}}$`).test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(at.getTime() / 1000),
    period: TOTP_PERIOD,
    digits,
    epochTolerance: TOLERANCE_SECONDS,
    afterTimeStep: afterTimeStep > 0 ? afterTimeStep : undefined,
  });
  // The functional API's result type also covers HOTP, which has no time step.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** The QR code of an otpauth URI as an SVG data URL, for the admin UI. */
export async function qrCodeDataUrl(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

/** The QR code of an otpauth URI drawn with block characters, for the CLI. */
export function qrCodeTerminal(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
}

const VERSION = 'v1';

/**
 * Encrypts a TOTP secret with AES-256-GCM. The person's id is bound as associated data, so a
 * ciphertext copied onto another person's row does not decrypt.
 */
export function encryptTotpSecret(key: Buffer, secret: string, userId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(userId, 'utf8'));
  const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), data].map((part) => part.toString('base64url'));
  return [VERSION, ...parts].join('.');
}

/** Decrypts a secret sealed by encryptTotpSecret; throws if it was tampered with or moved. */
export function decryptTotpSecret(key: Buffer, sealed: string, userId: string): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || data === undefined)
    throw new Error('unrecognized TOTP secret format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(userId, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(data, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}

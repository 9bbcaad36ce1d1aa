import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkTotp,
  decryptTotpSecret,
  encryptTotpSecret,
  newTotpSecret,
  totpCode,
  totpUri,
} from '../../server/identity/totp.ts';

// RFC 6238, appendix B: SHA-1, key "12345678901234567890" (ASCII), 8 digits, 30 s steps.
const RFC_KEY = new TextEncoder().encode('12345678901234567890');
const RFC_VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP', () => {
  it.each(RFC_VECTORS)('matches the RFC 6238 SHA-1 vector at T=%i', async (seconds, expected) => {
    const at = new Date(seconds * 1000);
    expect(await totpCode(RFC_KEY, at, { digits: 8 })).toBe(expected);
    expect(await checkTotp(RFC_KEY, expected, at, 0, { digits: 8 })).toBe(Math.floor(seconds / 30));
  });

  it('tolerates one step either way, no more', async () => {
    const secret = newTotpSecret();
    const at = new Date(1_700_000_015_000);
    const code = await totpCode(secret, at);
    const step = Math.floor(at.getTime() / 30_000);
    expect(await checkTotp(secret, code, new Date(at.getTime() + 30_000), 0)).toBe(step);
    expect(await checkTotp(secret, code, new Date(at.getTime() - 30_000), 0)).toBe(step);
    expect(await checkTotp(secret, code, new Date(at.getTime() + 60_000), 0)).toBeNull();
    expect(await checkTotp(secret, code, new Date(at.getTime() - 60_000), 0)).toBeNull();
  });

  it('refuses codes at or before the last accepted step (replay)', async () => {
    const secret = newTotpSecret();
    const at = new Date(1_700_000_015_000);
    const code = await totpCode(secret, at);
    const step = (await checkTotp(secret, code, at, 0)) as number;
    expect(await checkTotp(secret, code, at, step)).toBeNull();
    const next = await totpCode(secret, new Date(at.getTime() + 30_000));
    expect(await checkTotp(secret, next, at, step)).toBe(step + 1);
  });

  it('refuses malformed codes without throwing', async () => {
    const secret = newTotpSecret();
    for (const code of ['', '12345', '1234567', 'abcdef', '12 456'])
      expect(await checkTotp(secret, code, new Date(), 0)).toBeNull();
  });

  it('builds an otpauth URI for authenticator apps', () => {
    const uri = new URL(totpUri('JBSWY3DPEHPK3PXP', 'root'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe('JBSWY3DPEHPK3PXP');
    expect(uri.searchParams.get('issuer')).toBe('Frisbee');
  });

  it('encrypts secrets with AES-256-GCM bound to the person', () => {
    const key = randomBytes(32);
    const secret = newTotpSecret();
    const sealed = encryptTotpSecret(key, secret, 'user-a');
    expect(sealed).not.toContain(secret);
    expect(encryptTotpSecret(key, secret, 'user-a')).not.toBe(sealed); // fresh IV each time
    expect(decryptTotpSecret(key, sealed, 'user-a')).toBe(secret);
    expect(() => decryptTotpSecret(key, sealed, 'user-b')).toThrow();
    expect(() => decryptTotpSecret(randomBytes(32), sealed, 'user-a')).toThrow();
    const [version, iv, tag, data] = sealed.split('.');
    const flipped = Buffer.from(data as string, 'base64url');
    flipped[0] = (flipped[0] as number) ^ 1;
    const tampered = [version, iv, tag, flipped.toString('base64url')].join('.');
    expect(() => decryptTotpSecret(key, tampered, 'user-a')).toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import {
  HashingBusyError,
  hashPassword,
  passwordProblems,
  verifyPassword,
} from '../../server/identity/passwords.ts';

describe('passwords', () => {
  it('hashes with argon2id at the OWASP parameters and verifies', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapl')).toBe(false);
  });

  it('compares NFC-normalized text', async () => {
    const composed = 'пароль с йогуртом'; // й as one code point
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(await verifyPassword(await hashPassword(composed), decomposed)).toBe(true);
  });

  it('refuses (without throwing) when there is no hash or a malformed one', async () => {
    expect(await verifyPassword(null, 'anything at all')).toBe(false);
    expect(await verifyPassword('not a phc string', 'anything at all')).toBe(false);
  });

  it('applies the policy: 12..256 characters, not the username', () => {
    expect(passwordProblems('a long enough passphrase', 'ivan')).toEqual([]);
    expect(passwordProblems('short', 'ivan')).toHaveLength(1);
    expect(passwordProblems('x'.repeat(257), 'ivan')).toHaveLength(1);
    expect(passwordProblems('ivan.petrov.1', 'ivan.petrov.1')).toHaveLength(1);
    // Twelve characters, however many UTF-16 units they take.
    expect(passwordProblems('😀'.repeat(12), null)).toEqual([]);
    expect(passwordProblems('😀'.repeat(6), null)).toHaveLength(1);
  });

  it('bounds concurrent hashing: a flood is refused with 503 busy, not queued forever', async () => {
    const hash = await hashPassword('correct horse battery staple');
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, () => verifyPassword(hash, 'wrong password here')),
    );
    const busy = results.filter(
      (r) => r.status === 'rejected' && r.reason instanceof HashingBusyError,
    );
    expect(busy.length).toBeGreaterThan(0);
    expect((busy[0] as PromiseRejectedResult).reason.status).toBe(503);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(64);
    // Once the flood drains, hashing works again.
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
  });
});

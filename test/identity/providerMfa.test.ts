import { describe, expect, it } from 'vitest';
import {
  mfaRequestParams,
  providerAuthnOf,
  providerMfaProven,
} from '../../server/identity/oidc/providerMfa.ts';

const policy = (requireAcr: string[], requireAmr: string[]) => ({
  enabled: true,
  requireAcr,
  requireAmr,
  withoutProviderMfa: 'totp' as const,
});

describe('what proves the provider’s MFA', () => {
  it.each([
    // [requireAcr, requireAmr, acr, amr, proven]
    [[], [], 'urn:mfa', ['mfa'], false],
    [[], ['mfa'], null, ['pwd', 'mfa'], true],
    [[], ['mfa'], null, ['pwd'], false],
    [[], ['otp', 'hwk'], null, ['pwd', 'hwk'], true],
    [[], ['mfa'], null, null, false],
    [['urn:mfa'], [], 'urn:mfa', null, true],
    [['urn:mfa'], [], 'urn:pwd', ['mfa'], false],
    [['urn:mfa'], [], null, null, false],
    [['urn:mfa'], ['mfa'], 'urn:mfa', ['pwd'], false],
    [['urn:mfa'], ['mfa'], 'urn:mfa', ['mfa'], true],
  ] as const)('acr %j amr %j: token acr %j amr %j → %s', (acr, amr, tokenAcr, tokenAmr, proven) => {
    const authn = { acr: tokenAcr, amr: tokenAmr ? [...tokenAmr] : null };
    expect(providerMfaProven(policy([...acr], [...amr]), authn)).toBe(proven);
  });

  it('reads acr and amr only in their standard shapes', () => {
    expect(providerAuthnOf({ acr: 'x', amr: ['pwd', 'otp'] })).toEqual({
      acr: 'x',
      amr: ['pwd', 'otp'],
    });
    expect(providerAuthnOf({ acr: 2, amr: 'mfa' })).toEqual({ acr: null, amr: null });
    expect(providerAuthnOf({ amr: ['mfa', 1] })).toEqual({ acr: null, amr: null });
    expect(providerMfaProven(policy([], ['mfa']), null)).toBe(false);
  });
});

describe('how the provider is asked for MFA', () => {
  it('sends acr_values, and an essential claims request only where the provider supports it', () => {
    expect(mfaRequestParams(policy([], []), true)).toEqual({});
    expect(mfaRequestParams(policy(['a', 'b'], []), false)).toEqual({ acr_values: 'a b' });
    const both = mfaRequestParams(policy(['a'], ['mfa']), true);
    expect(both.acr_values).toBe('a');
    expect(JSON.parse(both.claims as string)).toEqual({
      id_token: { acr: { essential: true, values: ['a'] }, amr: { essential: true } },
    });
  });
});

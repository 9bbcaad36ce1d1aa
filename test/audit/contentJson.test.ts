import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ChainedContent, canonicalJson, contentJson } from '../../server/audit/chain.ts';

const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }));
const nullableText = fc.option(text, { nil: null });
const json = fc.jsonValue();
const content: fc.Arbitrary<ChainedContent> = fc.record({
  seq: fc.bigInt({ min: 1n, max: 2n ** 62n }).map(String),
  at: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  actorId: fc.option(fc.uuid(), { nil: null }),
  actorLabel: text,
  actorRole: nullableText,
  ip: nullableText,
  userAgent: nullableText,
  requestId: nullableText,
  action: text,
  targetType: nullableText,
  targetId: nullableText,
  targetLabel: nullableText,
  outcome: fc.constantFrom('success', 'denied', 'failure'),
  reason: nullableText,
  diff: fc.option(json, { nil: null }),
  details: fc.option(json, { nil: null }),
});

describe("the hash's serialization of an event", () => {
  it('is canonicalJson byte for byte, for any content (the fast path the verifier relies on)', () => {
    fc.assert(
      fc.property(content, (event) => {
        expect(contentJson(event)).toBe(canonicalJson(event));
      }),
      { numRuns: 2_000 },
    );
  });
});

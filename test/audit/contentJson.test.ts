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

  it('falls back to the general walk where JSON.stringify would reorder or drop keys', () => {
    const base = fc.sample(content, { numRuns: 1, seed: 15 })[0] as ChainedContent;
    for (const details of [
      { '10': 'a', '9': 'b', x: 1 },
      JSON.parse('{"__proto__": {"polluted": true}, "b": 1}') as unknown,
      {
        nested: [
          { '2': 1, '1': 2 },
          { z: 1, a: [3, { y: 1, b: 2 }] },
        ],
      },
      { date: new Date(0) },
      [1, 'два', null, { b: 1, a: 2 }],
    ]) {
      const event = { ...base, details };
      expect(contentJson(event)).toBe(canonicalJson(event));
    }
  });
});

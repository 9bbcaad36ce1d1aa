import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ChainedContent,
  canonicalJson,
  contentJson,
  keylessHash,
  keylessHashHex,
} from '../../server/audit/chain.ts';

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

/** The keyless link as its definition states it: SHA-256(previous || canonical JSON). */
function definedLink(previous: Buffer, event: ChainedContent): string {
  return createHash('sha256').update(previous).update(canonicalJson(event), 'utf8').digest('hex');
}

describe('the keyless link as verification computes it (one-shot, hex)', () => {
  it('is SHA-256(previous || canonical JSON), for any content and any previous hash', () => {
    fc.assert(
      fc.property(content, fc.uint8Array({ minLength: 32, maxLength: 32 }), (event, bytes) => {
        const previous = Buffer.from(bytes);
        const expected = definedLink(previous, event);
        expect(keylessHashHex(previous.toString('hex'), event)).toBe(expected);
        expect(keylessHash(previous, event).toString('hex')).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('holds for events that grow its buffer, pass the one-shot limit, then shrink again', () => {
    const base = fc.sample(content, { numRuns: 1, seed: 26 })[0] as ChainedContent;
    const previous = Buffer.alloc(32, 7);
    // 20 KB and 200 KB of Cyrillic grow the reused buffer; 600,000 characters (1.8 MB of UTF-8
    // at most) take the incremental path; the small one after them uses the grown buffer.
    for (const size of [10, 20_000, 200_000, 600_000, 10]) {
      const event = { ...base, details: { text: 'щ'.repeat(size) } };
      expect(keylessHashHex(previous.toString('hex'), event)).toBe(definedLink(previous, event));
    }
  });
});

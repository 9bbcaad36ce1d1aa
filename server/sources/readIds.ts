import { hash } from 'node:crypto';
import { hexWord } from './entryDigest.ts';

/**
 * The external ids a full read recognized unchanged by their digest and did not stage
 * (stageRead.ts; docs/decisions.md "A full read stages only what changed"). Each id is kept as
 * 64 bits of its SHA-256 in one open-addressing table of 32-bit words (two a slot, at most half
 * full): 16 bytes an id, so a million cost 16 MiB and no object each.
 *
 * Asked only about the few people a full read cannot place by digest (unreadIds.ts). A missing
 * person taken for read would keep their access for one more run, so the bits are a
 * cryptographic hash's: a chance collision with one of a million ids is about 1 in 2^44, and
 * an entry made to collide with a given id costs about 2^64 hashes.
 */
export class ReadIds {
  private words: Int32Array;
  private mask: number;
  /** Ids held. */
  size = 0;

  /** Room for `expected` ids before the table grows. */
  constructor(expected: number) {
    let slots = 16;
    while (slots < expected * 2) slots *= 2;
    this.words = new Int32Array(slots * 2);
    this.mask = slots - 1;
  }

  /** Adds an external id (again: no change). */
  add(externalId: string): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const [a, b] = key(externalId);
    const slot = this.find(a, b);
    if (slot >= 0) return;
    this.words[(-slot - 1) * 2] = a;
    this.words[(-slot - 1) * 2 + 1] = b;
    this.size += 1;
  }

  /** Whether an external id was added. */
  has(externalId: string): boolean {
    const [a, b] = key(externalId);
    return this.find(a, b) >= 0;
  }

  /** The slot holding the key, or -(free slot) - 1 where it would go. */
  private find(a: number, b: number): number {
    const w = this.words;
    for (let slot = a & this.mask; ; slot = (slot + 1) & this.mask) {
      const p = w[slot * 2] ?? 0;
      const q = w[slot * 2 + 1] ?? 0;
      if ((p | q) === 0) return -slot - 1;
      if (p === a && q === b) return slot;
    }
  }

  private grow(): void {
    const old = this.words;
    this.words = new Int32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    for (let at = 0; at < old.length; at += 2) {
      const a = old[at] ?? 0;
      const b = old[at + 1] ?? 0;
      if ((a | b) === 0) continue;
      const free = -this.find(a, b) - 1;
      this.words[free * 2] = a;
      this.words[free * 2 + 1] = b;
    }
  }
}

/** An id's 64 bits: never both words zero, which marks a free slot. */
function key(externalId: string): [number, number] {
  // Hex output: a Buffer per id cost five times the hashing (one-shot crypto.hash, Node 20).
  const digest = hash('sha256', externalId, 'hex');
  const a = hexWord(digest, 0);
  const b = hexWord(digest, 8);
  return (a | b) === 0 ? [0, 1] : [a, b];
}

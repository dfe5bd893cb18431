import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QuoteSequenceCheck, topKey } from './quote-sequence.ts';

const WAIT = 1_000n;
const key = (bid: number, ask: number) => topKey(String(bid), '1', String(ask), '1');

describe('QuoteSequenceCheck: quotes must be a subsequence of the book\'s top-of-book states', () => {
  it('matches a quote that arrives after the book passed through its state, even if the book moved on', () => {
    const c = new QuoteSequenceCheck(WAIT);
    c.onBook(key(10, 11), 1, 0n);
    c.onBook(key(9, 11), 2, 1n);
    expect(c.onQuote(key(10, 11), 3, 2n)).toBeNull();
    expect(c.matched).toBe(1);
  });

  it('lets a quote that arrives before its book state wait for it', () => {
    const c = new QuoteSequenceCheck(WAIT);
    c.onBook(key(10, 11), 1, 0n);
    expect(c.onQuote(key(9, 11), 2, 10n)).toBeNull();
    expect(c.onBook(key(9, 11), 3, 20n)).toBeNull();
    expect(c.matched).toBe(1);
  });

  it('reports a quote no state matched within the wait, at the quote\'s line, naming the closest state', () => {
    const c = new QuoteSequenceCheck(WAIT);
    c.onBook(key(10, 11), 1, 0n);
    c.onBook(key(10, 12), 2, 1n);
    expect(c.onQuote(topKey('10', '2', '12', '1'), 3, 5n)).toBeNull();
    expect(c.onBook(key(9, 12), 4, 5n + WAIT + 1n)).toMatchObject({ quoteLine: 3, sinceLine: 1, closest: { line: 2 } });
  });

  it('rejects a quote of a state older than the one the previous quote matched', () => {
    const c = new QuoteSequenceCheck(WAIT);
    c.onBook(key(10, 11), 1, 0n);
    c.onBook(key(9, 11), 2, 1n);
    c.onQuote(key(9, 11), 3, 2n);
    expect(c.onQuote(key(10, 11), 4, 3n)).toBeNull(); // waits: the book may come back to it
    expect(c.onBook(key(8, 11), 5, 3n + WAIT + 1n)).toMatchObject({ quoteLine: 4 });
  });

  it('never flags a quote stream that samples the book\'s states in order (no false alarm)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 40 }), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (bids, pick) => {
        const c = new QuoteSequenceCheck(WAIT);
        let t = 0n;
        for (let i = 0; i < bids.length; i++) {
          expect(c.onBook(key(bids[i]!, 7), i, (t += 1n))).toBeNull();
          if (pick[i]) expect(c.onQuote(key(bids[i]!, 7), 1000 + i, t)).toBeNull();
        }
        expect(c.onBook(key(bids[bids.length - 1]!, 7), 999, t + 10n * WAIT)).toBeNull();
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ExchangeOrder } from './exchange-order.ts';

describe('the exchange order', () => {
  it('pops by exchange time, then feed order, however pushes (mostly in time order or not) and pops interleave, past its initial capacity', () => {
    // op ≥ 0: push the next message at time op; op < 0: pop.
    const op = fc.oneof({ weight: 1, arbitrary: fc.constant(-1) }, { weight: 3, arbitrary: fc.integer({ min: 0, max: 40 }) });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1500, maxLength: 3000 }), (ops) => {
        const times: number[] = [];
        const order = new ExchangeOrder((seq) => times[seq]!);
        // The model: live messages kept sorted by (time, seq).
        const live: number[] = [];
        // Plain comparisons per operation, one expect at the end (thousands of expects per run are slow).
        const popped: number[] = [];
        const expected: number[] = [];
        let sizesAgree = true;
        for (const o of ops) {
          if (o >= 0) {
            const seq = times.length;
            // Mostly rising times (the FIFO part), sometimes earlier ones (the heap part).
            times.push(o + seq);
            order.push(seq, o + seq);
            let at = live.length;
            while (at > 0 && times[live[at - 1]!]! > times[seq]!) at--;
            live.splice(at, 0, seq);
          } else if (live.length > 0) {
            popped.push(order.peek(), order.pop());
            const next = live.shift()!;
            expected.push(next, next);
          }
          if (order.size !== live.length) sizesAgree = false;
        }
        expect(popped).toEqual(expected);
        expect(sizesAgree).toBe(true);
        expect(order.peek()).toBe(live.length === 0 ? -1 : live[0]);
      }),
      { numRuns: 60 },
    );
  });
});

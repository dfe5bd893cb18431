import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ExchangeOrder } from './exchange-order.ts';

describe('the exchange order', () => {
  it('pops by exchange time, then feed order, and keeps the next time, however pushes (mostly in time order or not), pops and epoch moves interleave, past its initial capacities', () => {
    // op ≥ 0: push the next message at time op; -1: pop; -2: the epoch moves 7 ns forward (rebase).
    const op = fc.oneof({ weight: 10, arbitrary: fc.constant(-1) }, { weight: 30, arbitrary: fc.integer({ min: 0, max: 40 }) }, { weight: 1, arbitrary: fc.constant(-2) });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1500, maxLength: 3000 }), (ops) => {
        const times: number[] = [];
        const order = new ExchangeOrder();
        // The model: live messages kept sorted by (time, seq).
        const live: number[] = [];
        // Plain comparisons per operation, one expect at the end (thousands of expects per run are slow).
        const popped: number[] = [];
        const expected: number[] = [];
        let sizesAgree = true;
        let headsAgree = true;
        for (const o of ops) {
          if (o >= 0) {
            const seq = times.length;
            // Mostly rising times (the FIFO part), sometimes earlier ones (the heap part).
            times.push(o + seq);
            order.push(seq, o + seq);
            let at = live.length;
            while (at > 0 && times[live[at - 1]!]! > times[seq]!) at--;
            live.splice(at, 0, seq);
          } else if (o === -2) {
            order.rebase(7);
            for (let k = 0; k < times.length; k++) times[k]! -= 7;
            if (order.headTime !== (live.length > 0 ? times[live[0]!]! : Infinity)) headsAgree = false;
          } else if (live.length > 0) {
            popped.push(order.peek(), order.pop());
            if (order.headTime !== (live.length > 1 ? times[live[1]!]! : Infinity)) headsAgree = false;
            const next = live.shift()!;
            expected.push(next, next);
          }
          if (order.size !== live.length) sizesAgree = false;
        }
        expect(popped).toEqual(expected);
        expect(sizesAgree).toBe(true);
        expect(headsAgree).toBe(true);
        expect(order.peek()).toBe(live.length === 0 ? -1 : live[0]);
      }),
      { numRuns: 60 },
    );
  });
});

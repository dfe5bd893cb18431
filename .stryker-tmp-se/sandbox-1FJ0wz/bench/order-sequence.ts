/**
 * A deterministic order sequence for the matching benchmark, from a seeded PRNG: limit adds of
 * other participants near the touch, cancels of random live orders, and crossing IOC limit
 * orders that sweep one or more levels. A reference model (price-time FIFO per level) runs
 * while generating, so every op also carries what an L2 venue feed would publish for it:
 * - add / cancel → one book_delta row: the new total size of that level (0 = level gone);
 * - cross        → our IOC request, and the book_delta rows of the levels it consumed;
 * plus the expected filled qty of every cross and the final resting L2 book.
 * Prices are integer ticks around 1,000,000, sizes integer lots.
 */
// @ts-nocheck

import type { BookDeltaEvent, RequestSentEvent } from '@chassis/core';
import { SeededRandom } from '@chassis/venues';

export const OP_ADD = 0;
export const OP_CANCEL = 1;
export const OP_CROSS = 2;

export interface OrderSequence {
  readonly count: number;
  readonly seed: number;
  /** OP_ADD | OP_CANCEL | OP_CROSS per op. */
  readonly type: Uint8Array;
  /** 0 = buy (bid), 1 = sell (ask). */
  readonly side: Uint8Array;
  readonly price: Float64Array;
  readonly qty: Float64Array;
  /** Order id: the maker order added / cancelled, or the taker order (numbers; `o<id>` for string ids). */
  readonly orderId: Float64Array;
  /** Filled qty of each cross per the reference model (0 for adds/cancels). */
  readonly expectedFill: Float64Array;
  /** L2 feed events per op: the level update (add/cancel) or the post-trade levels (cross). */
  readonly delta: readonly BookDeltaEvent[];
  /** Our IOC request per cross op (undefined otherwise). */
  readonly request: readonly (RequestSentEvent | undefined)[];
  /** Final resting book per the reference model: price → total size. */
  readonly finalBids: ReadonlyMap<number, number>;
  readonly finalAsks: ReadonlyMap<number, number>;
  readonly adds: number;
  readonly cancels: number;
  readonly crosses: number;
  readonly filledQty: number;
}

export const MATCHING_INSTRUMENT = 'bench:MATCH';
const MID = 1_000_000;

interface RefOrder {
  readonly id: number;
  readonly isBid: boolean;
  readonly price: number;
  remaining: number;
  /** Position in the live array (swap-remove). */
  live: number;
}

/** Generates `count` ops from `seed`; pure function of its arguments. */
export function orderSequence(count: number, seed: number): OrderSequence {
  const rnd = new SeededRandom(seed);
  const type = new Uint8Array(count);
  const side = new Uint8Array(count);
  const price = new Float64Array(count);
  const qty = new Float64Array(count);
  const orderId = new Float64Array(count);
  const expectedFill = new Float64Array(count);
  const delta: BookDeltaEvent[] = [];
  const request: (RequestSentEvent | undefined)[] = new Array(count).fill(undefined);
  // Level columns shared by all delta events (each points at its slice).
  const cap = count * 4 + 16;
  const dSide = new Uint8Array(cap);
  const dPrice = new Float64Array(cap);
  const dSize = new Float64Array(cap);
  let used = 0;

  const levels = [new Map<number, RefOrder[]>(), new Map<number, RefOrder[]>()]; // [bids, asks], FIFO per price
  const total = [new Map<number, number>(), new Map<number, number>()];
  const live: RefOrder[] = [];
  let nextId = 1;
  let adds = 0;
  let cancels = 0;
  let crosses = 0;
  let filledQty = 0;

  const best = (s: number): number => {
    let b = NaN;
    for (const p of total[s]!.keys()) if (b !== b || (s === 0 ? p > b : p < b)) b = p;
    return b;
  };
  const setTotal = (s: number, p: number, q: number): void => {
    if (q === 0) total[s]!.delete(p);
    else total[s]!.set(p, q);
    dSide[used] = s;
    dPrice[used] = p;
    dSize[used++] = q;
  };
  const dropLive = (o: RefOrder): void => {
    const last = live.pop()!;
    if (last !== o) {
      live[o.live] = last;
      last.live = o.live;
    }
    o.live = -1;
  };
  // Best prices change only through ops; cache them and refresh when a level appears/vanishes.
  let bestBid = NaN;
  let bestAsk = NaN;

  for (let k = 0; k < count; k++) {
    const ts = BigInt(k + 1) * 1000n;
    const offset = used;
    const r = rnd.nextFloat();
    let op = live.length < 400 ? OP_ADD : r < 0.47 ? OP_ADD : r < 0.88 ? OP_CANCEL : OP_CROSS;
    if (op === OP_CROSS && !(bestBid === bestBid && bestAsk === bestAsk)) op = OP_ADD; // nothing to cross
    type[k] = op;
    if (op === OP_ADD) {
      const s = rnd.nextBelow(2);
      // Depth below the touch: mostly near it (geometric-ish), up to 40 ticks.
      const depth = Math.min(40, Math.floor(-Math.log(1 - rnd.nextFloat()) * 4));
      const ref = s === 0 ? (bestAsk === bestAsk ? bestAsk - 1 : MID - 1) : bestBid === bestBid ? bestBid + 1 : MID + 1;
      const p = s === 0 ? ref - depth : ref + depth;
      const q = 1 + rnd.nextBelow(50);
      const o: RefOrder = { id: nextId++, isBid: s === 0, price: p, remaining: q, live: live.length };
      live.push(o);
      const queue = levels[s]!.get(p);
      if (queue) queue.push(o);
      else levels[s]!.set(p, [o]);
      setTotal(s, p, (total[s]!.get(p) ?? 0) + q);
      if (s === 0 && !(p <= bestBid)) bestBid = p;
      if (s === 1 && !(p >= bestAsk)) bestAsk = p;
      side[k] = s;
      price[k] = p;
      qty[k] = q;
      orderId[k] = o.id;
      adds++;
    } else if (op === OP_CANCEL) {
      const o = live[rnd.nextBelow(live.length)]!;
      const s = o.isBid ? 0 : 1;
      const queue = levels[s]!.get(o.price)!;
      queue.splice(queue.indexOf(o), 1);
      if (queue.length === 0) levels[s]!.delete(o.price);
      setTotal(s, o.price, total[s]!.get(o.price)! - o.remaining);
      dropLive(o);
      if (s === 0 && o.price === bestBid && !total[0]!.has(o.price)) bestBid = best(0);
      if (s === 1 && o.price === bestAsk && !total[1]!.has(o.price)) bestAsk = best(1);
      side[k] = s;
      price[k] = o.price;
      qty[k] = o.remaining;
      orderId[k] = o.id;
      cancels++;
    } else {
      // Taker: a buy takes asks (s = 1 is the side consumed), limit 0..3 ticks through the touch.
      const buy = rnd.nextBelow(2) === 0;
      const s = buy ? 1 : 0;
      const touch = buy ? bestAsk : bestBid;
      const through = rnd.nextBelow(4);
      const limit = buy ? touch + through : touch - through;
      let want = 1 + rnd.nextBelow(120);
      const q = want;
      let filled = 0;
      const prices = [...levels[s]!.keys()].filter((p) => (buy ? p <= limit : p >= limit)).sort((a, b) => (buy ? a - b : b - a));
      for (const p of prices) {
        if (want === 0) break;
        const queue = levels[s]!.get(p)!;
        while (want > 0 && queue.length > 0) {
          const m = queue[0]!;
          const take = Math.min(want, m.remaining);
          m.remaining -= take;
          want -= take;
          filled += take;
          if (m.remaining === 0) {
            queue.shift();
            dropLive(m);
          }
        }
        if (queue.length === 0) levels[s]!.delete(p);
        setTotal(s, p, queue.reduce((a, o) => a + o.remaining, 0));
      }
      bestBid = best(0);
      bestAsk = best(1);
      const id = nextId++;
      side[k] = buy ? 0 : 1;
      price[k] = limit;
      qty[k] = q;
      orderId[k] = id;
      expectedFill[k] = filled;
      filledQty += filled;
      crosses++;
      request[k] = {
        seq: k + 1, kind: 'request_sent', tsEventNs: ts, tsLocalNs: ts, request: 'new', orderId: id, instrument: MATCHING_INSTRUMENT,
        side: buy ? 'buy' : 'sell', orderType: 'limit', priceUnits: limit, qtyUnits: q, timeInForce: 'IOC', postOnly: false, reduceOnly: false, clientTag: '',
      };
    }
    delta.push({
      seq: k + 1, kind: 'book_delta', tsEventNs: ts, tsLocalNs: ts, instrument: MATCHING_INSTRUMENT, updateId: BigInt(k + 1), isSnapshot: false,
      offset, count: used - offset, sides: dSide, prices: dPrice, sizes: dSize,
    });
  }
  return { count, seed, type, side, price, qty, orderId, expectedFill, delta, request, finalBids: total[0]!, finalAsks: total[1]!, adds, cancels, crosses, filledQty };
}

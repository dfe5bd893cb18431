/**
 * matching: order operations per second (add, cancel, match) of the simulated venue and of
 * `nodejs-order-book`, on the SAME seeded sequence (bench/order-sequence.ts).
 *
 * What is compared, honestly: the simulated venue is a backtest venue. Other participants'
 * orders reach it as L2 market data (it keeps per-level totals, not their individual orders),
 * and matching is OUR order taking that liquidity. So for the venue
 *   add / cancel = onMarketEvent(book_delta with the level's new total),
 *   match        = submit(IOC limit) + processNextRequest() + draining the answers
 *                  (accepted, fills, IOC cancel) + onMarketEvent(post-trade level update),
 * while nodejs-order-book gets limit(GTC) / cancel(id) / limit(IOC) for the same orders and
 * keeps every order (price-time FIFO). Inputs for both are built before timing.
 * Verified before timing: every cross fills the same quantity in both (and as the reference
 * model says), and both end with the same resting L2 book.
 */
// @ts-nocheck

import { OrderBook, Side, type LimitOrderOptions } from 'nodejs-order-book';

// The package types TimeInForce as an enum it does not export at run time; its values are these strings.
const IOC = 'IOC' as NonNullable<LimitOrderOptions['timeInForce']>;
import type { Instrument } from '@chassis/core';
import { conservativeQueue, constantLatency, createSimulatedVenue, type SimulatedVenue } from '@chassis/venues';
import { MATCHING_INSTRUMENT, OP_ADD, OP_CANCEL, orderSequence, type OrderSequence } from '../order-sequence.ts';
import { median, samplePair, result, type BenchResult, type BenchSection } from '../types.ts';

const INSTRUMENT: Instrument = {
  id: MATCHING_INSTRUMENT,
  venue: 'bench',
  symbol: 'MATCH',
  contractType: 'linear',
  baseCurrency: 'BTC',
  quoteCurrency: 'USDT',
  priceDecimals: 1,
  sizeDecimals: 3,
  tickUnits: 1,
  lotUnits: 1,
  minNotionalUnits: 0n,
  multiplier: 1,
  makerFeePpm: 200,
  takerFeePpm: 500,
};

/** Runs the sequence through a fresh simulated venue; fills[k] = filled qty of cross k. */
function runVenue(seq: OrderSequence, fills: Float64Array | null): SimulatedVenue {
  const venue = createSimulatedVenue({ instruments: [INSTRUMENT], queueModel: conservativeQueue(), latency: constantLatency(0n, 0n), seed: 1 });
  const { type, delta, request } = seq;
  for (let k = 0; k < seq.count; k++) {
    if (type[k] !== 2) {
      venue.onMarketEvent(delta[k]!);
      continue;
    }
    venue.submit(request[k]!);
    venue.processNextRequest();
    let filled = 0;
    while (venue.nextAnswerNs() >= 0n) {
      const a = venue.popAnswer();
      if (a.kind === 'order_filled') filled += a.qtyUnits;
    }
    if (fills) fills[k] = filled;
    venue.onMarketEvent(delta[k]!);
  }
  return venue;
}

/** String ids for nodejs-order-book, built before timing. */
function ids(seq: OrderSequence): string[] {
  const out = new Array<string>(seq.count);
  for (let k = 0; k < seq.count; k++) out[k] = `o${seq.orderId[k]}`;
  return out;
}

function runNodeBook(seq: OrderSequence, idOf: readonly string[], fills: Float64Array | null): OrderBook {
  const book = new OrderBook();
  const { type, side, price, qty } = seq;
  for (let k = 0; k < seq.count; k++) {
    const t = type[k];
    if (t === OP_ADD) {
      book.limit({ id: idOf[k]!, side: side[k] === 0 ? Side.BUY : Side.SELL, size: qty[k]!, price: price[k]! });
    } else if (t === OP_CANCEL) {
      book.cancel(idOf[k]!);
    } else {
      const r = book.limit({ id: idOf[k]!, side: side[k] === 0 ? Side.BUY : Side.SELL, size: qty[k]!, price: price[k]!, timeInForce: IOC });
      if (fills) {
        if (r.err) throw new Error(`matching: nodejs-order-book refused op ${k}: ${r.err.message}`);
        fills[k] = qty[k]! - r.quantityLeft;
      }
    }
  }
  return book;
}

function verify(seq: OrderSequence, idOf: readonly string[]): void {
  const ours = new Float64Array(seq.count);
  const theirs = new Float64Array(seq.count);
  const venue = runVenue(seq, ours);
  const book = runNodeBook(seq, idOf, theirs);
  for (let k = 0; k < seq.count; k++) {
    if (ours[k] !== seq.expectedFill[k] || theirs[k] !== seq.expectedFill[k])
      throw new Error(`matching: op ${k} filled ${ours[k]} (simulated venue) vs ${theirs[k]} (nodejs-order-book) vs ${seq.expectedFill[k]} (reference)`);
  }
  const [asks, bids] = book.depth();
  const compare = (name: string, theirLevels: [number, number][], expected: ReadonlyMap<number, number>, venueSide: 'bid' | 'ask'): void => {
    if (theirLevels.length !== expected.size) throw new Error(`matching: nodejs-order-book has ${theirLevels.length} ${name} levels, reference ${expected.size}`);
    for (const [p, q] of theirLevels) {
      if (expected.get(p) !== q) throw new Error(`matching: ${name} ${p}: nodejs-order-book ${q}, reference ${expected.get(p)}`);
      const v = venue.levelQty(MATCHING_INSTRUMENT, venueSide, p);
      if (v !== q) throw new Error(`matching: ${name} ${p}: simulated venue ${v}, nodejs-order-book ${q}`);
    }
  };
  compare('bid', bids, seq.finalBids, 'bid');
  compare('ask', asks, seq.finalAsks, 'ask');
  // The venue holds no level the reference lacks: its best prices are the reference's.
  const bestBid = Math.max(...seq.finalBids.keys());
  const bestAsk = Math.min(...seq.finalAsks.keys());
  if (venue.bestBid(MATCHING_INSTRUMENT) !== bestBid || venue.bestAsk(MATCHING_INSTRUMENT) !== bestAsk)
    throw new Error(`matching: simulated venue best ${venue.bestBid(MATCHING_INSTRUMENT)}/${venue.bestAsk(MATCHING_INSTRUMENT)} vs reference ${bestBid}/${bestAsk}`);
}

export const matching: BenchSection = {
  name: 'matching',
  async run(ctx): Promise<BenchResult[]> {
    const seed = 7;
    const seq = orderSequence(ctx.quick ? 50_000 : 300_000, seed);
    const idOf = ids(seq);
    verify(seq, idOf);
    process.stderr.write(`matching: ${seq.crosses} crosses filled the same qty (${seq.filledQty} lots) in both; same final book (${seq.finalBids.size} bid / ${seq.finalAsks.size} ask levels)\n`);
    const [ours, theirs] = samplePair(
      () => runVenue(seq, null),
      () => runNodeBook(seq, idOf, null),
      (ms) => seq.count / (ms / 1000),
      { warmup: 2, samples: ctx.quick ? 5 : 7, clock: 'cpu' },
    );
    const inputs =
      `seeded sequence (seed ${seed}) of ${seq.count} ops: ${seq.adds} limit adds, ${seq.cancels} cancels, ${seq.crosses} crossing IOC orders (${seq.filledQty} lots filled); ` +
      `same fills per cross and same final book verified; CPU time`;
    return [
      result('matching', 'ops/s', ours, median(theirs), `${inputs}; simulated venue (adds/cancels as L2 level updates, matches as our IOC orders); baseline = nodejs-order-book (target ratio ≥ 3)`),
      result('matching-nodejs-order-book', 'ops/s', theirs, null, `${inputs}; nodejs-order-book 10.1.1 limit/cancel/IOC limit`),
    ];
  },
};

/**
 * The simulated venue on a real capture: Binance USD-M BTCUSDT, 345 s of depth@0ms diffs, trades
 * and bookTicker (hftbacktest example data, MIT, examples/data (bundled copies of ../shared/data)/binance-hftbacktest), read
 * through this package's own capture reader and scaled to integer units.
 */
// @ts-nocheck

import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDecimalUnits, type EventDraft, type ExecutionEvent, type Instrument, type MarketEvent } from '@chassis/core';
import { readCapture } from '../formats/capture-reader.ts';
import { createSimulatedVenue, type SimulatedVenue } from './venue.ts';
import { conservativeQueue, powerProbQueue, type QueueModel } from './queue.ts';
import { constantLatency } from './latency.ts';
import { newOrder } from './scenario.ts';
import { dataFixturesDir } from '../../../../examples/data/index.ts';

const CAPTURE = `${dataFixturesDir}/binance-hftbacktest/usdm_btcusdt_20240808.gz`;

const BTCUSDT: Instrument = {
  id: 'binance-usdm:BTCUSDT',
  venue: 'binance-usdm',
  symbol: 'BTCUSDT',
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

const px = (s: string): number => parseDecimalUnits(s, 1);
const sz = (s: string): number => parseDecimalUnits(s, 3);

/** In exchange time (what the venue sees) and in file (capture) order. */
let events: MarketEvent[] = [];
const fileOrder: MarketEvent[] = [];

beforeAll(async () => {
  if (!existsSync(CAPTURE)) throw new Error(`real capture missing: ${CAPTURE}`);
  for await (const r of readCapture(CAPTURE)) {
    const head = { seq: 0, tsEventNs: r.tsEventNs, tsLocalNs: r.tsLocalNs, instrument: BTCUSDT.id };
    if (r.kind === 'book_delta') {
      const rows = [...r.bids.map((l) => [0, l] as const), ...r.asks.map((l) => [1, l] as const)];
      fileOrder.push({ ...head, kind: 'book_delta', updateId: r.updateId ?? -1n, isSnapshot: r.isSnapshot, offset: 0, count: rows.length, sides: rows.map((x) => x[0]), prices: rows.map((x) => px(x[1][0])), sizes: rows.map((x) => sz(x[1][1])) });
    } else if (r.kind === 'trade') {
      fileOrder.push({ ...head, kind: 'trade', tradeId: r.tradeId, priceUnits: px(r.price), qtyUnits: sz(r.size), aggressor: r.aggressor });
    } else if (r.kind === 'bbo') {
      fileOrder.push({ ...head, kind: 'bbo', updateId: r.updateId ?? -1n, bidPriceUnits: px(r.bidPrice), bidQtyUnits: sz(r.bidSize), askPriceUnits: px(r.askPrice), askQtyUnits: sz(r.askSize) });
    }
  }
  // The exchange side sees events in exchange time (stable: file order among equal times).
  events = fileOrder.map((e, i) => [e, i] as const).sort((a, b) => (a[0].tsEventNs < b[0].tsEventNs ? -1 : a[0].tsEventNs > b[0].tsEventNs ? 1 : a[1] - b[1])).map((x) => x[0]);
}, 120_000);

function venueOf(queueModel: QueueModel): SimulatedVenue {
  return createSimulatedVenue({ instruments: [BTCUSDT], queueModel, latency: constantLatency(0n, 0n), seed: 1 });
}

describe('the simulated venue on a real Binance USD-M capture', () => {
  it('keeps an exchange-side book equal to every bookTicker that shares its update id with the last applied diff', () => {
    const venue = venueOf(conservativeQueue());
    let lastDiffId = -2n;
    let checked = 0;
    // Capture order: the ground truth pairs each bookTicker with the diff received before it.
    for (const ev of fileOrder) {
      if (ev.kind === 'bbo' && ev.updateId === lastDiffId) {
        expect([venue.bestBid(BTCUSDT.id), venue.levelQty(BTCUSDT.id, 'bid', ev.bidPriceUnits), venue.bestAsk(BTCUSDT.id), venue.levelQty(BTCUSDT.id, 'ask', ev.askPriceUnits)]).toEqual([
          ev.bidPriceUnits,
          ev.bidQtyUnits,
          ev.askPriceUnits,
          ev.askQtyUnits,
        ]);
        checked++;
      }
      venue.onMarketEvent(ev); // every event: a stale bookTicker must not disturb the depth-driven book
      if (ev.kind === 'book_delta') lastDiffId = ev.updateId;
    }
    expect(checked).toBe(126);
  });

  it('a bid joined at the touch fills no later under the probabilistic queue than under the conservative one', () => {
    const firstFill = (model: QueueModel, startAt: number): bigint => {
      const venue = venueOf(model);
      for (let i = 0; i < events.length; i++) {
        const ev = events[i]!;
        if (i === startAt) {
          venue.submit(newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: venue.bestBid(BTCUSDT.id), qtyUnits: 10, tsLocalNs: ev.tsEventNs, instrument: BTCUSDT.id }));
          venue.processNextRequest();
          venue.popAnswer();
        }
        venue.onMarketEvent(ev);
        if (venue.nextAnswerNs() >= 0n) return venue.popAnswer().tsEventNs;
      }
      return -1n;
    };
    let bothFilled = 0;
    for (const startAt of [5_000, 20_000, 40_000, 60_000, 80_000]) {
      const conservative = firstFill(conservativeQueue(), startAt);
      const probabilistic = firstFill(powerProbQueue(2), startAt);
      expect(probabilistic).not.toBe(-1n);
      if (conservative !== -1n) {
        expect(probabilistic <= conservative).toBe(true);
        bothFilled++;
      }
    }
    expect(bothFilled).toBeGreaterThan(0);
  });

  it('quoting both sides at the touch for the whole capture gives consistent fills', () => {
    const venue = venueOf(powerProbQueue(2));
    let orderId = 0;
    let seq = 0;
    const orders = new Map<number, { side: string; price: number; qty: number; filled: number; done: boolean }>();
    const answers: EventDraft<ExecutionEvent>[] = [];
    for (const ev of events) {
      venue.onMarketEvent(ev);
      while (venue.nextAnswerNs() >= 0n) answers.push(venue.popAnswer());
      if (ev.kind !== 'bbo' || venue.openOrders(BTCUSDT.id).length === 2) continue;
      for (const side of ['buy', 'sell'] as const) {
        if (venue.openOrders(BTCUSDT.id).some((o) => o.side === side)) continue;
        const price = side === 'buy' ? venue.bestBid(BTCUSDT.id) : venue.bestAsk(BTCUSDT.id);
        if (!(price > 0)) continue;
        orderId++;
        orders.set(orderId, { side, price, qty: 5, filled: 0, done: false });
        venue.submit(newOrder({ seq: ++seq, orderId, side, priceUnits: price, qtyUnits: 5, tsLocalNs: ev.tsEventNs, postOnly: true, instrument: BTCUSDT.id }));
        venue.processNextRequest();
        while (venue.nextAnswerNs() >= 0n) answers.push(venue.popAnswer());
      }
    }
    let makerFills = 0;
    for (const a of answers) {
      const o = orders.get(a.orderId)!;
      if (a.kind === 'order_filled') {
        expect(o.done).toBe(false);
        expect(a.liquidity).toBe('maker');
        expect(a.priceUnits).toBe(o.price);
        o.filled += a.qtyUnits;
        expect(o.filled).toBeLessThanOrEqual(o.qty);
        expect(a.final).toBe(o.filled === o.qty);
        expect(a.feeUnits).toBe((BigInt(a.priceUnits) * BigInt(a.qtyUnits) * 200n + 999_999n) / 1_000_000n);
        if (a.final) o.done = true;
        makerFills++;
      }
    }
    expect(makerFills).toBeGreaterThan(50);
  });
});

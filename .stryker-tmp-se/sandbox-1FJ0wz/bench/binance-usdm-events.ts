/**
 * Minimal reader of the hftbacktest Binance USD-M capture (`<local ns> <raw JSON>` per line,
 * gzip) into core market events with integer units, for benchmarks only. It follows the
 * capture's own sync rule: drop everything before the inline REST snapshot, emit the snapshot
 * as a book_delta with isSnapshot, drop diffs with u <= lastUpdateId. All level rows live in
 * three shared columns; each book_delta event points at its slice (no per-level objects).
 * Swap for the canonical reader once the repository has one.
 */
// @ts-nocheck

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseDecimalUnits, type Event, type Instrument } from '@chassis/core';

export const USDM_FILE = new URL('../examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz', import.meta.url);

export const USDM_BTCUSDT: Instrument = {
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
  minNotionalUnits: 1_000_000n, // 100 USDT at 10^-4 USDT notional units
  multiplier: 1,
  makerFeePpm: 200,
  takerFeePpm: 500,
};

export interface UsdmStream {
  readonly events: Event[];
  /** bookTicker events whose `u` equals the last applied diff's `u` (their BBO must equal the rebuilt book). */
  readonly checkableBbo: Set<number>;
}

export function loadUsdmEvents(path: URL = USDM_FILE): UsdmStream {
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  const lines = text.split('\n');
  let rows = 0;
  for (const line of lines) rows += (line.match(/\],\[/g)?.length ?? 0) + 2;
  const sides = new Float64Array(rows);
  const prices = new Float64Array(rows);
  const sizes = new Float64Array(rows);
  let used = 0;
  const events: Event[] = [];
  const checkableBbo = new Set<number>();
  const px = (s: string): number => parseDecimalUnits(s, USDM_BTCUSDT.priceDecimals);
  const qty = (s: string): number => parseDecimalUnits(s, USDM_BTCUSDT.sizeDecimals);
  let synced = false;
  let lastUpdateId = -1n;
  const id = USDM_BTCUSDT.id;
  for (const line of lines) {
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    const tsLocalNs = BigInt(line.slice(0, sp));
    const msg = JSON.parse(line.slice(sp + 1));
    const push = (levelsB: [string, string][], levelsA: [string, string][], isSnapshot: boolean, updateId: bigint, tsEventNs: bigint): void => {
      const offset = used;
      for (const [p, q] of levelsB) {
        sides[used] = 0;
        prices[used] = px(p);
        sizes[used++] = qty(q);
      }
      for (const [p, q] of levelsA) {
        sides[used] = 1;
        prices[used] = px(p);
        sizes[used++] = qty(q);
      }
      events.push({ seq: events.length, kind: 'book_delta', tsEventNs, tsLocalNs, instrument: id, updateId, isSnapshot, offset, count: used - offset, sides, prices, sizes });
    };
    if (msg.lastUpdateId !== undefined) {
      lastUpdateId = BigInt(msg.lastUpdateId);
      synced = true;
      push(msg.bids, msg.asks, true, lastUpdateId, BigInt(msg.T) * 1_000_000n);
      continue;
    }
    if (!synced) continue;
    const d = msg.data;
    const tsEventNs = BigInt(d.E) * 1_000_000n;
    if (d.e === 'depthUpdate') {
      const u = BigInt(d.u);
      if (u <= lastUpdateId) continue;
      lastUpdateId = u;
      push(d.b, d.a, false, u, tsEventNs);
    } else if (d.e === 'trade') {
      events.push({ seq: events.length, kind: 'trade', tsEventNs, tsLocalNs, instrument: id, tradeId: String(d.t), priceUnits: px(d.p), qtyUnits: qty(d.q), aggressor: d.m ? 'sell' : 'buy' });
    } else if (d.e === 'bookTicker') {
      const u = BigInt(d.u);
      if (u === lastUpdateId) checkableBbo.add(events.length);
      events.push({ seq: events.length, kind: 'bbo', tsEventNs, tsLocalNs, instrument: id, updateId: u, bidPriceUnits: px(d.b), bidQtyUnits: qty(d.B), askPriceUnits: px(d.a), askQtyUnits: qty(d.A) });
    }
  }
  // The capture's local timestamps are non-decreasing per line except for rare reordering between streams; the core requires non-decreasing tsLocal.
  for (let i = 1; i < events.length; i++) {
    const prev = events[i - 1]!.tsLocalNs;
    if (events[i]!.tsLocalNs < prev) (events[i] as { tsLocalNs: bigint }).tsLocalNs = prev;
  }
  return { events, checkableBbo };
}

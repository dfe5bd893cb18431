/**
 * Builds a run's analysis columns (run-series.ts) from its recorded event stream and its
 * resolved definition, in one pass over the journal. Our quotes are the best price among our
 * live orders per side (from request_sent, order_replaced and terminal events); request
 * latency is the local time from a request_sent to the execution event answering it
 * (`requestSeq`). Mid is taken from BBO events when the run has them, else from trades.
 */
import type { Event, Instrument } from '@chassis/core';
import type { RunSeries } from './run-series.ts';

/** A growable float64 column (doubling), so the pass allocates O(log n) times, not per event. */
class F64 {
  a = new Float64Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  done(): Float64Array {
    return this.a.slice(0, this.n);
  }
}

export interface RunInfo {
  readonly runId: string;
  /** Instruments as recorded in run.json (minNotionalUnits may be a string there). */
  readonly instruments: readonly Pick<Instrument, 'id' | 'priceDecimals' | 'sizeDecimals'>[];
  readonly initialEquity: number;
  readonly riskDenials: number;
  readonly rateLimitDeferrals: number;
}

const NS_PER_MS = 1_000_000n;

export function seriesFromEvents(stream: Iterable<Event>, info: RunInfo, instrumentId?: string): RunSeries {
  const inst = instrumentId ? info.instruments.find((i) => i.id === instrumentId) : info.instruments[0];
  if (!inst) throw new Error(`run ${info.runId} has no instrument ${instrumentId ?? ''}`);
  const pScale = 10 ** -inst.priceDecimals;
  const qScale = 10 ** -inst.sizeDecimals;
  const feeScale = 10 ** -(inst.priceDecimals + inst.sizeDecimals);
  // ms since epoch as float; the integer ms part is exact, sub-ms kept to µs by the float.
  const toMs = (ns: bigint) => Number(ns / NS_PER_MS) + Number(ns % NS_PER_MS) / 1e6;
  const midT = new F64();
  const midV = new F64();
  const tradeT = new F64();
  const tradeV = new F64();
  const qT = new F64();
  const qBid = new F64();
  const qAsk = new F64();
  const fT = new F64();
  const fSide = new F64();
  const fPx = new F64();
  const fQty = new F64();
  const fFee = new F64();
  const fMaker = new F64();
  const rT = new F64();
  const rKind = new F64();
  const rLat = new F64();
  const requestIndex = new Map<number, number>(); // request seq → row in r*
  const live = new Map<number, { side: 1 | -1; price: number }>(); // our working orders
  const orderSide = new Map<number, 1 | -1>();
  const filledOrders = new Set<number>();
  let firstMs = NaN;
  let lastMs = NaN;
  let events = 0;
  let lastBid = NaN;
  let lastAsk = NaN;
  const requote = (t: number) => {
    let bid = NaN;
    let ask = NaN;
    for (const o of live.values()) {
      if (o.side === 1) bid = Number.isNaN(bid) || o.price > bid ? o.price : bid;
      else ask = Number.isNaN(ask) || o.price < ask ? o.price : ask;
    }
    if (Object.is(bid, lastBid) && Object.is(ask, lastAsk)) return;
    lastBid = bid;
    lastAsk = ask;
    qT.push(t);
    qBid.push(bid);
    qAsk.push(ask);
  };
  const answered = (e: { requestSeq: number }, t: number) => {
    const row = requestIndex.get(e.requestSeq);
    if (row === undefined) return;
    rLat.a[row] = t - rT.a[row]!;
    requestIndex.delete(e.requestSeq);
  };
  {
    for (const e of stream) {
      events++;
      const t = toMs(e.tsLocalNs);
      if (Number.isNaN(firstMs)) firstMs = t;
      lastMs = t;
      switch (e.kind) {
        case 'bbo':
          if (e.instrument === inst.id && e.bidQtyUnits > 0 && e.askQtyUnits > 0) {
            midT.push(t);
            midV.push(((e.bidPriceUnits + e.askPriceUnits) / 2) * pScale);
          }
          break;
        case 'trade':
          if (e.instrument === inst.id) {
            tradeT.push(t);
            tradeV.push(e.priceUnits * pScale);
          }
          break;
        case 'request_sent': {
          if (e.instrument !== inst.id) break;
          const kind = e.request === 'new' ? 0 : e.request === 'replace' ? 1 : 2;
          requestIndex.set(e.seq, rT.n);
          rT.push(t);
          rKind.push(kind);
          rLat.push(NaN);
          if (e.request === 'new') {
            const side = e.side === 'buy' ? 1 : -1;
            orderSide.set(e.orderId, side);
            if (e.orderType === 'limit') {
              live.set(e.orderId, { side, price: e.priceUnits * pScale });
              requote(t);
            }
          }
          break;
        }
        case 'order_accepted':
        case 'cancel_replace_rejected':
          answered(e, t);
          break;
        case 'order_replaced': {
          answered(e, t);
          const o = live.get(e.orderId);
          if (o) {
            o.price = e.priceUnits * pScale;
            requote(t);
          }
          break;
        }
        case 'order_filled': {
          answered(e, t);
          const side = orderSide.get(e.orderId);
          if (side === undefined) break;
          filledOrders.add(e.orderId);
          fT.push(t);
          fSide.push(side);
          fPx.push(e.priceUnits * pScale);
          fQty.push(e.qtyUnits * qScale);
          fFee.push(Number(e.feeUnits) * feeScale);
          fMaker.push(e.liquidity === 'maker' ? 1 : 0);
          if (e.final && live.delete(e.orderId)) requote(t);
          break;
        }
        case 'order_cancelled':
        case 'order_rejected':
        case 'order_expired':
          if ('requestSeq' in e) answered(e, t);
          if (live.delete(e.orderId)) requote(t);
          break;
        default:
          break;
      }
    }
  }
  const useTrades = midT.n === 0;
  return {
    runId: info.runId,
    instrument: inst.id,
    startMs: Number.isNaN(firstMs) ? 0 : firstMs,
    endMs: Number.isNaN(lastMs) ? 0 : lastMs,
    initialEquity: info.initialEquity,
    fills: {
      tsMs: fT.done(),
      side: Int8Array.from(fSide.done()),
      price: fPx.done(),
      qty: fQty.done(),
      fee: fFee.done(),
      maker: Uint8Array.from(fMaker.done()),
    },
    mid: { tsMs: useTrades ? tradeT.done() : midT.done(), mid: useTrades ? tradeV.done() : midV.done() },
    quotes: { tsMs: qT.done(), bid: qBid.done(), ask: qAsk.done() },
    requests: { tsMs: rT.done(), kind: Uint8Array.from(rKind.done()), latencyMs: rLat.done() },
    counters: { riskDenials: info.riskDenials, rateLimitDeferrals: info.rateLimitDeferrals, ordersFilled: filledOrders.size, events },
  };
}

/**
 * Builds a run's analysis columns (run-series.ts) from its recorded event stream and its
 * resolved definition, in one pass over the journal, for every instrument of the run at once
 * (one column set per instrument, dispatched on the event's instrument id). Our quotes are the best price among our
 * live orders per side (from request_sent, order_replaced and terminal events); request
 * latency is the local time from a request_sent to the execution event answering it
 * (`requestSeq`). Mid is taken from BBO events when the run has them, else from trades.
 */
// @ts-nocheck

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

/** Column builders and order state of one instrument during the pass. */
class InstrumentColumns {
  readonly pScale: number;
  readonly qScale: number;
  readonly feeScale: number;
  readonly midT = new F64();
  readonly midV = new F64();
  readonly tradeT = new F64();
  readonly tradeV = new F64();
  readonly qT = new F64();
  readonly qBid = new F64();
  readonly qAsk = new F64();
  readonly fT = new F64();
  readonly fSide = new F64();
  readonly fPx = new F64();
  readonly fQty = new F64();
  readonly fFee = new F64();
  readonly fMaker = new F64();
  readonly rT = new F64();
  readonly rKind = new F64();
  readonly rLat = new F64();
  readonly requestIndex = new Map<number, number>(); // request seq → row in r*
  readonly live = new Map<number, { side: 1 | -1; price: number }>(); // our working orders
  readonly orderSide = new Map<number, 1 | -1>();
  readonly filledOrders = new Set<number>();
  lastBid = NaN;
  lastAsk = NaN;

  constructor(readonly inst: Pick<Instrument, 'id' | 'priceDecimals' | 'sizeDecimals'>) {
    this.pScale = 10 ** -inst.priceDecimals;
    this.qScale = 10 ** -inst.sizeDecimals;
    this.feeScale = 10 ** -(inst.priceDecimals + inst.sizeDecimals);
  }

  requote(t: number): void {
    let bid = NaN;
    let ask = NaN;
    for (const o of this.live.values()) {
      if (o.side === 1) bid = Number.isNaN(bid) || o.price > bid ? o.price : bid;
      else ask = Number.isNaN(ask) || o.price < ask ? o.price : ask;
    }
    if (Object.is(bid, this.lastBid) && Object.is(ask, this.lastAsk)) return;
    this.lastBid = bid;
    this.lastAsk = ask;
    this.qT.push(t);
    this.qBid.push(bid);
    this.qAsk.push(ask);
  }

  answered(requestSeq: number, t: number): void {
    const row = this.requestIndex.get(requestSeq);
    if (row === undefined) return;
    this.rLat.a[row] = t - this.rT.a[row]!;
    this.requestIndex.delete(requestSeq);
  }

  series(info: RunInfo, startMs: number, endMs: number, events: number): RunSeries {
    const useTrades = this.midT.n === 0;
    return {
      runId: info.runId,
      instrument: this.inst.id,
      startMs,
      endMs,
      initialEquity: info.initialEquity,
      fills: {
        tsMs: this.fT.done(),
        side: Int8Array.from(this.fSide.done()),
        price: this.fPx.done(),
        qty: this.fQty.done(),
        fee: this.fFee.done(),
        maker: Uint8Array.from(this.fMaker.done()),
      },
      mid: { tsMs: useTrades ? this.tradeT.done() : this.midT.done(), mid: useTrades ? this.tradeV.done() : this.midV.done() },
      quotes: { tsMs: this.qT.done(), bid: this.qBid.done(), ask: this.qAsk.done() },
      requests: { tsMs: this.rT.done(), kind: Uint8Array.from(this.rKind.done()), latencyMs: this.rLat.done() },
      counters: { riskDenials: info.riskDenials, rateLimitDeferrals: info.rateLimitDeferrals, ordersFilled: this.filledOrders.size, events },
    };
  }
}

// ms since epoch as float; the integer ms part is exact, sub-ms kept to µs by the float.
const toMs = (ns: bigint) => Number(ns / NS_PER_MS) + Number(ns % NS_PER_MS) / 1e6;

/**
 * One column set per instrument of the run (in run.json order), from one pass. Run-level
 * figures (risk denials, rate-limit deferrals, event count, start/end, initial equity) are the
 * run's, repeated in each; everything else is that instrument's alone.
 */
export function seriesByInstrument(stream: Iterable<Event>, info: RunInfo): RunSeries[] {
  if (info.instruments.length === 0) throw new Error(`run ${info.runId} has no instruments`);
  const cols = info.instruments.map((i) => new InstrumentColumns(i));
  const byId = new Map(cols.map((c) => [c.inst.id, c]));
  let firstNs: bigint | undefined;
  let lastNs: bigint | undefined;
  let events = 0;
  // Execution events carry no instrument: they reach their instrument through the order
  // (created by our request_sent) or the request they answer.
  const byOrder = new Map<number, InstrumentColumns>();
  const byRequest = new Map<number, InstrumentColumns>();
  for (const e of stream) {
    events++;
    firstNs ??= e.tsLocalNs;
    lastNs = e.tsLocalNs;
    switch (e.kind) {
      case 'bbo': {
        const c = byId.get(e.instrument);
        if (c && e.bidQtyUnits > 0 && e.askQtyUnits > 0) {
          c.midT.push(toMs(e.tsLocalNs));
          c.midV.push(((e.bidPriceUnits + e.askPriceUnits) / 2) * c.pScale);
        }
        break;
      }
      case 'trade': {
        const c = byId.get(e.instrument);
        if (!c) break;
        c.tradeT.push(toMs(e.tsLocalNs));
        c.tradeV.push(e.priceUnits * c.pScale);
        break;
      }
      case 'request_sent': {
        const c = byId.get(e.instrument);
        if (!c) break;
        const t = toMs(e.tsLocalNs);
        const kind = e.request === 'new' ? 0 : e.request === 'replace' ? 1 : 2;
        c.requestIndex.set(e.seq, c.rT.n);
        byRequest.set(e.seq, c);
        c.rT.push(t);
        c.rKind.push(kind);
        c.rLat.push(NaN);
        if (e.request === 'new') {
          const side = e.side === 'buy' ? 1 : -1;
          c.orderSide.set(e.orderId, side);
          byOrder.set(e.orderId, c);
          if (e.orderType === 'limit') {
            c.live.set(e.orderId, { side, price: e.priceUnits * c.pScale });
            c.requote(t);
          }
        }
        break;
      }
      case 'order_accepted':
      case 'cancel_replace_rejected': {
        const c = byRequest.get(e.requestSeq);
        if (c) {
          c.answered(e.requestSeq, toMs(e.tsLocalNs));
          byRequest.delete(e.requestSeq);
        }
        break;
      }
      case 'order_replaced': {
        const c = byOrder.get(e.orderId);
        if (!c) break;
        const t = toMs(e.tsLocalNs);
        c.answered(e.requestSeq, t);
        byRequest.delete(e.requestSeq);
        const o = c.live.get(e.orderId);
        if (o) {
          o.price = e.priceUnits * c.pScale;
          c.requote(t);
        }
        break;
      }
      case 'order_filled': {
        const c = byOrder.get(e.orderId);
        if (!c) break;
        const t = toMs(e.tsLocalNs);
        c.answered(e.requestSeq, t);
        byRequest.delete(e.requestSeq);
        const side = c.orderSide.get(e.orderId)!;
        c.filledOrders.add(e.orderId);
        c.fT.push(t);
        c.fSide.push(side);
        c.fPx.push(e.priceUnits * c.pScale);
        c.fQty.push(e.qtyUnits * c.qScale);
        c.fFee.push(Number(e.feeUnits) * c.feeScale);
        c.fMaker.push(e.liquidity === 'maker' ? 1 : 0);
        if (e.final && c.live.delete(e.orderId)) c.requote(t);
        break;
      }
      case 'order_cancelled':
      case 'order_rejected':
      case 'order_expired': {
        const c = byOrder.get(e.orderId);
        if (!c) break;
        const t = toMs(e.tsLocalNs);
        if ('requestSeq' in e) {
          c.answered(e.requestSeq, t);
          byRequest.delete(e.requestSeq);
        }
        if (c.live.delete(e.orderId)) c.requote(t);
        break;
      }
      default:
        break;
    }
  }
  const startMs = firstNs === undefined ? 0 : toMs(firstNs);
  const endMs = lastNs === undefined ? 0 : toMs(lastNs);
  return cols.map((c) => c.series(info, startMs, endMs, events));
}

/** The columns of one instrument (default: the run's first). */
export function seriesFromEvents(stream: Iterable<Event>, info: RunInfo, instrumentId?: string): RunSeries {
  const all = seriesByInstrument(stream, info);
  const s = instrumentId ? all.find((x) => x.instrument === instrumentId) : all[0];
  if (!s) throw new Error(`run ${info.runId} has no instrument ${instrumentId ?? ''}`);
  return s;
}

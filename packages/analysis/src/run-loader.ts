/**
 * Builds a run's analysis columns (run-series.ts) from its recorded event stream and its
 * resolved definition, in one pass over the journal, for every instrument of the run at once
 * (one column set per instrument, dispatched on the event's instrument id). Our quotes are the best price among our
 * live orders per side (from request_sent, order_replaced and terminal events); request
 * latency is the local time from a request_sent to the execution event answering it
 * (`requestSeq`). Mid is taken from BBO events when the run has them, else from trades, unless
 * the mid path is given whole (`mids`: from the run's datasets, run-market-data.ts).
 */
import { contractTerms, type Event, type Instrument } from '@chassis/core';
import type { MidColumns, RunSeries, SeriesContract } from './run-series.ts';

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
  readonly instruments: readonly SeriesInstrument[];
  readonly initialEquity: number;
  readonly riskDenials: number;
  readonly rateLimitDeferrals: number;
}

const NS_PER_MS = 1_000_000n;

/** The instrument fields the loader reads (run.json holds the full Instrument). */
export type SeriesInstrument = Pick<Instrument, 'id' | 'priceDecimals' | 'sizeDecimals' | 'contractType' | 'multiplier' | 'baseCurrency' | 'quoteCurrency' | 'settlementDecimals'>;

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

  readonly contract: SeriesContract;

  constructor(readonly inst: SeriesInstrument) {
    this.pScale = 10 ** -inst.priceDecimals;
    this.qScale = 10 ** -inst.sizeDecimals;
    const terms = contractTerms(inst as Instrument);
    this.feeScale = 10 ** -terms.settlementDecimals;
    this.contract = { contractType: inst.contractType, multiplier: inst.multiplier, currency: terms.settlementCurrency };
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

  series(info: RunInfo, { startMs, endMs, events }: RunSpan, givenMid: MidColumns | undefined): RunSeries {
    const useTrades = this.midT.n === 0;
    const mid = givenMid ?? { tsMs: useTrades ? this.tradeT.done() : this.midT.done(), mid: useTrades ? this.tradeV.done() : this.midV.done() };
    return {
      runId: info.runId,
      instrument: this.inst.id,
      contract: this.contract,
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
      mid,
      quotes: { tsMs: this.qT.done(), bid: this.qBid.done(), ask: this.qAsk.done() },
      requests: { tsMs: this.rT.done(), kind: Uint8Array.from(this.rKind.done()), latencyMs: this.rLat.done() },
      counters: { riskDenials: info.riskDenials, rateLimitDeferrals: info.rateLimitDeferrals, ordersFilled: this.filledOrders.size, events },
    };
  }
}

// ms since epoch as float; the integer ms part is exact, sub-ms kept to µs by the float.
const toMs = (ns: bigint) => Number(ns / NS_PER_MS) + Number(ns % NS_PER_MS) / 1e6;

/** The run's span and event count, shared by every instrument's columns. */
export interface RunSpan {
  readonly startMs: number;
  readonly endMs: number;
  readonly events: number;
}

/**
 * The pass over a run's events, fed either with Event objects (`event`) or, by a reader that
 * decodes market records without building objects (journal-scan.ts), with their numbers
 * (`bbo`, `trade`) and the run's own events (`own`). Times are tsLocal in float ms (toMs).
 */
export class RunColumnsBuilder {
  private readonly cols: InstrumentColumns[];
  private readonly byId: Map<string, InstrumentColumns>;
  // Execution events carry no instrument: they reach their instrument through the order
  // (created by our request_sent) or the request they answer.
  private readonly byOrder = new Map<number, InstrumentColumns>();
  private readonly byRequest = new Map<number, InstrumentColumns>();
  /** Mid columns given whole (from the run's datasets) instead of from the events. */
  private readonly givenMids = new Map<string, MidColumns>();

  constructor(private readonly info: RunInfo) {
    if (info.instruments.length === 0) throw new Error(`run ${info.runId} has no instruments`);
    this.cols = info.instruments.map((i) => new InstrumentColumns(i));
    this.byId = new Map(this.cols.map((c) => [c.inst.id, c]));
  }

  /** One event of the stream, whatever its kind. */
  event(e: Event): void {
    switch (e.kind) {
      case 'bbo':
        this.bbo(e.instrument, toMs(e.tsLocalNs), e.bidPriceUnits, e.bidQtyUnits, e.askPriceUnits, e.askQtyUnits);
        break;
      case 'trade':
        this.trade(e.instrument, toMs(e.tsLocalNs), e.priceUnits);
        break;
      case 'book_delta':
        break;
      default:
        this.own(e, toMs(e.tsLocalNs));
    }
  }

  bbo(instrument: string, tMs: number, bidPriceUnits: number, bidQtyUnits: number, askPriceUnits: number, askQtyUnits: number): void {
    const c = this.byId.get(instrument);
    if (c && bidQtyUnits > 0 && askQtyUnits > 0) {
      c.midT.push(tMs);
      c.midV.push(((bidPriceUnits + askPriceUnits) / 2) * c.pScale);
    }
  }

  trade(instrument: string, tMs: number, priceUnits: number): void {
    const c = this.byId.get(instrument);
    if (!c) return;
    c.tradeT.push(tMs);
    c.tradeV.push(priceUnits * c.pScale);
  }

  /** The mid path of `instrument` as read elsewhere (run-market-data.ts); replaces what the events gave. */
  mids(instrument: string, mid: MidColumns): void {
    this.givenMids.set(instrument, mid);
  }

  /** A non-market event (requests, venue answers, control): quotes, fills, request latency. */
  own(e: Event, t: number): void {
    switch (e.kind) {
      case 'request_sent': {
        const c = this.byId.get(e.instrument);
        if (!c) break;
        const kind = e.request === 'new' ? 0 : e.request === 'replace' ? 1 : 2;
        c.requestIndex.set(e.seq, c.rT.n);
        this.byRequest.set(e.seq, c);
        c.rT.push(t);
        c.rKind.push(kind);
        c.rLat.push(NaN);
        if (e.request === 'new') {
          const side = e.side === 'buy' ? 1 : -1;
          c.orderSide.set(e.orderId, side);
          this.byOrder.set(e.orderId, c);
          if (e.orderType === 'limit') {
            c.live.set(e.orderId, { side, price: e.priceUnits * c.pScale });
            c.requote(t);
          }
        }
        break;
      }
      case 'order_accepted':
      case 'cancel_replace_rejected': {
        const c = this.byRequest.get(e.requestSeq);
        if (c) {
          c.answered(e.requestSeq, t);
          this.byRequest.delete(e.requestSeq);
        }
        break;
      }
      case 'order_replaced': {
        const c = this.byOrder.get(e.orderId);
        if (!c) break;
        c.answered(e.requestSeq, t);
        this.byRequest.delete(e.requestSeq);
        const o = c.live.get(e.orderId);
        if (o) {
          o.price = e.priceUnits * c.pScale;
          c.requote(t);
        }
        break;
      }
      case 'order_filled': {
        const c = this.byOrder.get(e.orderId);
        if (!c) break;
        c.answered(e.requestSeq, t);
        this.byRequest.delete(e.requestSeq);
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
        const c = this.byOrder.get(e.orderId);
        if (!c) break;
        if ('requestSeq' in e) {
          c.answered(e.requestSeq, t);
          this.byRequest.delete(e.requestSeq);
        }
        if (c.live.delete(e.orderId)) c.requote(t);
        break;
      }
      default:
        break;
    }
  }

  /**
   * One column set per instrument (run.json order). Run-level figures (risk denials, rate-limit
   * deferrals, event count, start/end, initial equity) are the run's, repeated in each.
   */
  finish(span: RunSpan): RunSeries[] {
    return this.cols.map((c) => c.series(this.info, span, this.givenMids.get(c.inst.id)));
  }
}

/**
 * One column set per instrument of the run (in run.json order), from one pass. Run-level
 * figures (risk denials, rate-limit deferrals, event count, start/end, initial equity) are the
 * run's, repeated in each; everything else is that instrument's alone.
 */
export function seriesByInstrument(stream: Iterable<Event>, info: RunInfo): RunSeries[] {
  const builder = new RunColumnsBuilder(info);
  let firstNs: bigint | undefined;
  let lastNs: bigint | undefined;
  let events = 0;
  for (const e of stream) {
    events++;
    firstNs ??= e.tsLocalNs;
    lastNs = e.tsLocalNs;
    builder.event(e);
  }
  return builder.finish({ startMs: firstNs === undefined ? 0 : toMs(firstNs), endMs: lastNs === undefined ? 0 : toMs(lastNs), events });
}

/** The columns of one instrument (default: the run's first). */
export function seriesFromEvents(stream: Iterable<Event>, info: RunInfo, instrumentId?: string): RunSeries {
  const all = seriesByInstrument(stream, info);
  const s = instrumentId ? all.find((x) => x.instrument === instrumentId) : all[0];
  if (!s) throw new Error(`run ${info.runId} has no instrument ${instrumentId ?? ''}`);
  return s;
}

/**
 * The matching engine behind the emulator's order endpoints: the project's simulated venue
 * (`createSimulatedVenue`, the same queue and fee models as the backtest) fed, in real time, with
 * the market data the venue server replays — the capture's REST snapshot, then every depth diff
 * and trade as it is published. Zero entry and response latency: the emulator is the exchange,
 * a request is matched when its HTTP request is read, and a market event when it is served.
 *
 * Depth diffs are applied as book_delta rows (Binance sizes are absolute per level); `@trade`
 * prints advance queues and fill resting orders (`m: true` = the buyer was the maker, so the
 * aggressor sold). bookTicker is not applied: the depth stream is the book.
 */
import type { RequestSentEvent, TradeEvent, BookDeltaEvent } from '@chassis/core';
import {
  conservativeQueue,
  constantLatency,
  createSimulatedVenue,
  type SimulatedVenue,
  type VenueAnswer,
} from '@chassis/venues';
import type { TimelineEntry } from '../venue-server/capture-timeline.ts';
import { INSTRUMENT, PRICE_DECIMALS, SIZE_DECIMALS, SYMBOL } from './symbol-spec.ts';
import { parseDecimalUnits } from '@chassis/core';

/** What the emulator asks of the exchange: one request, in the core's terms (units, ids). */
export type MatchRequest = Pick<
  RequestSentEvent,
  'request' | 'orderId' | 'side' | 'orderType' | 'priceUnits' | 'qtyUnits' | 'timeInForce' | 'postOnly' | 'reduceOnly'
>;

export class ReplayedMatching {
  private readonly venue: SimulatedVenue;
  private requestSeq = 0;
  private lastNs = 0n;
  /** Last traded price of the replay (price units), NaN before the first trade. */
  lastTradePriceUnits = NaN;

  /** `onAnswer` receives answers caused by market data (fills of resting orders). */
  constructor(
    private readonly nowNs: () => bigint,
    private readonly onAnswer: (answer: VenueAnswer) => void,
  ) {
    this.venue = createSimulatedVenue({
      instruments: [INSTRUMENT],
      queueModel: conservativeQueue(),
      latency: constantLatency(0n, 0n),
      seed: 1,
      tradeThroughFill: 'traded_qty',
    });
  }

  /** Exchange time: the wall clock, never going backwards (the simulated venue requires it). */
  private exchangeNs(): bigint {
    const now = this.nowNs();
    this.lastNs = now > this.lastNs ? now : this.lastNs;
    return this.lastNs;
  }

  /** Seeds the book with a REST depth snapshot body (`{"lastUpdateId":..,"bids":..,"asks":..}`). */
  applySnapshot(text: string): void {
    const snap = JSON.parse(text) as { lastUpdateId: number; bids: [string, string][]; asks: [string, string][] };
    this.venue.onMarketEvent(
      bookDelta(BigInt(snap.lastUpdateId), true, snap.bids, snap.asks, this.exchangeNs()),
      this.lastNs,
    );
    this.drain(this.onAnswer);
  }

  /** Applies one served timeline entry of the emulated symbol (other symbols and kinds are ignored). */
  onEntry(entry: TimelineEntry): void {
    if (entry.symbol !== SYMBOL) return;
    const now = this.exchangeNs();
    if (entry.kind === 'depth') {
      const d = (JSON.parse(entry.text) as { data: { u: number; b: [string, string][]; a: [string, string][] } }).data;
      this.venue.onMarketEvent(bookDelta(BigInt(d.u), false, d.b, d.a, now), now);
    } else if (entry.kind === 'trade' && entry.topic.endsWith('@trade')) {
      const t = (JSON.parse(entry.text) as { data: { t: number; p: string; q: string; m: boolean; X?: string } }).data;
      if (t.X !== undefined && t.X !== 'MARKET') return; // insurance-fund and ADL prints are not market trades
      const trade: TradeEvent = {
        kind: 'trade',
        seq: 0,
        tsEventNs: now,
        tsLocalNs: now,
        instrument: INSTRUMENT.id,
        tradeId: String(t.t),
        priceUnits: parseDecimalUnits(t.p, PRICE_DECIMALS),
        qtyUnits: parseDecimalUnits(t.q, SIZE_DECIMALS),
        aggressor: t.m ? 'sell' : 'buy',
      };
      this.lastTradePriceUnits = trade.priceUnits;
      this.venue.onMarketEvent(trade, now);
    } else return;
    this.drain(this.onAnswer);
  }

  /** Matches one request now and returns every answer it produced, in order. */
  submit(req: MatchRequest): VenueAnswer[] {
    const now = this.exchangeNs();
    this.venue.submit({
      kind: 'request_sent',
      seq: ++this.requestSeq,
      tsEventNs: now,
      tsLocalNs: now,
      instrument: INSTRUMENT.id,
      clientTag: '',
      ...req,
    });
    while (this.venue.nextRequestArrivalNs() !== -1n) this.venue.processNextRequest();
    const answers: VenueAnswer[] = [];
    this.drain((a) => answers.push(a));
    return answers;
  }

  bestBid(): number {
    return this.venue.bestBid(INSTRUMENT.id);
  }
  bestAsk(): number {
    return this.venue.bestAsk(INSTRUMENT.id);
  }

  private drain(sink: (answer: VenueAnswer) => void): void {
    while (this.venue.nextAnswerNs() !== -1n) sink(this.venue.popAnswer());
  }
}

function bookDelta(
  updateId: bigint,
  isSnapshot: boolean,
  bids: readonly [string, string][],
  asks: readonly [string, string][],
  now: bigint,
): BookDeltaEvent {
  const count = bids.length + asks.length;
  const sides = new Uint8Array(count);
  const prices = new Float64Array(count);
  const sizes = new Float64Array(count);
  let row = 0;
  for (const [levels, side] of [
    [bids, 0],
    [asks, 1],
  ] as const) {
    for (const [p, s] of levels) {
      sides[row] = side;
      prices[row] = parseDecimalUnits(p, PRICE_DECIMALS);
      sizes[row++] = parseDecimalUnits(s, SIZE_DECIMALS);
    }
  }
  return {
    kind: 'book_delta',
    seq: 0,
    tsEventNs: now,
    tsLocalNs: now,
    instrument: INSTRUMENT.id,
    updateId,
    isSnapshot,
    offset: 0,
    count,
    sides,
    prices,
    sizes,
  };
}

/**
 * core-step: the real Binance USD-M BTCUSDT capture (book deltas, trades, BBO) stepped through
 * createEngine with a trivial strategy triggered on every BBO (reads mid and microprice,
 * returns no intents). Reports events/s and the ratio to a plain loop over the same events in
 * the same run, the same samples in rows/s (a row = one level update, trade or BBO, as the
 * issue's anchors count), plus the cost of one stateHash() on the final state. Before timing it checks
 * that every BBO sharing `u` with the last applied diff equals the rebuilt L2 best level.
 */
import { createEngine, type Engine, type EngineConfig, type Event, type Intent, type Strategy } from '@chassis/core';
import { loadUsdmEvents, USDM_BTCUSDT } from '../binance-usdm-events.ts';
import { result, sample, type BenchResult, type BenchSection } from '../types.ts';

const NO_INTENTS: readonly Intent[] = Object.freeze([]);

class TouchMid implements Strategy {
  acc = 0;
  onEvent(view: Parameters<Strategy['onEvent']>[0]): readonly Intent[] {
    const book = view.market.book(USDM_BTCUSDT.id)!;
    this.acc += book.mid() - book.microprice();
    return NO_INTENTS;
  }
}

const config: EngineConfig = {
  instruments: [USDM_BTCUSDT],
  triggers: { kinds: ['bbo'] },
  risk: { maxOrderQtyUnits: 1000, priceBandPpm: 5000 },
  executionControl: { rateBuckets: [{ scope: 'binance-usdm', capacity: 300, refillTokens: 300, refillIntervalNs: 60_000_000_000n, weights: { new: 1, replace: 1, cancel: 1 } }] },
  maxConsecutiveStrategyFailures: 3,
  recordIntentDenials: false,
};

function verifyBook(events: readonly Event[], checkable: Set<number>): number {
  const engine = createEngine(config, new TouchMid());
  let checked = 0;
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    engine.step(ev);
    if (checkable.has(i) && ev.kind === 'bbo') {
      const b = engine.view.market.book(USDM_BTCUSDT.id)!;
      const book = [b.bidPrice(0), b.bidQty(0), b.askPrice(0), b.askQty(0)];
      const bbo = [ev.bidPriceUnits, ev.bidQtyUnits, ev.askPriceUnits, ev.askQtyUnits];
      if (book.join() !== bbo.join()) throw new Error(`core-step: rebuilt book ${book} differs from BBO ${bbo} at event ${i}`);
      checked++;
    }
  }
  if (engine.violation) throw new Error(`core-step: invariant violation ${engine.violation.message}`);
  return checked;
}

export const coreStep: BenchSection = {
  name: 'core-step',
  async run(): Promise<BenchResult[]> {
    const { events, checkableBbo } = loadUsdmEvents();
    const n = events.length;
    let rows = 0;
    for (const e of events) rows += e.kind === 'book_delta' ? e.count : 1;
    const checked = verifyBook(events, checkableBbo);
    process.stderr.write(`core-step: ${n} events, ${checked} BBOs equal the rebuilt book\n`);

    let sink = 0;
    const plain = sample(
      () => {
        // the same data, touched the way a consumer would: kind dispatch and the price columns
        for (let i = 0; i < n; i++) {
          const e = events[i]!;
          if (e.kind === 'book_delta') {
            for (let j = e.offset, end = e.offset + e.count; j < end; j++) sink += e.prices[j]! * e.sizes[j]!;
          } else if (e.kind === 'bbo') sink += e.bidPriceUnits;
          else if (e.kind === 'trade') sink += e.priceUnits;
        }
      },
      (ms) => n / (ms / 1000),
    );
    let engine: Engine | null = null;
    const stepped = sample(
      () => {
        engine = createEngine(config, new TouchMid());
        for (let i = 0; i < n; i++) engine.step(events[i]!);
      },
      (ms) => n / (ms / 1000),
    );
    const finalEngine = engine as Engine | null;
    if (!finalEngine) throw new Error('core-step: no engine');
    const hashes = sample(
      () => {
        for (let i = 0; i < 20; i++) sink += finalEngine.stateHash().length;
      },
      (ms) => (ms * 1000) / 20,
    );
    if (sink === -1) process.stderr.write('');
    const plainMedian = plain.slice().sort((a, b) => a - b)[plain.length >> 1]!;
    return [
      result('core-step-plain-loop', 'events/s', plain, null, 'plain loop over the same events (baseline)'),
      result('core-step', 'events/s', stepped, plainMedian, 'engine.step with a BBO-triggered strategy; baseline = plain loop'),
      result('core-step-rows', 'rows/s', stepped.map((eventsPerSecond) => (eventsPerSecond * rows) / n), null, `the core-step samples in rows (${rows} rows in ${n} events)`),
      result('core-step-state-hash', 'µs/call', hashes, null, 'stateHash() on the final state'),
    ];
  },
};

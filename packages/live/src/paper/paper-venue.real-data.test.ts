/**
 * The paper venue against the backtest timeline on real data: the bundled Binance USD-M BTCUSDT
 * capture (first 15,000 lines, imported through the quality gate), the example market maker,
 * the backtest's default venue models. Same oracle as paper-venue.parity.test.ts, on the
 * market as it was.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, type Event, type MarketEvent } from '@chassis/core';
import { openCatalog, openStorage, readCanonical, type CanonicalKind } from '@chassis/storage';
import { HistoricalFeeder, instrumentFromMeta, runTimeline } from '@chassis/backtesting';
import { createSimulatedVenue } from '@chassis/venues';
import marketMaker from '../../../../examples/strategies/market-maker.ts';
import { eventText } from '../../../backtesting/src/clock-scenario.ts';
import { importedDataRoot } from '../../../backtesting/src/test-data.ts';
import { ManualScheduler } from './manual-scheduler.ts';
import { DEFAULT_VENUE_MODELS } from './paper-test-config.ts';
import { engineConfig } from '../../../../test/reference/production-run.ts';
import { drivePaper } from './paper-drive.ts';
import { createPaperVenue, paperSimulation } from './paper-venue.ts';

const RECEIPT_OFFSET_NS = 10_000_000_000n;
const GRACE_NS = 5_000_000_000n;
const MODELS = DEFAULT_VENUE_MODELS;

describe('the paper venue against the backtest timeline on the Binance USD-M capture', () => {
  it('gives the market maker the same fills, prices, fees and answer times as the backtest', async () => {
    const storage = openStorage(await importedDataRoot({ lines: 15_000 }));
    const datasets = await openCatalog(storage).find({ venue: 'binance-usdm', instrument: 'BTCUSDT' });
    const instrument = instrumentFromMeta(datasets[0]!.instrument);
    const feeder = () =>
      HistoricalFeeder.open(
        (['book_delta', 'trade', 'bbo'] as CanonicalKind[]).map((kind) => ({
          instrument: instrument.id,
          batches: (async function* () {
            for (const d of datasets.filter((x) => x.kind === kind).sort((a, b) => a.segment - b.segment))
              yield* readCanonical(storage, d);
          })(),
        })),
      );
    // The reference run's configuration (test/reference): default triggers, 10 requests then 2 per 100 ms.
    const config = engineConfig(instrument, { USDT: 10n ** 16n });

    const backtest: Event[] = [];
    await runTimeline({
      engine: createEngine(config, marketMaker.create({})),
      venue: (() => {
        const v = createSimulatedVenue({ ...paperSimulation(MODELS, 7, [instrument]), instruments: [instrument] });
        v.start();
        return v;
      })(),
      feeder: await feeder(),
      sink: { append: (e) => backtest.push(e) },
      checkpointInterval: 100_000,
      sessionId: 'real',
      clock: { offsetNs: RECEIPT_OFFSET_NS, feedWindowNs: 5_000_000_000n },
      endGraceNs: GRACE_NS,
    });

    const market: MarketEvent[] = [];
    const f = await feeder();
    for (let e = f.next(); e !== null || f.needsRefill; e = f.next()) {
      if (e === null) await f.refill();
      else market.push(e);
    }
    const scheduler = new ManualScheduler(market[0]!.tsLocalNs);
    const venue = createPaperVenue({
      venue: instrument.venue,
      instruments: [instrument],
      simulation: paperSimulation(MODELS, 7, [instrument]),
      clock: scheduler,
      scheduler,
      rateBuckets: config.executionControl.rateBuckets,
      initialBalances: { USDT: '1000000' },
    });
    const paper = drivePaper({
      engine: createEngine(config, marketMaker.create({})),
      venue,
      scheduler,
      market,
      endGraceNs: GRACE_NS,
      sessionId: 'real',
    });

    const fills = (events: Event[]) => events.filter((e) => e.kind === 'order_filled');
    expect(fills(backtest).length).toBeGreaterThan(5);
    const onLocalClock = (e: Event): Event =>
      e.kind.startsWith('order_') || e.kind === 'cancel_replace_rejected'
        ? { ...e, tsEventNs: e.tsEventNs + RECEIPT_OFFSET_NS }
        : e;
    expect(fills(paper).map(eventText)).toEqual(fills(backtest).map(onLocalClock).map(eventText));
    expect(paper.length).toBe(backtest.length);
    expect(paper.map(eventText)).toEqual(backtest.map(onLocalClock).map(eventText));
  }, 180_000);
});

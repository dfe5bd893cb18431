/**
 * Stale-feed drill, end to end in real time: a quoter keeps one bid under the last trade on the
 * paper venue from a live Binance USD-M feed (venue server); the feed goes silent (the venue stops
 * publishing), the market input reports it degraded, the core stops quoting (risk denies new
 * and replace intents with `feed_degraded`); data resumes, the book is in sync again, the input
 * reports it restored and quoting resumes. The core is driven directly by a minimal session loop
 * (the session runtime is another part): wall-clock stamps, paper answers on timers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  createEngine,
  type Event,
  type EventDraft,
  type Intent,
  type IntentDeniedEvent,
  type RequestSentEvent,
  type Strategy,
} from '@chassis/core';
import { MonotonicCaptureClock } from '@chassis/recording';
import type { LiveClock, Scheduler } from '../contracts.ts';
import {
  finishLiveFeed,
  removeLiveFeedRoots,
  specInstrument,
  startLiveFeed,
  syncThenReplay,
  until,
} from '../market-input/live-feed.ts';
import { createPaperVenue, paperSimulation } from './paper-venue.ts';
import { DEFAULT_VENUE_MODELS } from './paper-test-config.ts';
import { engineConfig } from '../../../../test/reference/production-run.ts';

afterAll(removeLiveFeedRoots);

/** Real time: a timer per call, due at a wall-clock time of `clock`. */
function timerScheduler(clock: LiveClock): Scheduler {
  return {
    at(atNs, fn) {
      const t = setTimeout(fn, Math.max(0, Number(atNs - clock.nowNs()) / 1e6));
      return { cancel: () => clearTimeout(t) };
    },
  };
}

/** Keeps one bid `ticks` under the last trade, replaced whenever the trade price moves: it wants to quote on every trade. */
function tradeFollower(instrumentId: string, tickUnits: number, lotUnits: number, ticks = 20): Strategy {
  return {
    onEvent(view, event): readonly Intent[] {
      if (event.kind !== 'trade') return [];
      const target = event.priceUnits - ticks * tickUnits;
      const live = view.execution.openOrders(instrumentId).find((o) => o.clientTag === 'f');
      const queued = view.execution.pending(instrumentId).some((p) => p.clientTag === 'f');
      if (live === undefined)
        return queued
          ? []
          : [
              {
                type: 'new',
                instrument: instrumentId,
                side: 'buy',
                priceUnits: target,
                qtyUnits: lotUnits,
                clientTag: 'f',
              },
            ];
      if (live.inflight !== null || live.priceUnits === target) return [];
      return [{ type: 'replace', orderId: live.orderId, priceUnits: target, qtyUnits: lotUnits }];
    },
  };
}

const FAST = { silenceMs: 1_200, backoffBaseMs: 20, backoffMaxMs: 100, pingIntervalMs: 200 };

describe('stale feed drill (paper, binance-usdm BTCUSDT)', () => {
  it('stops quoting while the feed is degraded and resumes once it is restored', async () => {
    const instrument = specInstrument('binance-usdm', 'BTCUSDT');
    const clock = new MonotonicCaptureClock();
    // The reference run's configuration, with the intent denials recorded and room for every quote.
    const base = engineConfig(instrument, { USDT: 10n ** 14n });
    const config = {
      ...base,
      recordIntentDenials: true,
      executionControl: {
        rateBuckets: base.executionControl.rateBuckets.map((b) => ({ ...b, capacity: 1000, refillTokens: 1000 })),
      },
    };
    const engine = createEngine(config, tradeFollower(instrument.id, instrument.tickUnits, instrument.lotUnits));
    const venue = createPaperVenue({
      venue: instrument.venue,
      sessionId: 'stale-feed-drill',
      instruments: [instrument],
      simulation: paperSimulation(DEFAULT_VENUE_MODELS, 1, [instrument]),
      clock,
      scheduler: timerScheduler(clock),
      rateBuckets: config.executionControl.rateBuckets,
      initialBalances: { USDT: '1000000' },
    });

    // The session loop: seq, tsLocal never going back, step, requests to the venue.
    const stream: Event[] = [];
    let lastLocalNs = 0n;
    const append = (draft: EventDraft): void => {
      const ts = draft.tsLocalNs > lastLocalNs ? draft.tsLocalNs : lastLocalNs;
      const event = { ...draft, tsLocalNs: ts, seq: stream.length + 1 } as Event;
      stream.push(event);
      lastLocalNs = ts;
      const result = engine.step(event);
      expect(result.violation).toBeNull();
      for (const r of result.requestsSent) {
        stream.push(r);
        venue.submit(r);
      }
      for (const c of result.controlEvents) append(c);
    };
    venue.onAnswer((a) => append({ ...a, tsLocalNs: clock.nowNs() }));
    venue.start();

    const feed = await startLiveFeed({
      venue: 'binance-usdm',
      instruments: [instrument],
      overrides: FAST,
      clock,
      server: { venue: 'binance-usdm', speed: 4, maxSpanS: 120, pingIntervalMs: 100, start: 'manual' },
      session: {
        market: (e) => {
          venue.onMarket(e);
          append(e);
        },
        feedHealth: (id, state, reason) => {
          const now = clock.nowNs();
          append({ kind: 'feed_health', tsEventNs: now, tsLocalNs: now, instrument: id, state, reason });
        },
      },
    });
    await syncThenReplay(feed);
    const quotes = (from: number, to = stream.length) =>
      stream.slice(from, to).filter((e): e is RequestSentEvent => e.kind === 'request_sent' && e.request !== 'cancel');
    await until('the quoter to quote', () => quotes(0).length >= 4);

    // The venue stops publishing: the connection stays open, the input hears nothing.
    feed.venue.pause();
    await until('the feed to be degraded', () =>
      stream.some((e) => e.kind === 'feed_health' && e.state === 'degraded'),
    );
    await new Promise((r) => setTimeout(r, 300));
    // The replacement connection's book snapshot comes late: trades flow meanwhile, the book waits.
    feed.venue.drill({ kind: 'delay-snapshot', delayMs: 1_000 });
    feed.venue.resume();
    await until('the feed to be restored', () =>
      stream.some((e) => e.kind === 'feed_health' && e.state === 'restored'),
    );
    const restoredAt = stream.findIndex((e) => e.kind === 'feed_health' && e.state === 'restored');
    await until('quoting to resume', () => quotes(restoredAt).length > 0);
    await finishLiveFeed(feed, { now: true });
    venue.stop();

    const degradedAt = stream.findIndex((e) => e.kind === 'feed_health' && e.state === 'degraded');
    expect(degradedAt).toBeGreaterThan(0);
    expect(degradedAt).toBeLessThan(restoredAt);
    expect(quotes(0, degradedAt).length).toBeGreaterThanOrEqual(4);
    // Degraded: not one new or replace request left the core.
    expect(quotes(degradedAt, restoredAt)).toEqual([]);
    const denied = stream
      .slice(degradedAt, restoredAt)
      .filter((e): e is IntentDeniedEvent => e.kind === 'intent_denied');
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.map((d) => d.reason).filter((r) => r !== 'feed_degraded')).toEqual([]);
    expect(engine.view.control.feedDegraded(instrument.id)).toBe(false);
    expect(quotes(restoredAt).length).toBeGreaterThan(0);
  }, 120_000);
});

/**
 * The market input against the venue server (real captures served in the venue's own protocol):
 * the canonical events a session receives live equal, kind by kind and in order, the events a
 * backtest feeder yields from the session's recorded raw window once the quality gate promoted
 * it (`chassis quality run`): the oracle reads the recorded files through the capture reader,
 * the gate and Parquet, and shares with the live path only the venue format's mapper.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { CanonicalKind } from '@chassis/storage';
import type { RecordChannel, VenueId } from '@chassis/venues';
import type { VenueServerOptions } from '../../../../test/venue-server/index.ts';
import {
  feederEvents,
  finishLiveFeed,
  plain,
  promoteRecordedWindow,
  removeLiveFeedRoots,
  specInstrument,
  startLiveFeed,
  syncThenReplay,
  until,
  type LiveFeed,
} from './live-feed.ts';

afterAll(removeLiveFeedRoots);

const KINDS: readonly CanonicalKind[] = ['book_delta', 'trade', 'bbo'];

interface Family {
  readonly venue: VenueId;
  readonly symbol: string;
  readonly channels: readonly RecordChannel[];
  readonly server: VenueServerOptions;
  /** The market waits (start: 'manual') until the input's book is synced, then replays: a loaded machine may otherwise see its first snapshot too late to use. */
  readonly syncFirst?: boolean;
}

const FAMILIES: readonly Family[] = [
  {
    venue: 'binance-usdm',
    symbol: 'BTCUSDT',
    channels: ['depth', 'trade', 'bbo'],
    server: { venue: 'binance-usdm', speed: 20, maxSpanS: 40, start: 'manual' },
    syncFirst: true,
  },
  { venue: 'okx', symbol: 'BTC-USDT', channels: ['depth', 'trade', 'bbo'], server: { venue: 'okx', speed: 4 } },
];

/** Live events of one kind, as plain data. */
function liveOf(feed: LiveFeed, kind: CanonicalKind): Record<string, unknown>[] {
  return feed.events.filter((e) => e.kind === kind).map(plain);
}

describe.each(FAMILIES)('the market input on $venue $symbol', (family) => {
  const instrument = specInstrument(family.venue, family.symbol);
  let feed: LiveFeed;

  it('delivers the canonical events a backtest of the recorded window sees, kind by kind, in order', async () => {
    feed = await startLiveFeed({
      venue: family.venue,
      instruments: [instrument],
      channels: family.channels,
      server: family.server,
    });
    if (family.syncFirst === true) await syncThenReplay(feed);
    await finishLiveFeed(feed);
    const datasets = await promoteRecordedWindow(feed);
    expect(datasets.map((d) => d.meta.instrument.priceDecimals)).toEqual(datasets.map(() => instrument.priceDecimals));
    expect(datasets.map((d) => d.meta.instrument.sizeDecimals)).toEqual(datasets.map(() => instrument.sizeDecimals));
    for (const kind of KINDS) {
      const oracle = (await feederEvents(feed.storage, datasets, instrument.id, kind)).map(plain);
      expect(oracle.length, `${kind} events in the promoted window`).toBeGreaterThan(10);
      expect(liveOf(feed, kind)).toEqual(oracle);
    }
  }, 120_000);

  it('promotes the recorded window: every dataset passes the gate', async () => {
    const outcomes = (await import('@chassis/storage')).openCatalog(feed.storage);
    const all = await outcomes.find({ venue: family.venue, instrument: family.symbol });
    expect(all.map((d) => d.state).filter((s) => s !== 'Promoted')).toEqual([]);
    expect(all.map((d) => d.kind).sort()).toEqual(['bbo', 'book_delta', 'trade']);
  });

  it('stamps tsLocal that never goes back and starts the book with a snapshot', () => {
    const back = feed.events.findIndex((e, i) => i > 0 && e.tsLocalNs < feed.events[i - 1]!.tsLocalNs);
    expect(back).toBe(-1);
    expect(feed.input.stats.clampedTsLocal).toBe(0);
    const firstBook = feed.events.find((e) => e.kind === 'book_delta');
    expect(firstBook?.kind === 'book_delta' && firstBook.isSnapshot).toBe(true);
    expect(feed.health).toEqual([]);
  });
});

/** Connector timings shortened so a drill resolves in a second or two (the recorder drills' values). */
const FAST = { silenceMs: 1_200, backoffBaseMs: 20, backoffMaxMs: 100, pingIntervalMs: 200 };

describe('feed health drills on binance-usdm BTCUSDT', () => {
  const instrument = specInstrument('binance-usdm', 'BTCUSDT');

  it('a dropped connection makes the feed degraded, and the resynchronised book restores it; the events still equal the recorded window', async () => {
    const feed = await startLiveFeed({
      venue: 'binance-usdm',
      instruments: [instrument],
      overrides: FAST,
      server: { venue: 'binance-usdm', speed: 8, maxSpanS: 40, pingIntervalMs: 100, start: 'manual' },
      prepare: (venue) => venue.drill({ kind: 'drop', afterMessages: 400 }, 'next'),
    });
    await syncThenReplay(feed);
    await until('the feed to be restored after the drop', () => feed.health.some((h) => h.state === 'restored'));
    await finishLiveFeed(feed, { now: true });
    expect(feed.health.map((h) => [h.instrument, h.state])).toEqual([
      [instrument.id, 'degraded'],
      [instrument.id, 'restored'],
    ]);
    const [degraded, restored] = feed.health;
    expect(degraded!.reason).toMatch(/^reconnect-scheduled on /);
    // Between the two, the book got nothing but what follows a snapshot.
    const between = feed.events
      .slice(degraded!.afterEvents, restored!.afterEvents)
      .filter((e) => e.kind === 'book_delta');
    expect(between.length).toBeGreaterThan(0);
    expect(between[0]!.kind === 'book_delta' && between[0]!.isSnapshot).toBe(true);

    const datasets = await promoteRecordedWindow(feed);
    for (const kind of KINDS)
      expect(liveOf(feed, kind)).toEqual((await feederEvents(feed.storage, datasets, instrument.id, kind)).map(plain));
  }, 120_000);

  it('a withheld book frame (sequence gap) makes the feed degraded until a new snapshot synchronises the book', async () => {
    const feed = await startLiveFeed({
      venue: 'binance-usdm',
      instruments: [instrument],
      overrides: FAST,
      server: { venue: 'binance-usdm', speed: 8, maxSpanS: 40, pingIntervalMs: 100, start: 'manual' },
      prepare: (venue) => venue.drill({ kind: 'skip-sequence', afterMessages: 60 }, 'next'),
    });
    await syncThenReplay(feed);
    await until('the feed to be restored after the gap', () => feed.health.some((h) => h.state === 'restored'));
    await finishLiveFeed(feed, { now: true });
    expect(feed.health.map((h) => h.state)).toEqual(['degraded', 'restored']);
    expect(feed.health[0]!.reason).toMatch(/gap/);
    const [degraded, restored] = feed.health;
    const between = feed.events
      .slice(degraded!.afterEvents, restored!.afterEvents)
      .filter((e) => e.kind === 'book_delta');
    expect(between[0]!.kind === 'book_delta' && between[0]!.isSnapshot).toBe(true);
  }, 120_000);
});

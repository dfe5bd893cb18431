/**
 * Test doubles for the session loop's tests (never used by the runtime): a manual clock and
 * scheduler, a scripted venue adapter and market input, a small quoting strategy module, and a
 * harness that opens a real session directory (journal, checkpoints, records) around them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BboEvent, EventDraft, MarketEvent, RateBucketConfig, RequestSentEvent } from '@chassis/core';
import type { VenueAnswer } from '@chassis/venues';
import type {
  LiveClock,
  LiveVenueAdapter,
  MarketInput,
  MarketInputSink,
  Scheduler,
  TimerHandle,
  VenueAccountState,
  VenueFill,
  VenueLinkEvent,
  VenueOrderState,
} from '../contracts.ts';
import { parseLiveConfig, type LiveConfigInput } from '../live-config.ts';
import { resolveInstruments } from './instrument-resolution.ts';
import { engineConfigOfLive } from './engine-definition.ts';
import { createSession, type OpenedSession } from './session-directory.ts';
import { LiveSession, type SessionLog } from './live-session.ts';

export const T0 = 1_764_633_600_000_000_000n;
export const BTC = 'binance-usdm:BTCUSDT';

export class ManualClock implements LiveClock {
  constructor(public ns = T0) {}
  nowNs(): bigint {
    return this.ns;
  }
}

/** Runs timers only when the test advances the clock. */
export class ManualScheduler implements Scheduler {
  private timers: { atNs: bigint; fn: () => void; live: boolean }[] = [];
  constructor(private readonly clock: ManualClock) {}
  at(atNs: bigint, fn: () => void): TimerHandle {
    const t = { atNs, fn, live: true };
    this.timers.push(t);
    return { cancel: () => (t.live = false) };
  }
  /** Moves the clock forward and fires every timer due by then, in due order. */
  advance(ns: bigint): void {
    const until = this.clock.ns + ns;
    for (;;) {
      const due = this.timers
        .filter((t) => t.live && t.atNs <= until)
        .sort((a, b) => (a.atNs < b.atNs ? -1 : a.atNs > b.atNs ? 1 : 0))[0];
      if (!due) break;
      due.live = false;
      if (due.atNs > this.clock.ns) this.clock.ns = due.atNs;
      due.fn();
    }
    this.clock.ns = until;
    this.timers = this.timers.filter((t) => t.live);
  }
  get pending(): number {
    return this.timers.filter((t) => t.live).length;
  }
}

/** A venue that records what it is sent and answers only when told to (or at once with `autoAccept`). */
export class ScriptedVenue implements LiveVenueAdapter {
  readonly venue = 'binance-usdm';
  readonly sent: RequestSentEvent[] = [];
  readonly queries: number[] = [];
  autoAccept = false;
  /** What queryOrder answers, by order id (absent = the venue does not know it). */
  readonly known = new Map<number, VenueOrderState>();
  fills: VenueFill[] = [];
  account: VenueAccountState = {
    openOrders: [],
    positions: [],
    balances: [{ asset: 'USDT', amount: '100000' }],
    asOfNs: T0,
  };
  private sink: (a: VenueAnswer) => void = () => {};
  started = 0;
  stopped = 0;

  onAnswer(sink: (a: VenueAnswer) => void): void {
    this.sink = sink;
  }
  onLink(_l: (e: VenueLinkEvent) => void): void {}
  start(): void {
    this.started++;
  }
  stop(): void {
    this.stopped++;
  }
  submit(r: RequestSentEvent): void {
    this.sent.push(r);
    if (this.autoAccept && r.request === 'new')
      this.answer({
        kind: 'order_accepted',
        tsEventNs: 1n,
        tsLocalNs: 0n,
        orderId: r.orderId,
        requestSeq: r.seq,
        venueOrderId: `v${r.orderId}`,
      });
  }
  answer(a: VenueAnswer): void {
    this.sink(a);
  }
  fetchAccountState(): Promise<VenueAccountState> {
    return Promise.resolve(this.account);
  }
  queryOrder(orderId: number): Promise<VenueOrderState | null> {
    this.queries.push(orderId);
    return Promise.resolve(this.known.get(orderId) ?? null);
  }
  recentFills(): Promise<readonly VenueFill[]> {
    return Promise.resolve(this.fills);
  }
  cancelForeign(): Promise<void> {
    return Promise.resolve();
  }
  rateBuckets(): readonly RateBucketConfig[] {
    return [];
  }
}

export class ScriptedMarket implements MarketInput {
  sink: MarketInputSink | null = null;
  stops: string[] = [];
  start(sink: MarketInputSink): void {
    this.sink = sink;
  }
  stop(reason: string): Promise<void> {
    this.stops.push(reason);
    return Promise.resolve();
  }
  bbo(tsLocalNs: bigint, bid = 6_000_000, ask = 6_000_100): void {
    const e: EventDraft<BboEvent> = {
      kind: 'bbo',
      tsEventNs: tsLocalNs - 1000n,
      tsLocalNs,
      instrument: BTC,
      updateId: 1n,
      bidPriceUnits: bid,
      bidQtyUnits: 5,
      askPriceUnits: ask,
      askQtyUnits: 5,
    };
    this.sink!.market(e as EventDraft<MarketEvent>);
  }
}

/**
 * A strategy that keeps `orders` buy orders of 1 lot resting at the bid (one new per missing
 * order on each bbo), as a JS module file.
 */
export const QUOTER_MODULE = `export default { create(p) { const n = p.orders ?? 1; return { onEvent(view, e) {
  if (e.kind !== 'bbo') return [];
  const open = view.execution.openOrders().length + view.execution.pending().length;
  const out = [];
  for (let i = open; i < n; i++) out.push({ type: 'new', instrument: e.instrument, side: 'buy', priceUnits: e.bidPriceUnits - 10 * i, qtyUnits: 1 });
  return out;
} }; } };
`;

export const silentLog: SessionLog & { lines: string[] } = {
  lines: [],
  info(_o, m) {
    this.lines.push(m);
  },
  warn(_o, m) {
    this.lines.push(m);
  },
  error(_o, m) {
    this.lines.push(m);
  },
};

export interface Harness {
  readonly dataRoot: string;
  readonly opened: OpenedSession;
  readonly session: LiveSession;
  readonly clock: ManualClock;
  readonly scheduler: ManualScheduler;
  readonly venue: ScriptedVenue;
  readonly market: ScriptedMarket;
}

/** A paper session in a fresh data root around the doubles; `overrides` are live.yaml fields. */
export async function openHarness(
  overrides: Partial<LiveConfigInput> = {},
  params: Record<string, unknown> = {},
): Promise<Harness> {
  const dataRoot = mkdtempSync(join(tmpdir(), 'live-session-'));
  writeFileSync(join(dataRoot, 'quoter.mjs'), QUOTER_MODULE);
  const config = parseLiveConfig({
    venue: 'binance-usdm',
    instruments: ['BTCUSDT'],
    strategy: { module: 'quoter.mjs', params },
    journal: { checkpointEvents: 4, fsyncWindowMs: 0 },
    reconciliation: { intervalMs: 0, unknownOrders: 'cancel' },
    ...overrides,
  });
  const clock = new ManualClock();
  const scheduler = new ManualScheduler(clock);
  const engineConfig = engineConfigOfLive(
    config,
    resolveInstruments(config, () => undefined),
    'v0',
  );
  const opened = await createSession({
    dataRoot,
    sessionId: 's1',
    mode: 'paper',
    config,
    configDir: dataRoot,
    engineConfig,
    codeVersion: 'test',
    createdAt: '2026-12-02T00:00:00Z',
  });
  const venue = new ScriptedVenue();
  const market = new ScriptedMarket();
  const session = new LiveSession({
    ...opened,
    mode: 'paper',
    adapter: venue,
    marketInput: market,
    clock,
    scheduler,
    log: silentLog,
  });
  return { dataRoot, opened, session, clock, scheduler, venue, market };
}

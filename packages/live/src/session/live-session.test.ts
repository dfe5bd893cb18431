import { statSync, truncateSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalJson, readJournal } from '@chassis/backtesting';
import type { Event, RequestSentEvent } from '@chassis/core';
import { sessionPaths } from '../records/session-paths.ts';
import { readCheckpoints } from '../records/checkpoint-log.ts';
import { readOrderRecords } from '../records/execution-records.ts';
import { recoverSession } from './session-directory.ts';
import { LiveSession } from './live-session.ts';
import {
  BTC,
  ManualClock,
  ManualScheduler,
  openHarness,
  ScriptedMarket,
  ScriptedVenue,
  silentLog,
  T0,
  type Harness,
} from './session-test-doubles.ts';

const MS = 1_000_000n;
const journalOf = (h: Harness): Event[] => [...readJournal(sessionPaths(h.opened.dir).journal)];
const kinds = (h: Harness) => journalOf(h).map((e) => e.kind);

async function started(...args: Parameters<typeof openHarness>): Promise<Harness> {
  const h = await openHarness(...args);
  await h.session.start();
  return h;
}

describe('the live session loop', () => {
  it('starts with the session start event and a reconciliation with the venue, then opens the market input', async () => {
    const h = await started();
    expect(kinds(h)).toEqual(['session', 'reconciliation']);
    expect(h.market.sink).not.toBeNull();
    expect(h.venue.started).toBe(1);
    expect(h.session.status()).toMatchObject({ state: 'running', reconciliation: 'matched', lastSeq: 2 });
  });

  it('writes each event to the journal before the core processes it', async () => {
    const h = await openHarness();
    const seen: number[] = [];
    // The strategy runs inside engine.step: at that moment the triggering event must already be in the file.
    const step = h.opened.engine.step.bind(h.opened.engine);
    (h.opened.engine as { step: typeof step }).step = (e) => {
      seen.push(journalOf(h).at(-1)!.seq - e.seq);
      return step(e);
    };
    await h.session.start();
    h.market.bbo(T0 + 5n);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((d) => d === 0)).toBe(true);
  });

  it("appends the step's RequestSent with the core's seqs right after the event and hands each to the venue in order", async () => {
    const h = await started({}, { orders: 2 });
    h.market.bbo(T0 + 5n);
    const j = journalOf(h);
    expect(j.map((e) => e.kind)).toEqual(['session', 'reconciliation', 'bbo', 'request_sent', 'request_sent']);
    expect(j.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(h.venue.sent.map((r) => r.seq)).toEqual([4, 5]);
    expect(h.venue.sent.map((r) => r.priceUnits)).toEqual([6_000_000, 5_999_990]);
  });

  it('processes an answer the venue gives during submit only after the step that sent the request', async () => {
    const h = await started();
    h.venue.autoAccept = true;
    h.market.bbo(T0 + 5n);
    expect(kinds(h).slice(2)).toEqual(['bbo', 'request_sent', 'order_accepted']);
    expect(h.opened.engine.view.execution.openOrders()[0]!.status).toBe('accepted');
  });

  it('stamps tsLocal with the wall clock and never lets it go backwards', async () => {
    const h = await started();
    h.clock.ns = T0 + 1000n;
    h.market.bbo(T0 + 500n); // stamped by the market input earlier than the last event
    h.session.feedHealth(BTC, 'degraded', 'gap');
    const j = journalOf(h);
    const ts = j.map((e) => e.tsLocalNs);
    expect(ts.every((t, i) => i === 0 || t >= ts[i - 1]!)).toBe(true);
    expect(j.at(-1)).toMatchObject({ kind: 'feed_health', instrument: BTC, state: 'degraded', tsLocalNs: T0 + 1000n });
  });

  it('turns feed health from the market input into feed_health events the core acts on', async () => {
    const h = await started();
    h.session.feedHealth(BTC, 'degraded', 'sequence gap');
    expect(h.opened.engine.view.control.feedDegraded(BTC)).toBe(true);
    h.market.bbo(T0 + 5n);
    expect(h.venue.sent).toHaveLength(0); // no new quotes on a degraded feed
    h.session.feedHealth(BTC, 'restored', 'resynced');
    h.market.bbo(T0 + 6n);
    expect(h.venue.sent).toHaveLength(1);
    expect(h.session.status().feeds[BTC]).toBe('healthy');
  });

  it('realises a rate-limit obligation as a Control-Time Event when its timer fires, and the deferred work leaves then', async () => {
    // One token, one more every 100 ms: the second order waits for the refill.
    const h = await started(
      {
        executionControl: {
          rateBucket: {
            capacity: 1,
            refillTokens: 1,
            refillIntervalMs: 100,
            weights: { new: 1, replace: 1, cancel: 1 },
          },
        },
      },
      { orders: 2 },
    );
    h.market.bbo(T0 + 5n);
    expect(h.venue.sent).toHaveLength(1);
    h.scheduler.advance(50n * MS);
    expect(kinds(h)).not.toContain('control_time');
    h.scheduler.advance(60n * MS);
    const cte = journalOf(h).find((e) => e.kind === 'control_time')!;
    expect(cte).toMatchObject({
      kind: 'control_time',
      reason: 'rate_limit',
      scope: 'binance-usdm',
      dueTsLocalNs: T0 + 5n + 100n * MS,
    });
    expect(cte.tsLocalNs).toBeGreaterThanOrEqual(T0 + 5n + 100n * MS);
    expect(h.venue.sent).toHaveLength(2);
  });

  it('does not realise an obligation whose work disappeared', async () => {
    const h = await started(
      {
        executionControl: {
          rateBucket: {
            capacity: 1,
            refillTokens: 1,
            refillIntervalMs: 100,
            weights: { new: 1, replace: 1, cancel: 1 },
          },
        },
      },
      { orders: 2 },
    );
    h.market.bbo(T0 + 5n);
    h.session.feedHealth(BTC, 'degraded', 'gap'); // the queued new is no longer valid: dropped
    h.scheduler.advance(200n * MS);
    expect(kinds(h)).not.toContain('control_time');
  });

  it('queries the venue for a request without an answer and appends what the venue says, never re-sending', async () => {
    const h = await started({
      timeouts: {
        requestAnswerMs: 1000,
        queryAnswerMs: 1000,
        reconnectInitialMs: 500,
        reconnectMaxMs: 30_000,
        feedSilenceMs: 5000,
      },
    });
    h.market.bbo(T0 + 5n);
    const r = h.venue.sent[0]!;
    h.venue.known.set(r.orderId, {
      orderId: r.orderId,
      clientOrderId: `c${r.orderId}`,
      venueOrderId: 'V9',
      instrument: BTC,
      side: 'buy',
      priceUnits: r.priceUnits,
      qtyUnits: 1,
      filledQtyUnits: 0,
      status: 'open',
    });
    h.scheduler.advance(1001n * MS);
    await new Promise((res) => setImmediate(res));
    expect(h.venue.queries).toEqual([r.orderId]);
    expect(journalOf(h).at(-1)).toMatchObject({
      kind: 'order_accepted',
      orderId: r.orderId,
      requestSeq: r.seq,
      venueOrderId: 'V9',
    });
    expect(h.venue.sent).toHaveLength(1);
  });

  it('declares the order lost when the venue does not know it after the timeout (order_disposition lost)', async () => {
    const h = await started({
      timeouts: {
        requestAnswerMs: 1000,
        queryAnswerMs: 1000,
        reconnectInitialMs: 500,
        reconnectMaxMs: 30_000,
        feedSilenceMs: 5000,
      },
    });
    h.market.bbo(T0 + 5n);
    const r = h.venue.sent[0]!;
    h.scheduler.advance(1001n * MS);
    await new Promise((res) => setImmediate(res));
    expect(journalOf(h).at(-1)).toMatchObject({ kind: 'order_disposition', orderId: r.orderId, disposition: 'lost' });
    expect(h.venue.sent.filter((x) => x.orderId === r.orderId)).toHaveLength(1);
  });

  it('asks nothing when the answer arrives in time', async () => {
    const h = await started({
      timeouts: {
        requestAnswerMs: 1000,
        queryAnswerMs: 1000,
        reconnectInitialMs: 500,
        reconnectMaxMs: 30_000,
        feedSilenceMs: 5000,
      },
    });
    h.venue.autoAccept = true;
    h.market.bbo(T0 + 5n);
    h.scheduler.advance(5000n * MS);
    await new Promise((res) => setImmediate(res));
    expect(h.venue.queries).toEqual([]);
  });

  it('pause, resume, kill and flatten are control events, each durable when the call resolves', async () => {
    const h = await started();
    await h.session.pause('operator');
    expect(h.session.status()).toMatchObject({ state: 'paused', strategyPaused: true });
    h.market.bbo(T0 + 5n);
    expect(h.venue.sent).toHaveLength(0);
    await h.session.resume('operator');
    await h.session.flatten('operator');
    await h.session.kill('operator');
    const tail = journalOf(h).filter((e) => ['strategy_paused', 'flatten', 'kill_switch'].includes(e.kind));
    expect(tail.map((e) => e.kind)).toEqual(['strategy_paused', 'strategy_paused', 'flatten', 'kill_switch']);
    expect(h.session.status()).toMatchObject({ state: 'killed', killSwitch: true });
  });

  it('the kill switch cancels every open order it sent, and no new order leaves after it', async () => {
    const h = await started({}, { orders: 2 });
    h.venue.autoAccept = true;
    h.market.bbo(T0 + 5n);
    await h.session.kill('drill');
    const killSeq = journalOf(h).find((e) => e.kind === 'kill_switch')!.seq;
    expect(h.venue.sent.filter((r) => r.seq > killSeq).map((r) => r.request)).toEqual(['cancel', 'cancel']);
    // A fill frees a slot: the strategy wants a new order, and risk denies it.
    const first = h.venue.sent[0]!;
    h.venue.answer({
      kind: 'order_filled',
      tsEventNs: 1n,
      tsLocalNs: 0n,
      orderId: first.orderId,
      requestSeq: -1,
      fillId: 'F1',
      priceUnits: first.priceUnits,
      qtyUnits: 1,
      liquidity: 'maker',
      feeUnits: 12n,
      final: true,
    });
    h.market.bbo(T0 + 6n);
    expect(journalOf(h).filter((e) => e.seq > killSeq && e.kind === 'intent_denied')).not.toHaveLength(0);
    expect(h.venue.sent.filter((r) => r.seq > killSeq && r.request !== 'cancel')).toEqual([]);
  });

  it('a configuration version change is validated, stored under config/ and appended as config_version', async () => {
    const h = await started();
    await expect(
      h.session.setConfig(
        'venue: binance-usdm\ninstruments: [BTCUSDT]\nstrategy: { module: q.mjs }\nrisk: { bogus: 1 }\n',
      ),
    ).rejects.toThrow(/risk: unknown field "bogus"/);
    const { version } = await h.session.setConfig(
      'venue: binance-usdm\ninstruments: [BTCUSDT]\nstrategy: { module: q.mjs }\nrisk: { maxOpenOrders: 2 }\n',
    );
    expect(journalOf(h).at(-1)).toMatchObject({ kind: 'config_version', version });
    expect(h.session.status().configVersion).toBe(version);
  });

  it('writes a checkpoint every N events with the state hash at that step', async () => {
    const h = await started();
    for (let i = 0; i < 6; i++) h.market.bbo(T0 + 10n + BigInt(i));
    const cps = readCheckpoints(sessionPaths(h.opened.dir).checkpoints);
    expect(cps.length).toBeGreaterThanOrEqual(2);
    expect(cps.every((c, i) => i === 0 || c.seq > cps[i - 1]!.seq)).toBe(true);
  });

  it('stops gracefully: market input stopped, session end appended, journal closed; recovery replays to the same state', async () => {
    const h = await started({}, { orders: 2 });
    h.venue.autoAccept = true;
    h.market.bbo(T0 + 5n);
    h.venue.answer({
      kind: 'order_filled',
      tsEventNs: 1n,
      tsLocalNs: 0n,
      orderId: h.venue.sent[0]!.orderId,
      requestSeq: -1,
      fillId: 'F1',
      priceUnits: 6_000_000,
      qtyUnits: 1,
      liquidity: 'maker',
      feeUnits: 12n,
      final: true,
    });
    await h.session.stop('SIGTERM');
    const hash = h.opened.engine.stateHash();
    expect(h.market.stops).toEqual(['SIGTERM']);
    expect(journalOf(h).at(-1)).toMatchObject({ kind: 'session', state: 'end' });
    expect(h.session.status().state).toBe('stopped');
    const again = await recoverSession(h.dataRoot, 's1', [h.dataRoot]);
    expect(again.recovery).toMatchObject({ stateHash: hash, lastSeq: h.session.lastSeq, cut: null, inflight: [] });
    expect(again.recovery!.checkpoint!.seq).toBe(h.session.lastSeq);
    expect(readOrderRecords(h.opened.dir).filter((o) => o.event === 'order_filled')).toHaveLength(1);
  });

  it('a recovered session hands back the requests still in flight', async () => {
    const h = await started({}, { orders: 2 });
    h.market.bbo(T0 + 5n);
    const sent = h.venue.sent.map((r: RequestSentEvent) => r.seq);
    h.opened.journal.sync();
    const again = await recoverSession(h.dataRoot, 's1', [h.dataRoot]);
    expect(again.recovery!.inflight.map((r) => r.seq)).toEqual(sent);
  });
});

describe("a SIGKILL between a step's event block and its request_sent block", () => {
  it('recovers the state after the step, then journals and submits its unsent requests once, with their seqs, before anything else', async () => {
    const h = await started({}, { orders: 2 });
    // Where each block ends in journal.bin, to cut the file right after the bbo's block.
    const ends = new Map<number, number>();
    const append = h.opened.journal.append.bind(h.opened.journal);
    (h.opened.journal as { append: typeof append }).append = (events) => {
      append(events);
      ends.set(events[0]!.seq, statSync(h.opened.journal.path).size);
    };
    h.market.bbo(T0 + 5n);
    const sent = h.venue.sent.map((r) => canonicalJson(r));
    const hash = h.opened.engine.stateHash();
    expect(kinds(h).slice(2)).toEqual(['bbo', 'request_sent', 'request_sent']);
    h.opened.journal.close();
    truncateSync(h.opened.journal.path, ends.get(3));

    const again = await recoverSession(h.dataRoot, 's1', [h.dataRoot]);
    const r = again.recovery!;
    expect(r).toMatchObject({ lastSeq: 3, stateHash: hash, inflight: [] });
    expect(r.unsent.map((u) => canonicalJson(u))).toEqual(sent);

    const clock = new ManualClock(T0 + 10n * MS);
    const scheduler = new ManualScheduler(clock);
    const venue = new ScriptedVenue();
    const market = new ScriptedMarket();
    const parts = { adapter: venue, marketInput: market, clock, scheduler, log: silentLog };
    const resumed = new LiveSession({ ...again, mode: 'paper', ...parts });
    await resumed.start({
      unsent: r.unsent,
      controlDrafts: r.controlDrafts,
      inflight: r.inflight,
      obligations: r.obligations,
      venueLostOrders: true,
    });
    const j = journalOf(h);
    expect(j.map((e) => e.seq)).toEqual(j.map((_, i) => i + 1));
    expect(j.slice(3, 5).map((e) => canonicalJson(e))).toEqual(sent);
    expect(j.slice(5, 7).map((e) => e.kind)).toEqual(['session', 'reconciliation']);
    expect(venue.sent.map((s) => canonicalJson(s))).toEqual(sent);
    // At this process's venue: not declared lost, and their answers are awaited.
    expect(j.some((e) => e.kind === 'order_disposition' || e.kind === 'order_cancelled')).toBe(false);
    // The step's checkpoint (every 4 events) comes once its requests are out, with the step's state hash.
    expect(readCheckpoints(sessionPaths(h.opened.dir).checkpoints).find((c) => c.seq === 5)?.stateHash).toBe(hash);
    const [first, second] = venue.sent;
    venue.answer({
      kind: 'order_accepted',
      tsEventNs: 1n,
      tsLocalNs: 0n,
      orderId: first!.orderId,
      requestSeq: first!.seq,
      venueOrderId: 'v1',
    });
    scheduler.advance(60_000n * MS);
    expect(venue.queries).toEqual([second!.orderId]); // the one still without an answer

    // The resumed session continues, and its journal replays.
    market.bbo(clock.ns + 5n);
    await resumed.stop('SIGTERM');
    const hashAfter = again.engine.stateHash();
    const third = await recoverSession(h.dataRoot, 's1', [h.dataRoot]);
    expect(third.recovery).toMatchObject({ stateHash: hashAfter, unsent: [], cut: null });
    expect(venue.sent.filter((s) => s.seq === 4)).toHaveLength(1);
  });
});

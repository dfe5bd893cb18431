import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MarketEvent, TradeEvent } from '@chassis/core';
import type { TradeBatch } from '@chassis/storage';
import { HistoricalFeeder, type FeederOptions } from './feeder.ts';
import { earliest, FeedWindow } from './feed-window.ts';
import { exchangeTimeNs } from './exchange-clock.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Trades received in order at `tsLocal`, each `latency` after its exchange time; one batch per `cut` rows. */
async function feederOf(rows: readonly { tsLocal: bigint; latency: bigint }[], cut: number, options: FeederOptions = {}): Promise<HistoricalFeeder> {
  const batches: TradeBatch[] = [];
  for (let i = 0; i < rows.length; i += cut) {
    const r = rows.slice(i, i + cut);
    batches.push({
      kind: 'trade',
      length: r.length,
      tsEventNs: BigInt64Array.from(r.map((x) => x.tsLocal - x.latency)),
      tsLocalNs: BigInt64Array.from(r.map((x) => x.tsLocal)),
      tradeId: r.map((_, k) => String(i + k)),
      price: Float64Array.from(r.map(() => 1)),
      size: Float64Array.from(r.map(() => 1)),
      aggressor: new Uint8Array(r.length),
    });
  }
  return HistoricalFeeder.open([{ instrument: 'X', batches: (async function* () { yield* batches; })() }], options);
}

/**
 * Takes every event out of the window as the timeline does: the earlier side first, the exchange
 * side on ties. `take` gets the side ('x' exchange, 'l' local), the next time that side announced
 * before the take, and the event it then handed out.
 */
async function takeAll(w: FeedWindow, take: (side: 'x' | 'l', headNs: bigint, e: MarketEvent) => void): Promise<void> {
  for (;;) {
    while (!w.readThrough(-1n)) await w.refill();
    const ex = w.exchangeHeadNs();
    const loc = w.localHeadNs();
    if (ex === -1n && loc === -1n) return;
    if (ex !== -1n && (loc === -1n || ex <= loc)) take('x', ex, w.popExchange());
    else take('l', loc, w.popLocal());
  }
}

/** The trade ids each side was handed, in order. */
async function drain(w: FeedWindow): Promise<{ exchange: string[]; local: string[] }> {
  const exchange: string[] = [];
  const local: string[] = [];
  await takeAll(w, (side, _headNs, e) => void (side === 'x' ? exchange : local).push((e as TradeEvent).tradeId));
  return { exchange, local };
}

const feed = fc
  .array(fc.record({ gap: fc.bigInt({ min: 0n, max: 1000n }), latency: fc.bigInt({ min: -500n, max: 3000n }) }), { minLength: 1, maxLength: 60 })
  .map((xs) => {
    let t = 1_000_000n;
    return xs.map(({ gap, latency }) => ({ tsLocal: (t += gap), latency }));
  });

describe('the feed window', () => {
  it('reads ahead only until nothing unread can come at or before the requested time, plus the one event it peeks', async () => {
    await fc.assert(
      fc.asyncProperty(feed, fc.bigInt({ min: 1n, max: 2000n }), fc.bigInt({ min: 1_000_000n, max: 1_030_000n }), fc.integer({ min: 1, max: 7 }), async (rows, windowNs, tNs, cut) => {
        const feeder = await feederOf(rows, cut);
        const w = new FeedWindow(feeder, { offsetNs: 0n, feedWindowNs: windowNs });
        while (!w.readThrough(tNs)) await w.refill();
        const bound = earliest(tNs, w.exchangeHeadNs());
        let admitted = 0;
        while (w.localHeadNs() !== -1n) {
          w.popLocal();
          admitted++;
        }
        // Everything that could come at or before the bound is in the window...
        const firstUnread = rows[admitted];
        if (firstUnread) expect(firstUnread.tsLocal - windowNs).toBeGreaterThan(bound);
        // ...and no more than one event past what the requested time needs was read.
        const needed = rows.filter((r) => r.tsLocal - windowNs <= tNs).length;
        expect(feeder.emitted).toBeLessThanOrEqual(needed + 1);
      }),
    );
  });

  it('hands the exchange side its events by exchange time, then feed order, and the core its events in feed order', async () => {
    await fc.assert(
      fc.asyncProperty(feed, fc.bigInt({ min: 1n, max: 2000n }), fc.bigInt({ min: -1000n, max: 1000n }), async (rows, windowNs, offsetNs) => {
        const clock = { offsetNs, feedWindowNs: windowNs };
        const w = new FeedWindow(await feederOf(rows, 3), clock);
        const { exchange, local } = await drain(w);
        const x = rows.map((r) => exchangeTimeNs(r.tsLocal - r.latency, r.tsLocal, clock));
        const byExchangeTime = rows.map((_, i) => i).sort((a, b) => (x[a]! < x[b]! ? -1 : x[a]! > x[b]! ? 1 : a - b));
        expect(exchange).toEqual(byExchangeTime.map(String));
        expect(local).toEqual(rows.map((_, i) => String(i)));
        expect(w.drained).toBe(true);
      }),
    );
  });

  it("gives as each side's next time the time of the event it then hands out, as the window fills, empties and the epoch moves", async () => {
    await fc.assert(
      fc.asyncProperty(feed, fc.bigInt({ min: 1n, max: 2000n }), fc.bigInt({ min: -1000n, max: 1000n }), fc.integer({ min: 1, max: 3000 }), async (rows, windowNs, offsetNs, rebaseAtNs) => {
        const clock = { offsetNs, feedWindowNs: windowNs };
        const w = new FeedWindow(await feederOf(rows, 3, { rebaseAtNs }), clock);
        const heads: string[] = [];
        const times: string[] = [];
        await takeAll(w, (side, headNs, e) => {
          heads.push(`${side}${headNs}`);
          times.push(`${side}${side === 'x' ? w.poppedExchangeNs : e.tsLocalNs}`);
        });
        expect(heads).toEqual(times);
        expect(times.filter((t) => t.startsWith('l'))).toEqual(rows.map((r) => `l${r.tsLocal}`));
      }),
    );
  });

  it('keeps both orders when thousands of messages are in the window at once (the ring grows)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.bigInt({ min: -200n, max: 2000n }), { minLength: 2500, maxLength: 5000 }), async (latencies) => {
        const rows = latencies.map((latency, i) => ({ tsLocal: 1_000_000n + BigInt(i), latency }));
        const clock = { offsetNs: 0n, feedWindowNs: 10_000_000n };
        const w = new FeedWindow(await feederOf(rows, 700), clock);
        // The whole feed fits in one window: everything is admitted before the first pop.
        while (!w.readThrough(-1n)) await w.refill();
        const { exchange, local } = await drain(w);
        const x = rows.map((r) => exchangeTimeNs(r.tsLocal - r.latency, r.tsLocal, clock));
        expect(exchange).toEqual(rows.map((_, i) => i).sort((a, b) => (x[a]! < x[b]! ? -1 : x[a]! > x[b]! ? 1 : a - b)).map(String));
        expect(local).toEqual(rows.map((_, i) => String(i)));
      }),
      { numRuns: 5 },
    );
  });

  it('gives the venue the exchange time of each message as bigint ns, equal to the clamp formula', async () => {
    const rows = [{ tsLocal: 100n, latency: -5n }, { tsLocal: 200n, latency: 20n }, { tsLocal: 300n, latency: 5n }];
    for (const offsetNs of [0n, 3n, -4n]) {
      const clock = { offsetNs, feedWindowNs: 10n };
      const w = new FeedWindow(await feederOf(rows, 2), clock);
      const got: bigint[] = [];
      for (;;) {
        while (!w.readThrough(-1n)) await w.refill();
        if (w.exchangeHeadNs() === -1n) break;
        const head = w.exchangeHeadNs();
        const e = w.popExchange();
        expect(w.poppedExchangeNs).toBe(head);
        got.push(w.poppedExchangeNs);
        expect(w.poppedExchangeNs).toBe(exchangeTimeNs(e.tsEventNs, e.tsLocalNs, clock));
        w.popLocal();
      }
      expect(got).toHaveLength(3);
    }
  });

  it('builds one event per message and hands the same object to the venue and the core, whichever side takes it first', async () => {
    await fc.assert(
      fc.asyncProperty(feed, fc.bigInt({ min: 1n, max: 2000n }), fc.boolean(), async (rows, windowNs, localFirst) => {
        const w = new FeedWindow(await feederOf(rows, 3), { offsetNs: 0n, feedWindowNs: windowNs });
        const seen = new Map<string, object>();
        let same = 0;
        for (;;) {
          while (!w.readThrough(-1n)) await w.refill();
          const ex = w.exchangeHeadNs();
          const loc = w.localHeadNs();
          if (ex === -1n && loc === -1n) break;
          // Either order of the two sides, not only the timeline's.
          const takeLocal = loc !== -1n && (ex === -1n || localFirst);
          const e = takeLocal ? w.popLocal() : w.popExchange();
          const id = (e as { tradeId: string }).tradeId;
          const other = seen.get(id);
          if (other === undefined) seen.set(id, e);
          else if (other === e) same++;
        }
        expect(same).toBe(rows.length);
      }),
    );
  });

  it('reads exactly as far as a plain model of the bound says, as the timeline takes events and asks for later times', async () => {
    // The model: before each read, the bound is min(t, the exchange time of every admitted event the venue has not taken, the
    // tsLocal of the next event for the core); the next unread row is read while its tsLocal − window ≤ the bound, which then
    // falls to that row's exchange time if it is earlier.
    await fc.assert(
      fc.asyncProperty(feed, fc.bigInt({ min: 1n, max: 2000n }), fc.bigInt({ min: -1000n, max: 1000n }), fc.array(fc.bigInt({ min: 0n, max: 3000n }), { minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 60 }), async (rows, windowNs, offsetNs, steps, cut) => {
        const clock = { offsetNs, feedWindowNs: windowNs };
        const feeder = await feederOf(rows, cut);
        const w = new FeedWindow(feeder, clock);
        const x = rows.map((r) => exchangeTimeNs(r.tsLocal - r.latency, r.tsLocal, clock));
        const exchangeTaken = rows.map(() => false);
        let read = 0;
        let localTaken = 0;
        /** Reads through tNs on the model and the window; expects the same number of rows read. */
        const readThrough = async (tNs: bigint): Promise<void> => {
          let bound = tNs;
          for (let i = 0; i < read; i++) if (!exchangeTaken[i] && x[i]! < bound) bound = x[i]!;
          if (localTaken < read && rows[localTaken]!.tsLocal < bound) bound = rows[localTaken]!.tsLocal;
          while (read < rows.length && rows[read]!.tsLocal - windowNs <= bound) {
            if (x[read]! < bound) bound = x[read]!;
            read++;
          }
          while (!w.readThrough(tNs)) await w.refill();
          expect(feeder.emitted).toBe(read);
        };
        let tNs = rows[0]!.tsLocal - 2000n;
        for (const step of steps) {
          tNs += step;
          // The timeline takes whatever is due by then: the earlier side first, the exchange side on ties.
          for (;;) {
            await readThrough(tNs);
            const ex = w.exchangeHeadNs();
            const loc = w.localHeadNs();
            if (ex !== -1n && ex <= tNs && (loc === -1n || ex <= loc)) exchangeTaken[Number((w.popExchange() as TradeEvent).tradeId)] = true;
            else if (loc !== -1n && loc <= tNs) {
              w.popLocal();
              localTaken++;
            } else break;
          }
        }
      }),
    );
  });

  it('keeps both orders and every time through epoch moves while more messages than the ring first holds are in the window', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.bigInt({ min: 0n, max: 1500n }), { minLength: 3000, maxLength: 4000 }), fc.integer({ min: 1, max: 500 }), async (latencies, rebaseAtNs) => {
        // A 1.5 µs window over messages 2 ns apart (about 750 in the window), then 1 ns apart (about 1500): the ring fills while
        // the sides take messages (its base past 0) and grows; the epoch moves every few hundred ns.
        const rows = latencies.map((latency, i) => ({ tsLocal: 1_000_000n + BigInt(i < 1200 ? 2 * i : 1200 + i), latency }));
        const clock = { offsetNs: 0n, feedWindowNs: 1500n };
        const w = new FeedWindow(await feederOf(rows, 500, { rebaseAtNs }), clock);
        const exchange: string[] = [];
        const local: string[] = [];
        let moves = w.epochMoves;
        let epoch = w.epochNs;
        await takeAll(w, (side, headNs, e) => {
          expect(headNs).toBe(side === 'x' ? w.poppedExchangeNs : e.tsLocalNs);
          (side === 'x' ? exchange : local).push((e as TradeEvent).tradeId);
          // Every number-clock time is ns after epochNs, and the epoch moves only with epochMoves.
          const next = w.localHeadRel();
          if (next !== Infinity) expect(w.epochNs + BigInt(next)).toBe(w.localHeadNs());
          if (w.epochNs !== epoch) expect(w.epochMoves).toBeGreaterThan(moves);
          expect(w.epochMoves).toBeGreaterThanOrEqual(moves);
          moves = w.epochMoves;
          epoch = w.epochNs;
        });
        expect(moves).toBeGreaterThan(0);
        const x = rows.map((r) => exchangeTimeNs(r.tsLocal - r.latency, r.tsLocal, clock));
        expect(exchange).toEqual(rows.map((_, i) => i).sort((a, b) => (x[a]! < x[b]! ? -1 : x[a]! > x[b]! ? 1 : a - b)).map(String));
        expect(local).toEqual(rows.map((_, i) => String(i)));
      }),
      { numRuns: 5 },
    );
  });

  it('keeps no reference to a message both sides took once every earlier message was taken by both (memory: about one window), however long the feed', async () => {
    // 4,000 trades 1 µs apart with up to 3 µs of feed latency in a 5 µs window, in bursts of 37 with 20 µs between them: a few
    // messages in the window at any time, the ring's 1,024 slots reused four times, and the window emptied by the last take of
    // each burst. The model of what may still be held: a message both sides took stays reachable only while an earlier one is
    // still waiting on a side (slots are freed in feed order).
    const n = 4000;
    let seed = 7;
    let tsLocal = 1_000_000n;
    const rows = Array.from({ length: n }, (_, i) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      tsLocal += i % 37 === 0 ? 20_000n : 1000n;
      return { tsLocal, latency: BigInt(seed % 3001) };
    });
    const w = new FeedWindow(await feederOf(rows, 300), { offsetNs: 0n, feedWindowNs: 5000n });
    const refs: WeakRef<MarketEvent>[] = [];
    const taken = new Uint8Array(n);
    let bothBefore = 0; // every message below this index was taken by both sides
    let takes = 0;
    /** After a collection, the messages both sides took whose event is still reachable, below the first one a side still waits for. */
    const heldTooLong = async (): Promise<number[]> => {
      await new Promise((resolve) => setImmediate(resolve)); // WeakRef targets stay alive until the current job ends
      gc();
      const held: number[] = [];
      for (let i = 0; i < bothBefore; i++) if (refs[i]!.deref() !== undefined) held.push(i);
      return held;
    };
    /** Takes the next event as the timeline does (the earlier side, the exchange side on ties); false when none is left. The event is not kept. */
    const takeNext = (): boolean => {
      const ex = w.exchangeHeadNs();
      const loc = w.localHeadNs();
      if (ex === -1n && loc === -1n) return false;
      const side = ex !== -1n && (loc === -1n || ex <= loc) ? 2 : 1;
      const e = side === 2 ? w.popExchange() : w.popLocal();
      const id = Number((e as TradeEvent).tradeId);
      refs[id] ??= new WeakRef(e);
      taken[id]! |= side;
      while (bothBefore < n && taken[bothBefore] === 3) bothBefore++;
      return true;
    };
    for (;;) {
      while (!w.readThrough(-1n)) await w.refill();
      if (!takeNext()) break;
      if (++takes % 997 === 0) expect(await heldTooLong()).toEqual([]);
    }
    expect(bothBefore).toBe(n);
    expect(await heldTooLong()).toEqual([]);
  });

  it('counts events clamped to their receipt and to the window', async () => {
    const w = new FeedWindow(await feederOf([{ tsLocal: 100n, latency: -5n }, { tsLocal: 200n, latency: 20n }, { tsLocal: 300n, latency: 5n }], 1), { offsetNs: 0n, feedWindowNs: 10n });
    await drain(w);
    expect([w.clampedToReceipt, w.clampedToWindow]).toEqual([1, 1]);
  });

  it('puts any bigint time on the number clock as Number(time − epoch) does, before and after the epoch moves', async () => {
    const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 0n, max: 2n ** 62n }), fc.array(fc.oneof(int64, fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n })), { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 2 ** 40 }), async (epoch, times, move) => {
        const w = new FeedWindow(await feederOf([{ tsLocal: epoch, latency: 0n }], 1), { offsetNs: 0n, feedWindowNs: 10n });
        while (!w.readThrough(-1n)) await w.refill();
        for (const t of times) if (t !== -1n) expect(w.relOf(t)).toBe(Number(t - w.epochNs));
        w.rebase(move);
        for (const t of times) if (t !== -1n) expect(w.relOf(t)).toBe(Number(t - w.epochNs));
        expect(w.relOf(-1n)).toBe(Infinity);
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RateBucketConfig } from '../config.ts';
import type { RequestKind } from '../events.ts';
import { EngineState, InstrumentState, OrderRecord } from '../state/engine-state.ts';
import type { OrderStatus } from '../state/view.ts';
import { BTC, ETH_SPOT } from '../testing/fixtures.ts';
import type { PendingCommand } from './dominance.ts';
import { ExecutionControl } from './execution-control.ts';
import { RateBucket } from './rate-bucket.ts';

/**
 * ExecutionControl on a hand-built EngineState, rule by rule of SPEC.md §4 queue processing:
 * validity, inflight gate, rate limit, ordering, largest sendable prefix per scope.
 */

const SECOND = 1_000_000_000n;
const T0 = 100n * SECOND;

function bucketConfig(scope: string, capacity: number): RateBucketConfig {
  return { scope, capacity, refillTokens: 1, refillIntervalNs: SECOND, weights: { new: 1, replace: 2, cancel: 3 } };
}

function stateWith(buckets: { btc?: number; eth?: number } = {}): EngineState {
  const s = new EngineState('v1');
  for (const [inst, capacity] of [
    [BTC, buckets.btc],
    [ETH_SPOT, buckets.eth],
  ] as const) {
    const is = new InstrumentState(inst);
    if (capacity !== undefined) {
      is.bucket = new RateBucket(bucketConfig(inst.venue, capacity));
      s.buckets.set(inst.venue, is.bucket);
    }
    s.instruments.set(inst.id, is);
  }
  return s;
}

function cmd(orderId: number, request: RequestKind, admission: number, instrument = BTC.id): PendingCommand {
  return {
    orderId,
    request,
    instrument,
    side: 'buy',
    orderType: 'limit',
    priceUnits: 600_000,
    qtyUnits: 1,
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: false,
    clientTag: `${request}${orderId}`,
    admission,
    origin: 'strategy',
  };
}

/** An order the venue knows (sent before), with no request outstanding unless `inflight`. */
function liveOrder(
  s: EngineState,
  orderId: number,
  status: OrderStatus = 'accepted',
  inflight: RequestKind | null = null,
  instrument = BTC.id,
): OrderRecord {
  const o = new OrderRecord(orderId, instrument, 'buy', 'limit', 600_000, 1, 'GTC', false, false, '', 0);
  o.status = status;
  o.inflight = inflight;
  s.orders.set(orderId, o);
  return o;
}

function queue(s: EngineState, ...cmds: PendingCommand[]): void {
  for (const c of cmds) s.queue.set(c.orderId, c);
}

const tags = (ec: ExecutionControl): string[] => ec.selected.map((c) => c.clientTag);

describe('admission', () => {
  it('counts each dominance outcome under its own counter and marks the queue for a pass', () => {
    const s = stateWith();
    const ec = new ExecutionControl(s);
    liveOrder(s, 2);
    expect(ec.admit(cmd(1, 'new', 0))).toBe('entered');
    expect(s.queueDirty).toBe(true);
    expect(ec.admit(cmd(1, 'new', 0))).toBe('new_replaced_by_new');
    expect(ec.admit(cmd(1, 'replace', 0))).toBe('new_amended_by_replace');
    expect(ec.admit(cmd(2, 'cancel', 1))).toBe('entered');
    expect(ec.admit(cmd(2, 'replace', 1))).toBe('incoming_discarded');
    expect(ec.admit(cmd(1, 'cancel', 0))).toBe('new_and_cancel_annihilated');
    expect(s.queue.has(1)).toBe(false);
    expect(s.queue.get(2)?.request).toBe('cancel');
    const c = s.counters;
    expect([c.admitted, c.superseded, c.discarded, c.annihilated]).toEqual([2, 2, 1, 1]);
  });

  it('the kill switch withdraws queued news and replaces, counting each, and keeps queued cancels', () => {
    const s = stateWith();
    const ec = new ExecutionControl(s);
    liveOrder(s, 2);
    liveOrder(s, 3);
    queue(s, cmd(1, 'new', 0), cmd(2, 'replace', 1), cmd(3, 'cancel', 2));
    ec.withdrawNonCancels();
    expect([...s.queue.keys()]).toEqual([3]);
    expect(s.counters.droppedInvalid).toBe(2);
  });
});

describe('queue pass: validity', () => {
  it('sends news only while the kill switch is off and the instrument feed is healthy', () => {
    for (const [kill, degraded, sent] of [
      [false, false, true],
      [true, false, false],
      [false, true, false],
    ] as const) {
      const s = stateWith();
      s.killSwitch = kill;
      s.instruments.get(BTC.id)!.feedDegraded = degraded;
      const ec = new ExecutionControl(s);
      queue(s, cmd(1, 'new', 0));
      ec.pass(T0);
      expect(tags(ec)).toEqual(sent ? ['new1'] : []);
      expect(s.queue.size).toBe(0);
      expect(s.counters.droppedInvalid).toBe(sent ? 0 : 1);
    }
  });

  it('sends replaces of live orders only while the kill switch is off and the feed is healthy', () => {
    for (const [kill, degraded, sent] of [
      [false, false, true],
      [true, false, false],
      [false, true, false],
    ] as const) {
      const s = stateWith();
      s.killSwitch = kill;
      s.instruments.get(BTC.id)!.feedDegraded = degraded;
      liveOrder(s, 1);
      const ec = new ExecutionControl(s);
      queue(s, cmd(1, 'replace', 0));
      ec.pass(T0);
      expect(tags(ec)).toEqual(sent ? ['replace1'] : []);
    }
  });

  it('sends cancels of live orders even under the kill switch and with a degraded feed', () => {
    const s = stateWith();
    s.killSwitch = true;
    s.instruments.get(BTC.id)!.feedDegraded = true;
    liveOrder(s, 1, 'partially_filled');
    const ec = new ExecutionControl(s);
    queue(s, cmd(1, 'cancel', 0));
    ec.pass(T0);
    expect(tags(ec)).toEqual(['cancel1']);
  });

  it('drops replaces and cancels of terminal or unknown orders, and sends them for every live status', () => {
    for (const status of ['submitted', 'accepted', 'partially_filled', 'filled', 'cancelled', 'rejected'] as const) {
      const s = stateWith();
      liveOrder(s, 1, status);
      liveOrder(s, 2, status);
      const ec = new ExecutionControl(s);
      queue(s, cmd(1, 'replace', 0), cmd(2, 'cancel', 1), cmd(3, 'cancel', 2));
      ec.pass(T0);
      const live = status === 'submitted' || status === 'accepted' || status === 'partially_filled';
      expect(tags(ec), status).toEqual(live ? ['cancel2', 'replace1'] : []);
      expect(s.counters.droppedInvalid, status).toBe(live ? 1 : 3);
    }
  });
});

describe('queue pass: inflight gate', () => {
  it('holds a key with an outstanding request in the queue and sends the others', () => {
    const s = stateWith();
    liveOrder(s, 1, 'accepted', 'replace');
    liveOrder(s, 2, 'accepted', null);
    const ec = new ExecutionControl(s);
    queue(s, cmd(1, 'cancel', 0), cmd(2, 'cancel', 1));
    ec.pass(T0);
    expect(tags(ec)).toEqual(['cancel2']);
    expect([...s.queue.keys()]).toEqual([1]);
    expect(s.counters.droppedInvalid).toBe(0);
  });
});

describe('queue pass: ordering and rate limit', () => {
  it('sends cancels, then replaces, then news, each in admission order, when nothing limits', () => {
    const s = stateWith();
    for (const id of [2, 4, 5, 6]) liveOrder(s, id);
    const ec = new ExecutionControl(s);
    queue(
      s,
      cmd(1, 'new', 0),
      cmd(2, 'replace', 1),
      cmd(3, 'new', 2),
      cmd(6, 'cancel', 5),
      cmd(4, 'cancel', 3),
      cmd(5, 'replace', 4),
    );
    ec.pass(T0);
    expect(tags(ec)).toEqual(['cancel4', 'cancel6', 'replace2', 'replace5', 'new1', 'new3']);
    expect(s.queue.size).toBe(0);
    expect(ec.blocked).toEqual([]);
    expect(s.wakeNs).toBe(-1n);
    expect(s.counters.rateLimitedPasses).toBe(0);
    expect(s.queueDirty).toBe(false);
  });

  it('stops a venue at the first command its bucket cannot pay, even if a later one would fit', () => {
    const s = stateWith({ btc: 4 });
    liveOrder(s, 1);
    liveOrder(s, 2);
    const ec = new ExecutionControl(s);
    // cancel (3) fits 4 tokens; replace (2) does not fit the remaining 1; the new (1) would, but waits behind it
    queue(s, cmd(3, 'new', 0), cmd(2, 'replace', 1), cmd(1, 'cancel', 2));
    ec.pass(T0);
    expect(tags(ec)).toEqual(['cancel1']);
    expect([...s.queue.keys()]).toEqual([3, 2]);
    // one token left, the replace costs 2: one refill interval after the bucket's anchor (T0)
    expect(ec.blocked).toEqual([{ scope: 'binance-usdm', dueTsLocalNs: T0 + SECOND }]);
    expect(s.wakeNs).toBe(T0 + SECOND);
    expect(s.counters.rateLimitedPasses).toBe(1);
  });

  it('lets another venue go on while one venue is blocked, and wakes at the earlier due time', () => {
    const s = stateWith({ btc: 1, eth: 2 });
    const ec = new ExecutionControl(s);
    queue(
      s,
      cmd(1, 'new', 0),
      cmd(2, 'new', 1),
      cmd(3, 'new', 2, ETH_SPOT.id),
      cmd(4, 'new', 3, ETH_SPOT.id),
      cmd(5, 'new', 4, ETH_SPOT.id),
    );
    s.buckets.get('binance')!.refill(T0 - SECOND / 2n); // eth's bucket anchored half a second earlier
    ec.pass(T0);
    expect(tags(ec)).toEqual(['new1', 'new3', 'new4']);
    expect(ec.blocked).toEqual([
      { scope: 'binance-usdm', dueTsLocalNs: T0 + SECOND },
      { scope: 'binance', dueTsLocalNs: T0 + SECOND / 2n },
    ]);
    expect(s.wakeNs).toBe(T0 + SECOND / 2n);
    expect(s.counters.rateLimitedPasses).toBe(1);
  });

  it('wakes at the earliest due time whichever venue was blocked first', () => {
    const s = stateWith({ btc: 1, eth: 1 });
    const ec = new ExecutionControl(s);
    queue(s, cmd(1, 'new', 0), cmd(2, 'new', 1), cmd(3, 'new', 2, ETH_SPOT.id), cmd(4, 'new', 3, ETH_SPOT.id));
    s.buckets.get('binance-usdm')!.refill(T0 - SECOND / 4n); // btc, blocked first, is due first
    ec.pass(T0);
    expect(ec.blocked.map((b) => b.dueTsLocalNs)).toEqual([T0 + (3n * SECOND) / 4n, T0 + SECOND]);
    expect(s.wakeNs).toBe(T0 + (3n * SECOND) / 4n);
  });

  it('refills the bucket to the pass time before paying, and starts each pass afresh', () => {
    const s = stateWith({ btc: 1 });
    const ec = new ExecutionControl(s);
    queue(s, cmd(1, 'new', 0), cmd(2, 'new', 1));
    ec.pass(T0);
    expect(tags(ec)).toEqual(['new1']);
    ec.pass(T0 + SECOND - 1n);
    expect(tags(ec)).toEqual([]);
    expect(ec.blocked).toHaveLength(1);
    ec.pass(T0 + SECOND);
    expect(tags(ec)).toEqual(['new2']);
    expect(ec.blocked).toEqual([]);
    expect(s.wakeNs).toBe(-1n);
    expect(s.counters.rateLimitedPasses).toBe(2);
  });
});

/**
 * Reference for one pass over eligible work (valid, not inflight): sort by (cancel < replace <
 * new, admission); walk it; per venue, pay from a plain token count; the first command a venue
 * cannot pay blocks it for the rest of the pass.
 */
function referencePass(
  cmds: PendingCommand[],
  tokens: Map<string, number>,
  weights: Record<RequestKind, number>,
): string[] {
  const rank = { cancel: 0, replace: 1, new: 2 };
  const sorted = [...cmds].sort((a, b) => rank[a.request] - rank[b.request] || a.admission - b.admission);
  const blocked = new Set<string>();
  const sent: string[] = [];
  for (const c of sorted) {
    const venue = c.instrument === BTC.id ? BTC.venue : ETH_SPOT.venue;
    const have = tokens.get(venue);
    if (have !== undefined) {
      if (blocked.has(venue)) continue;
      if (have < weights[c.request]) {
        blocked.add(venue);
        continue;
      }
      tokens.set(venue, have - weights[c.request]);
    }
    sent.push(c.clientTag);
  }
  return sent;
}

describe('queue pass against the reference', () => {
  it('selects what the reference selects for any queue over a limited and an unlimited venue', () => {
    const entry = fc.record({
      request: fc.constantFrom<RequestKind>('new', 'replace', 'cancel'),
      eth: fc.boolean(),
      inflight: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 12 }),
        fc.integer({ min: 0, max: 8 }),
        fc.boolean(),
        (entries, capacity, ethLimited) => {
          const s = stateWith(ethLimited ? { btc: capacity, eth: capacity } : { btc: capacity });
          const ec = new ExecutionControl(s);
          const eligible: PendingCommand[] = [];
          // admission numbers shuffled against map order, so the pass must sort, not trust insertion order
          entries.forEach((e, i) => {
            const orderId = i + 1;
            const c = cmd(orderId, e.request, (i * 7) % 13, e.eth ? ETH_SPOT.id : BTC.id);
            if (e.request !== 'new' || e.inflight)
              liveOrder(s, orderId, 'accepted', e.inflight ? 'cancel' : null, c.instrument);
            queue(s, c);
            if (!e.inflight) eligible.push(c);
          });
          const tokens = new Map<string, number>([[BTC.venue, capacity]]);
          if (ethLimited) tokens.set(ETH_SPOT.venue, capacity);
          ec.pass(T0);
          expect(tags(ec)).toEqual(referencePass(eligible, tokens, bucketConfig('', 0).weights));
          expect(s.queue.size).toBe(entries.length - ec.selected.length);
        },
      ),
    );
  });
});

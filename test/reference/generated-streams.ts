/**
 * fast-check arbitraries for the generated differential tests: a stream of exchange-side
 * operations (depth messages and snapshots, BBOs with fresh/stale/missing update ids, trades
 * with either aggressor, and our requests of every kind and type, some invalid) at
 * non-decreasing times, around a price that wanders so books, trades and orders keep meeting.
 */
import fc from 'fast-check';
import type { Instrument, MarketEvent, RequestSentEvent } from '@chassis/core';
import type { TapeEntry } from './production-run.ts';
import { requestSent } from './request-sent.ts';

export type Op =
  | {
      readonly op: 'depth';
      readonly dtNs: number;
      readonly snapshot: boolean;
      readonly levels: readonly [side: 0 | 1, offsetTicks: number, sizeLots: number][];
    }
  | {
      readonly op: 'bbo';
      readonly dtNs: number;
      readonly idShift: number;
      readonly bidOffset: number;
      readonly spread: number;
      readonly bidLots: number;
      readonly askLots: number;
    }
  | {
      readonly op: 'trade';
      readonly dtNs: number;
      readonly offsetTicks: number;
      readonly qtyLots: number;
      readonly aggressor: 'buy' | 'sell' | 'unknown';
    }
  | { readonly op: 'drift'; readonly ticks: number }
  | {
      readonly op: 'new';
      readonly dtNs: number;
      readonly side: 'buy' | 'sell';
      readonly type: 'limit' | 'market';
      readonly tif: 'GTC' | 'IOC' | 'FOK';
      readonly postOnly: boolean;
      readonly offsetTicks: number;
      readonly qtyLots: number;
      readonly offLot: boolean;
    }
  | { readonly op: 'cancel'; readonly dtNs: number; readonly pick: number }
  | {
      readonly op: 'replace';
      readonly dtNs: number;
      readonly pick: number;
      /** Keep the order's last requested price: a pure size change (a decrease keeps queue priority, an increase loses it). */
      readonly samePrice: boolean;
      readonly offsetTicks: number;
      readonly qtyLots: number;
    };

const dt = fc.integer({ min: 0, max: 3_000_000 });
const offset = fc.integer({ min: -6, max: 6 });
const lots = fc.integer({ min: 0, max: 8 });

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('depth' as const),
      dtNs: dt,
      snapshot: fc.integer({ min: 0, max: 7 }).map((x) => x === 0),
      levels: fc.array(fc.tuple(fc.constantFrom(0 as const, 1 as const), offset, lots), { minLength: 1, maxLength: 6 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('bbo' as const),
      dtNs: dt,
      idShift: fc.integer({ min: -2, max: 2 }),
      bidOffset: offset,
      spread: fc.integer({ min: 1, max: 3 }),
      bidLots: lots,
      askLots: lots,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('trade' as const),
      dtNs: dt,
      offsetTicks: offset,
      qtyLots: fc.integer({ min: 1, max: 6 }),
      aggressor: fc.constantFrom('buy' as const, 'sell' as const, 'unknown' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('drift' as const), ticks: fc.integer({ min: -3, max: 3 }) }) },
  // Far jumps (beyond a 2^17-unit ladder span) and back: book representations must not leak into behaviour.
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('drift' as const),
      ticks: fc.constantFrom(-30_000, 30_000, -140_000, 140_000),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('new' as const),
      dtNs: dt,
      side: fc.constantFrom('buy' as const, 'sell' as const),
      type: fc.constantFrom('limit' as const, 'limit' as const, 'limit' as const, 'market' as const),
      tif: fc.constantFrom('GTC' as const, 'GTC' as const, 'IOC' as const, 'FOK' as const),
      postOnly: fc.boolean(),
      offsetTicks: offset,
      qtyLots: fc.integer({ min: 1, max: 10 }),
      offLot: fc.integer({ min: 0, max: 14 }).map((x) => x === 0),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel' as const), dtNs: dt, pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('replace' as const),
      dtNs: dt,
      pick: fc.nat(),
      samePrice: fc.boolean(),
      offsetTicks: offset,
      qtyLots: fc.integer({ min: 0, max: 12 }),
    }),
  },
);

/** A generated instrument `sim:${symbol}`: tick and lot sizes vary so rounding to ticks and whole lots is exercised. */
export const instrumentArb = (symbol: string, contractType: 'linear' | 'spot' = 'linear'): fc.Arbitrary<Instrument> =>
  fc
    .record({
      tick: fc.constantFrom(1, 5),
      lot: fc.constantFrom(1, 10),
      maker: fc.integer({ min: -100, max: 300 }),
      taker: fc.integer({ min: 0, max: 700 }),
    })
    .map(({ tick, lot, maker, taker }) => ({
      id: `sim:${symbol}`,
      venue: 'sim',
      symbol,
      contractType,
      baseCurrency: 'BTC',
      quoteCurrency: 'USDT',
      priceDecimals: 2,
      sizeDecimals: 3,
      tickUnits: tick,
      lotUnits: lot,
      minNotionalUnits: 0n,
      multiplier: 1,
      makerFeePpm: maker,
      takerFeePpm: taker,
    }));

/** An op and the index of the instrument it concerns (requests for existing orders keep their order's instrument). */
export type PlacedOp = Op & { readonly on?: number };

/**
 * Turns ops into the exchange-side tape a timeline would produce: market events at their time,
 * requests submitted at their local send time, and each request processed once its arrival
 * (send + entry, FIFO) is due, before any market event at a later time.
 */
export function tapeOf(instruments: readonly Instrument[], ops: readonly PlacedOp[], entryNs: bigint): TapeEntry[] {
  const tape: TapeEntry[] = [];
  const arrivals: bigint[] = [];
  let lastArrival = -1n;
  let now = 1_000_000_000n;
  let seq = 0;
  let nextOrderId = 1;
  const mids = instruments.map((i) => 200_000 * i.tickUnits);
  const updateIds = instruments.map(() => 100n);
  const issued: { orderId: number; side: 'buy' | 'sell'; on: number; priceUnits: number }[] = [];
  const due = (t: bigint) => {
    while (arrivals.length > 0 && arrivals[0]! <= t) tape.push({ kind: 'process', arrivalNs: arrivals.shift()! });
  };
  const market = (event: MarketEvent) => (due(now), tape.push({ kind: 'market', event, exchangeNs: now }));
  const submit = (request: RequestSentEvent) => {
    due(now);
    tape.push({ kind: 'submit', request });
    let arrival = now + entryNs;
    if (arrival < lastArrival) arrival = lastArrival;
    lastArrival = arrival;
    arrivals.push(arrival);
  };
  for (const o of ops) {
    let on = (o.on ?? 0) % instruments.length;
    if (o.op === 'cancel' || o.op === 'replace') {
      if (issued.length === 0) continue;
      on = issued[o.pick % issued.length]!.on;
    }
    const inst = instruments[on]!;
    const px = (ticks: number) => mids[on]! + ticks * inst.tickUnits;
    const head = () => ({ seq: ++seq, tsEventNs: now, tsLocalNs: now, instrument: inst.id });
    const request = (
      kind: 'new' | 'cancel' | 'replace',
      orderId: number,
      side: 'buy' | 'sell',
      rest: Partial<RequestSentEvent>,
    ): RequestSentEvent => requestSent({ ...head(), request: kind, orderId, side, ...rest });
    if (o.op === 'drift') {
      let mid = Math.max(20 * inst.tickUnits, px(o.ticks));
      if (mid > 400_000 * inst.tickUnits) mid -= 300_000 * inst.tickUnits;
      mids[on] = mid;
      continue;
    }
    now += BigInt(o.dtNs);
    switch (o.op) {
      case 'depth': {
        const updateId = (updateIds[on] = updateIds[on]! + 1n);
        const rows = o.levels.map(
          ([side, off, l]) => [side, px(side === 0 ? -Math.abs(off) : Math.abs(off) + 1), l * inst.lotUnits] as const,
        );
        market({
          ...head(),
          kind: 'book_delta',
          updateId,
          isSnapshot: o.snapshot,
          offset: 0,
          count: rows.length,
          sides: rows.map((r) => r[0]),
          prices: rows.map((r) => r[1]),
          sizes: rows.map((r) => r[2]),
        });
        break;
      }
      case 'bbo':
        market({
          ...head(),
          kind: 'bbo',
          updateId: o.idShift === -2 ? -1n : updateIds[on]! + BigInt(o.idShift),
          bidPriceUnits: px(o.bidOffset),
          bidQtyUnits: o.bidLots * inst.lotUnits,
          askPriceUnits: px(o.bidOffset + o.spread),
          askQtyUnits: o.askLots * inst.lotUnits,
        });
        break;
      case 'trade':
        market({
          ...head(),
          kind: 'trade',
          tradeId: `t${seq}`,
          priceUnits: px(o.offsetTicks),
          qtyUnits: o.qtyLots * inst.lotUnits,
          aggressor: o.aggressor,
        });
        break;
      case 'new': {
        const orderId = nextOrderId++;
        const priceUnits = o.type === 'market' ? 0 : px(o.offsetTicks);
        issued.push({ orderId, side: o.side, on, priceUnits });
        const qtyUnits = o.qtyLots * inst.lotUnits + (o.offLot ? 1 : 0);
        submit(
          request('new', orderId, o.side, {
            orderType: o.type,
            priceUnits,
            qtyUnits,
            timeInForce: o.tif,
            postOnly: o.postOnly,
          }),
        );
        break;
      }
      case 'cancel':
      case 'replace': {
        const order = issued[o.pick % issued.length]!;
        if (o.op === 'cancel') submit(request('cancel', order.orderId, order.side, {}));
        else {
          if (!o.samePrice) order.priceUnits = px(o.offsetTicks);
          submit(
            request('replace', order.orderId, order.side, {
              priceUnits: order.priceUnits,
              qtyUnits: o.qtyLots * inst.lotUnits,
            }),
          );
        }
        break;
      }
    }
  }
  for (const a of arrivals) tape.push({ kind: 'process', arrivalNs: a });
  return tape;
}

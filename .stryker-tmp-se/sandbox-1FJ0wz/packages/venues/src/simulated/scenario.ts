/**
 * Hand-built scenarios for tests of the simulated venue: a small instrument and builders for
 * requests and market events with integer units (price units of 0.1, qty units of 0.001).
 * Not part of the public API.
 */
// @ts-nocheck

import type { BboEvent, BookDeltaEvent, Instrument, OrderSide, RequestSentEvent, TimeInForce, TradeEvent, Aggressor } from '@chassis/core';

export const TEST_INSTRUMENT: Instrument = {
  id: 'sim:TESTPERP',
  venue: 'sim',
  symbol: 'TESTPERP',
  contractType: 'linear',
  baseCurrency: 'BTC',
  quoteCurrency: 'USDT',
  priceDecimals: 1,
  sizeDecimals: 3,
  tickUnits: 1,
  lotUnits: 1,
  minNotionalUnits: 0n,
  multiplier: 1,
  makerFeePpm: -100,
  takerFeePpm: 400,
};

const ID = TEST_INSTRUMENT.id;

export interface NewOrderSpec {
  seq: number;
  orderId: number;
  side: OrderSide;
  priceUnits?: number;
  qtyUnits: number;
  tsLocalNs?: bigint;
  timeInForce?: TimeInForce;
  postOnly?: boolean;
  market?: boolean;
  instrument?: string;
}

export function newOrder(spec: NewOrderSpec): RequestSentEvent {
  return {
    kind: 'request_sent',
    seq: spec.seq,
    tsEventNs: spec.tsLocalNs ?? 0n,
    tsLocalNs: spec.tsLocalNs ?? 0n,
    request: 'new',
    orderId: spec.orderId,
    instrument: spec.instrument ?? ID,
    side: spec.side,
    orderType: spec.market ? 'market' : 'limit',
    priceUnits: spec.market ? 0 : (spec.priceUnits ?? 0),
    qtyUnits: spec.qtyUnits,
    timeInForce: spec.timeInForce ?? 'GTC',
    postOnly: spec.postOnly ?? false,
    reduceOnly: false,
    clientTag: '',
  };
}

export function replaceOrder(seq: number, orderId: number, side: OrderSide, priceUnits: number, qtyUnits: number, tsLocalNs = 0n): RequestSentEvent {
  return { ...newOrder({ seq, orderId, side, priceUnits, qtyUnits, tsLocalNs }), request: 'replace' };
}

export function cancelOrder(seq: number, orderId: number, side: OrderSide, tsLocalNs = 0n): RequestSentEvent {
  return { ...newOrder({ seq, orderId, side, priceUnits: 0, qtyUnits: 0, tsLocalNs }), request: 'cancel' };
}

/** Rows as [side ('bid'|'ask'), price units, size units]. */
export type LevelRow = readonly ['bid' | 'ask', number, number];

export function bookDelta(tsNs: bigint, rows: readonly LevelRow[], isSnapshot = false, updateId = -1n): BookDeltaEvent {
  return {
    kind: 'book_delta',
    seq: 0,
    tsEventNs: tsNs,
    tsLocalNs: tsNs,
    instrument: ID,
    updateId,
    isSnapshot,
    offset: 0,
    count: rows.length,
    sides: rows.map((r) => (r[0] === 'bid' ? 0 : 1)),
    prices: rows.map((r) => r[1]),
    sizes: rows.map((r) => r[2]),
  };
}

export function snapshot(tsNs: bigint, rows: readonly LevelRow[], updateId = -1n): BookDeltaEvent {
  return bookDelta(tsNs, rows, true, updateId);
}

export function trade(tsNs: bigint, priceUnits: number, qtyUnits: number, aggressor: Aggressor): TradeEvent {
  return { kind: 'trade', seq: 0, tsEventNs: tsNs, tsLocalNs: tsNs, instrument: ID, tradeId: `t${tsNs}`, priceUnits, qtyUnits, aggressor };
}

export function bbo(tsNs: bigint, bid: number, bidQty: number, ask: number, askQty: number, updateId = -1n): BboEvent {
  return { kind: 'bbo', seq: 0, tsEventNs: tsNs, tsLocalNs: tsNs, instrument: ID, updateId, bidPriceUnits: bid, bidQtyUnits: bidQty, askPriceUnits: ask, askQtyUnits: askQty };
}

/** A two-sided book: bids 100 (10), 99 (20), 98 (30); asks 101 (5), 102 (7), 103 (9). */
export const BASIC_BOOK: readonly LevelRow[] = [
  ['bid', 100, 10],
  ['bid', 99, 20],
  ['bid', 98, 30],
  ['ask', 101, 5],
  ['ask', 102, 7],
  ['ask', 103, 9],
];

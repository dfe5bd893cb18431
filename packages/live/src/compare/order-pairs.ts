/**
 * Pairs a session's orders with a backtest's: the same intent is the same instrument, side,
 * price and quantity, requested within `windowNs` of each other. Orders are taken in request
 * order and each is paired with the earliest unpaired candidate of the other side (greedy, so
 * a strategy that repeats a quote pairs its repeats in order). Order ids are not compared: they
 * are assigned in admission order and part ways at the first different decision.
 */
import type { OrderHistory } from './execution-history.ts';

export interface OrderPair {
  readonly session: OrderHistory | null;
  readonly backtest: OrderHistory | null;
}

function intentKey(o: OrderHistory): string {
  return `${o.instrument}|${o.side}|${o.priceUnits}|${o.qtyUnits}`;
}

/** Every order of both sides exactly once, pairs first by session request time, then the backtest's unpaired ones. */
export function pairOrders(
  session: readonly OrderHistory[],
  backtest: readonly OrderHistory[],
  windowNs: bigint,
): OrderPair[] {
  const candidates = new Map<string, OrderHistory[]>();
  for (const o of [...backtest].sort((a, b) => (a.requestNs < b.requestNs ? -1 : a.requestNs > b.requestNs ? 1 : 0))) {
    const list = candidates.get(intentKey(o));
    if (list) list.push(o);
    else candidates.set(intentKey(o), [o]);
  }
  const paired = new Set<OrderHistory>();
  const pairs: OrderPair[] = [];
  for (const s of [...session].sort((a, b) => (a.requestNs < b.requestNs ? -1 : a.requestNs > b.requestNs ? 1 : 0))) {
    const list = candidates.get(intentKey(s)) ?? [];
    const match = list.find((b) => !paired.has(b) && abs(b.requestNs - s.requestNs) <= windowNs);
    if (match) paired.add(match);
    pairs.push({ session: s, backtest: match ?? null });
  }
  for (const b of backtest) if (!paired.has(b)) pairs.push({ session: null, backtest: b });
  return pairs;
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

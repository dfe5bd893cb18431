/**
 * Between the core's integer units and Binance USD-M's decimal text, both ways:
 * - a RequestSent → the parameters of POST (new), PUT (modify) or DELETE (cancel) /fapi/v1/order;
 * - REST orders, stream updates and account trades → tracker observations and VenueOrderState.
 *
 * Order types (USD-M "New Order"): limit GTC/IOC/FOK → `type=LIMIT&timeInForce=…`; post-only →
 * `timeInForce=GTX` (Good Till Crossing); market → `type=MARKET` without price; reduce-only →
 * `reduceOnly=true`. Modify (PUT) takes the order's side, quantity and price.
 *
 * Fees: the stream's `n` and the trade list's `commission` are in `N`/`commissionAsset`. In the
 * settlement asset (USDT/USDC for USD-M linear) they are converted exactly into settlement units
 * (10^-(priceDecimals + sizeDecimals)), rounded toward +∞ (contract-value.ts rule: never
 * undercharged). A taker never earns a rebate, so a taker's commission counts as paid whatever
 * its printed sign (the documented Account Trade List example prints a taker fee as
 * "-0.07819010"). A commission in another asset (BNB fee discount) cannot be valued without a
 * price: the fee is then the instrument's configured rate on the fill (contractFeeUnits).
 */
import {
  contractFeeUnits,
  contractTerms,
  formatDecimalUnits,
  parseDecimalUnits,
  type Instrument,
  type Liquidity,
  type RequestSentEvent,
} from '@chassis/core';
import type { VenueFill, VenueOrderState } from '../../contracts.ts';
import type { OrderSnapshot, TradeObservation } from './order-tracker.ts';
import type { RequestParams } from './signing.ts';
import type { OrderTradeUpdate, RestOrder, UserTrade } from './wire.ts';

/** Decimal text of integer units without trailing zeros ("60123.40" → "60123.4"): Binance refuses excess precision. */
export function wireDecimal(units: number, decimals: number): string {
  const text = formatDecimalUnits(units, decimals);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

const SIDE = { buy: 'BUY', sell: 'SELL' } as const;

export function newOrderParams(r: RequestSentEvent, inst: Instrument, clientOrderId: string): RequestParams {
  const params: [string, string][] = [
    ['symbol', inst.symbol],
    ['side', SIDE[r.side]],
  ];
  if (r.orderType === 'market') params.push(['type', 'MARKET']);
  else
    params.push(
      ['type', 'LIMIT'],
      ['timeInForce', r.postOnly ? 'GTX' : r.timeInForce],
      ['price', wireDecimal(r.priceUnits, inst.priceDecimals)],
    );
  params.push(['quantity', wireDecimal(r.qtyUnits, inst.sizeDecimals)]);
  if (r.reduceOnly) params.push(['reduceOnly', 'true']);
  params.push(['newClientOrderId', clientOrderId], ['newOrderRespType', 'RESULT']);
  return params;
}

export function modifyOrderParams(r: RequestSentEvent, inst: Instrument, clientOrderId: string): RequestParams {
  return [
    ['symbol', inst.symbol],
    ['origClientOrderId', clientOrderId],
    ['side', SIDE[r.side]],
    ['quantity', wireDecimal(r.qtyUnits, inst.sizeDecimals)],
    ['price', wireDecimal(r.priceUnits, inst.priceDecimals)],
  ];
}

export function orderRefParams(inst: Instrument, clientOrderId: string): RequestParams {
  return [
    ['symbol', inst.symbol],
    ['origClientOrderId', clientOrderId],
  ];
}

export function snapshotFromRest(o: RestOrder, inst: Instrument): OrderSnapshot {
  return {
    clientOrderId: o.clientOrderId,
    venueOrderId: o.orderId,
    status: o.status,
    priceUnits: parseDecimalUnits(o.price, inst.priceDecimals),
    qtyUnits: parseDecimalUnits(o.origQty, inst.sizeDecimals),
    executedQtyUnits: parseDecimalUnits(o.executedQty, inst.sizeDecimals),
    tsMs: o.updateTime ?? 0,
  };
}

/** USD-M expiry reasons (`er` of ORDER_TRADE_UPDATE) the core has names for. */
const EXPIRY_REASON: Readonly<Record<string, string>> = {
  '1': 'self_trade',
  '2': 'ioc',
  '3': 'self_trade',
  '9': 'ioc',
};

export function snapshotFromUpdate(u: OrderTradeUpdate, inst: Instrument): OrderSnapshot {
  const o = u.o;
  const reason =
    o.X === 'EXPIRED' || o.X === 'EXPIRED_IN_MATCH'
      ? (EXPIRY_REASON[o.er ?? ''] ??
        (o.f === 'GTX' ? 'post_only' : o.f === 'FOK' ? 'fok' : o.f === 'IOC' ? 'ioc' : undefined))
      : undefined;
  return {
    clientOrderId: o.c,
    venueOrderId: o.i,
    status: o.X,
    priceUnits: parseDecimalUnits(o.p, inst.priceDecimals),
    qtyUnits: parseDecimalUnits(o.q, inst.sizeDecimals),
    executedQtyUnits: parseDecimalUnits(o.z, inst.sizeDecimals),
    tsMs: o.T,
    ...(reason === undefined ? {} : { reason }),
  };
}

/** The fill an update carries (execution type TRADE), or null. */
export function tradeFromUpdate(u: OrderTradeUpdate, inst: Instrument): TradeObservation | null {
  const o = u.o;
  if (o.x !== 'TRADE') return null;
  const priceUnits = parseDecimalUnits(o.L, inst.priceDecimals);
  const qtyUnits = parseDecimalUnits(o.l, inst.sizeDecimals);
  const liquidity: Liquidity = o.m ? 'maker' : 'taker';
  return {
    clientOrderId: o.c,
    venueOrderId: o.i,
    tradeId: o.t,
    priceUnits,
    qtyUnits,
    liquidity,
    feeUnits: feeUnits(
      o.n ?? '0',
      o.N ?? contractTerms(inst).settlementCurrency,
      inst,
      liquidity,
      priceUnits,
      qtyUnits,
    ),
    tsMs: o.T,
    orderQtyUnits: parseDecimalUnits(o.q, inst.sizeDecimals),
  };
}

export function tradeFromUserTrade(t: UserTrade, clientOrderId: string, inst: Instrument): TradeObservation {
  const priceUnits = parseDecimalUnits(t.price, inst.priceDecimals);
  const qtyUnits = parseDecimalUnits(t.qty, inst.sizeDecimals);
  const liquidity: Liquidity = t.maker ? 'maker' : 'taker';
  return {
    clientOrderId,
    venueOrderId: t.orderId,
    tradeId: t.id,
    priceUnits,
    qtyUnits,
    liquidity,
    feeUnits: feeUnits(t.commission, t.commissionAsset, inst, liquidity, priceUnits, qtyUnits),
    tsMs: t.time,
  };
}

/** Commission text → settlement units (module comment). */
export function feeUnits(
  commission: string,
  asset: string,
  inst: Instrument,
  liquidity: Liquidity,
  priceUnits: number,
  qtyUnits: number,
): bigint {
  const terms = contractTerms(inst);
  if (asset !== terms.settlementCurrency)
    return contractFeeUnits(inst, priceUnits, qtyUnits, liquidity === 'maker' ? inst.makerFeePpm : inst.takerFeePpm);
  // The sign is dropped before rounding, so a taker fee printed negative still rounds up.
  return ceilUnits(liquidity === 'taker' ? commission.replace(/^-/, '') : commission, terms.settlementDecimals);
}

/** Exact decimal text → units of 10^-decimals, rounded toward +∞ when it has more decimals. */
export function ceilUnits(text: string, decimals: number): bigint {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (m === null) throw new RangeError(`not a decimal number: "${text}"`);
  const frac = m[3] ?? '';
  const kept = BigInt(m[2]! + frac.slice(0, decimals).padEnd(decimals, '0'));
  const dropped = /[1-9]/.test(frac.slice(decimals));
  if (m[1]) return -kept; // toward +∞: dropping digits of a negative number rounds it up already
  return dropped ? kept + 1n : kept;
}

const STATUS: Readonly<Record<string, VenueOrderState['status']>> = {
  NEW: 'open',
  PARTIALLY_FILLED: 'partially_filled',
  FILLED: 'filled',
  CANCELED: 'cancelled',
  EXPIRED: 'expired',
  EXPIRED_IN_MATCH: 'expired',
  REJECTED: 'rejected',
};

export function venueOrderState(o: RestOrder, inst: Instrument, orderId: number | null): VenueOrderState {
  const s = snapshotFromRest(o, inst);
  return {
    orderId,
    clientOrderId: o.clientOrderId,
    venueOrderId: o.orderId,
    instrument: inst.id,
    side: o.side === 'BUY' ? 'buy' : 'sell',
    priceUnits: s.priceUnits,
    qtyUnits: s.qtyUnits,
    filledQtyUnits: s.executedQtyUnits,
    status: STATUS[o.status] ?? 'unknown',
  };
}

export function venueFill(t: TradeObservation, orderId: number | null, inst: Instrument): VenueFill {
  return {
    orderId,
    clientOrderId: t.clientOrderId,
    fillId: t.tradeId,
    instrument: inst.id,
    priceUnits: t.priceUnits,
    qtyUnits: t.qtyUnits,
    liquidity: t.liquidity,
    feeUnits: t.feeUnits,
    tsEventNs: BigInt(t.tsMs) * 1_000_000n,
  };
}

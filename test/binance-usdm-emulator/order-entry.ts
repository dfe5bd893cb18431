/**
 * The exchange's order entry: checks an order request the way USDⓈ-M does (parameters, filters,
 * client order ids, reduce-only), has the replayed matching engine act on it, books the outcome
 * in the account and pushes the user-data events (ORDER_TRADE_UPDATE for every change of an
 * order, ACCOUNT_UPDATE after every fill). Returns the REST answer body or a BinanceError.
 *
 * Outcomes as Binance has them: a GTX order that would take is rejected (-5022) and a FOK order
 * that cannot fill whole is rejected (-5021), neither recorded nor streamed; an IOC remainder and
 * an unfilled MARKET remainder expire (x/X = EXPIRED); a modify is x = AMENDMENT (keeps queue
 * priority only when the quantity decreases, the simulated venue's rule and Binance's).
 */
import type { VenueAnswer } from '@chassis/venues';
import {
  ERRORS,
  illegal,
  invalidEnum,
  mandatory,
  minNotional,
  paramsBothSent,
  type BinanceError,
} from './binance-error.ts';
import { isOpen, type Account, type BinanceTimeInForce, type OrderRecord } from './account.ts';
import { accountUpdate, orderResponse, orderTradeUpdate, type ExecutionType } from './binance-shapes.ts';
import type { MatchRequest, ReplayedMatching } from './replayed-matching.ts';
import {
  INSTRUMENT,
  MAX_MARKET_QTY,
  MAX_QTY,
  MIN_NOTIONAL_USDT,
  PRICE_DECIMALS,
  SETTLEMENT_DECIMALS,
  SIZE_DECIMALS,
  SYMBOL,
  parseUnits,
} from './symbol-spec.ts';

type Params = ReadonlyMap<string, string>;
export type Outcome = { readonly ok: object } | { readonly error: BinanceError };

const CLIENT_ORDER_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const MIN_NOTIONAL_UNITS = BigInt(MIN_NOTIONAL_USDT) * 10n ** BigInt(SETTLEMENT_DECIMALS);

export interface OrderEntryDeps {
  readonly account: Account;
  readonly matching: ReplayedMatching;
  readonly push: (event: object) => void;
  readonly nowMs: () => number;
}

export class OrderEntry {
  constructor(private readonly d: OrderEntryDeps) {}

  /** Mark price for PnL: the last replayed trade, else the mid of the book (price units). */
  markPriceUnits(): number {
    const last = this.d.matching.lastTradePriceUnits;
    if (Number.isFinite(last)) return last;
    const mid = (this.d.matching.bestBid() + this.d.matching.bestAsk()) / 2;
    return Number.isFinite(mid) ? Math.round(mid / INSTRUMENT.tickUnits) * INSTRUMENT.tickUnits : NaN;
  }

  /** POST /fapi/v1/order. */
  newOrder(p: Params): Outcome {
    const checked = this.checkNew(p);
    if ('error' in checked) return checked;
    const { side, type, tif, priceUnits, qtyUnits, reduceOnly, clientOrderId } = checked;
    const now = this.d.nowMs();
    const order: OrderRecord = {
      orderId: this.d.account.newOrderId(),
      clientOrderId,
      side,
      type,
      timeInForce: tif,
      reduceOnly,
      priceUnits,
      qtyUnits,
      filledUnits: 0,
      cumQuoteUnits: 0n,
      status: 'NEW',
      timeMs: now,
      updateTimeMs: now,
    };
    const answers = this.d.matching.submit({
      request: 'new',
      orderId: order.orderId,
      side: side === 'BUY' ? 'buy' : 'sell',
      orderType: type === 'LIMIT' ? 'limit' : 'market',
      priceUnits,
      qtyUnits,
      timeInForce: tif === 'GTX' ? 'GTC' : tif,
      postOnly: tif === 'GTX',
      reduceOnly,
    });
    const refused = refusalOf(answers);
    if (refused !== null) return { error: refused };
    this.d.account.add(order);
    const ack = orderResponse(order);
    this.d.push(orderTradeUpdate(order, 'NEW', now));
    for (const a of answers) this.apply(a);
    return { ok: p.get('newOrderRespType') === 'RESULT' ? orderResponse(order) : ack };
  }

  /** PUT /fapi/v1/order (modify a LIMIT order's price and/or quantity). */
  modifyOrder(p: Params): Outcome {
    const found = this.find(p, ERRORS.noSuchOrder);
    if ('error' in found) return found;
    const order = found.order;
    if (order.type !== 'LIMIT') return { error: ERRORS.modifyNotLimit };
    const side = p.get('side');
    if (side === undefined) return { error: mandatory('side') };
    if (side !== order.side) return { error: invalidEnum(-1117, '') };
    const qty = this.checkQty(p.get('quantity'), 'LIMIT');
    if (typeof qty !== 'number') return { error: qty };
    const price = checkPrice(p.get('price'));
    if (typeof price !== 'number') return { error: price };
    if (price === order.priceUnits && qty === order.qtyUnits) return { error: ERRORS.modifyNothing };
    const answers = this.d.matching.submit({ ...this.requestOf(order, 'replace'), priceUnits: price, qtyUnits: qty });
    const refused = answers.find((a) => a.kind === 'cancel_replace_rejected');
    if (refused !== undefined)
      return {
        error:
          refused.reason === 'post_only_would_cross'
            ? ERRORS.gtxWouldTake
            : { status: 400, code: -1013, msg: `Order modify refused: ${refused.reason}.` },
      };
    for (const a of answers) this.apply(a);
    return { ok: orderResponse(order) };
  }

  /** DELETE /fapi/v1/order. */
  cancelOrder(p: Params): Outcome {
    const found = this.find(p, ERRORS.unknownOrderSent);
    if ('error' in found) return found;
    if (!isOpen(found.order)) return { error: ERRORS.unknownOrderSent };
    for (const a of this.d.matching.submit(this.requestOf(found.order, 'cancel'))) this.apply(a);
    return { ok: orderResponse(found.order) };
  }

  /** DELETE /fapi/v1/allOpenOrders. */
  cancelAll(p: Params): Outcome {
    const symbol = p.get('symbol');
    if (symbol === undefined) return { error: mandatory('symbol') };
    if (symbol !== SYMBOL) return { error: ERRORS.invalidSymbol };
    for (const order of this.d.account.openOrders())
      for (const a of this.d.matching.submit(this.requestOf(order, 'cancel'))) this.apply(a);
    return { ok: { code: 200, msg: 'The operation of cancel all open order is done.' } };
  }

  /** GET /fapi/v1/order: the order by orderId or origClientOrderId, open or not. */
  find(p: Params, unknown: BinanceError): { order: OrderRecord } | { error: BinanceError } {
    const symbol = p.get('symbol');
    if (symbol === undefined) return { error: mandatory('symbol') };
    if (symbol !== SYMBOL) return { error: ERRORS.invalidSymbol };
    const id = p.get('orderId');
    const clientId = p.get('origClientOrderId');
    if (id === undefined && clientId === undefined) return { error: paramsBothSent() };
    const order = id !== undefined ? this.d.account.orders.get(Number(id)) : this.d.account.byClientId(clientId!);
    return order === undefined ? { error: unknown } : { order };
  }

  /** Books one answer of the matching engine and streams it. Fills from market data arrive here too. */
  apply(a: VenueAnswer): void {
    if (!('orderId' in a)) return;
    const order = this.d.account.orders.get(a.orderId);
    if (order === undefined) return;
    const now = this.d.nowMs();
    let x: ExecutionType;
    if (a.kind === 'order_filled') {
      const trade = this.d.account.fill(order, a.priceUnits, a.qtyUnits, a.liquidity, a.feeUnits, now);
      this.d.push(orderTradeUpdate(order, 'TRADE', now, trade));
      this.d.push(accountUpdate(this.d.account, trade, now, this.markPriceUnits()));
      return;
    } else if (a.kind === 'order_cancelled') {
      order.status = a.reason === 'requested' ? 'CANCELED' : 'EXPIRED';
      x = order.status;
    } else if (a.kind === 'order_replaced') {
      order.priceUnits = a.priceUnits;
      order.qtyUnits = a.qtyUnits;
      x = 'AMENDMENT';
    } else return;
    order.updateTimeMs = now;
    this.d.push(orderTradeUpdate(order, x, now));
  }

  private requestOf(order: OrderRecord, request: 'cancel' | 'replace'): MatchRequest {
    return {
      request,
      orderId: order.orderId,
      side: order.side === 'BUY' ? 'buy' : 'sell',
      orderType: 'limit',
      priceUnits: request === 'cancel' ? 0 : order.priceUnits,
      qtyUnits: request === 'cancel' ? 0 : order.qtyUnits,
      timeInForce: 'GTC',
      postOnly: order.timeInForce === 'GTX',
      reduceOnly: order.reduceOnly,
    };
  }

  private checkNew(p: Params):
    | {
        side: 'BUY' | 'SELL';
        type: 'LIMIT' | 'MARKET';
        tif: BinanceTimeInForce;
        priceUnits: number;
        qtyUnits: number;
        reduceOnly: boolean;
        clientOrderId: string;
      }
    | { error: BinanceError } {
    const symbol = p.get('symbol');
    if (symbol === undefined) return { error: mandatory('symbol') };
    if (symbol !== SYMBOL) return { error: ERRORS.invalidSymbol };
    const side = p.get('side');
    if (side === undefined) return { error: mandatory('side') };
    if (side !== 'BUY' && side !== 'SELL') return { error: invalidEnum(-1117, '') };
    const type = p.get('type');
    if (type === undefined) return { error: mandatory('type') };
    if (type !== 'LIMIT' && type !== 'MARKET') return { error: invalidEnum(-1116, '') };
    const qtyUnits = this.checkQty(p.get('quantity'), type);
    if (typeof qtyUnits !== 'number') return { error: qtyUnits };
    let tif: BinanceTimeInForce = 'GTC';
    let priceUnits = 0;
    if (type === 'LIMIT') {
      const t = p.get('timeInForce');
      if (t === undefined) return { error: mandatory('timeInForce') };
      if (t !== 'GTC' && t !== 'IOC' && t !== 'FOK' && t !== 'GTX') return { error: invalidEnum(-1115, '') };
      tif = t;
      const price = checkPrice(p.get('price'));
      if (typeof price !== 'number') return { error: price };
      priceUnits = price;
    }
    const reduceText = p.get('reduceOnly') ?? 'false';
    if (reduceText !== 'true' && reduceText !== 'false') return { error: illegal('reduceOnly') };
    const reduceOnly = reduceText === 'true';
    if (reduceOnly && !this.reduces(side, qtyUnits)) return { error: ERRORS.reduceOnlyRejected };
    const notionalPrice = type === 'LIMIT' ? priceUnits : this.markPriceUnits();
    if (!reduceOnly && Number.isFinite(notionalPrice) && BigInt(notionalPrice) * BigInt(qtyUnits) < MIN_NOTIONAL_UNITS)
      return { error: minNotional(MIN_NOTIONAL_USDT) };
    const clientOrderId = p.get('newClientOrderId') ?? `emu_${this.d.account.orders.size + 1}_${this.d.nowMs()}`;
    if (!CLIENT_ORDER_ID.test(clientOrderId)) return { error: ERRORS.clientOrderIdInvalid };
    if (this.d.account.openByClientId(clientOrderId) !== undefined) return { error: ERRORS.clientOrderIdDuplicated };
    return { side, type, tif, priceUnits, qtyUnits, reduceOnly, clientOrderId };
  }

  /** A reduce-only order must reduce the position without passing through zero. */
  private reduces(side: 'BUY' | 'SELL', qtyUnits: number): boolean {
    const pos = this.d.account.positionUnits;
    return side === 'BUY' ? pos < 0 && qtyUnits <= -pos : pos > 0 && qtyUnits <= pos;
  }

  private checkQty(text: string | undefined, type: 'LIMIT' | 'MARKET'): number | BinanceError {
    if (text === undefined) return mandatory('quantity');
    const units = parseUnits(text, SIZE_DECIMALS);
    if (units === null) return ERRORS.badPrecision;
    if (units <= 0) return ERRORS.qtyNotPositive;
    if (units > (parseUnits(type === 'MARKET' ? MAX_MARKET_QTY : MAX_QTY, SIZE_DECIMALS) ?? Infinity))
      return ERRORS.qtyBelowMin;
    return units;
  }
}

function checkPrice(text: string | undefined): number | BinanceError {
  if (text === undefined) return mandatory('price');
  const units = parseUnits(text, PRICE_DECIMALS);
  if (units === null) return ERRORS.badPrecision;
  if (units <= 0) return ERRORS.priceBelowMin;
  if (units % INSTRUMENT.tickUnits !== 0) return ERRORS.priceNotOnTick;
  return units;
}

/** A new order the exchange refuses outright (not recorded, not streamed), or null. */
function refusalOf(answers: readonly VenueAnswer[]): BinanceError | null {
  const rejected = answers.find((a) => a.kind === 'order_rejected');
  if (rejected !== undefined)
    return rejected.reason === 'post_only_would_cross'
      ? ERRORS.gtxWouldTake
      : { status: 400, code: -1013, msg: `Order rejected: ${rejected.reason}.` };
  const fok =
    answers.some((a) => a.kind === 'order_cancelled' && a.reason === 'fok') &&
    !answers.some((a) => a.kind === 'order_filled');
  return fok ? ERRORS.fokWouldNotFill : null;
}

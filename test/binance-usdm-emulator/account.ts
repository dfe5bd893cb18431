/**
 * The emulated account (one-way position mode, cross margin, USDT wallet): orders as Binance
 * keeps them, the account's trades, the BTCUSDT position and the USDT wallet balance, all in
 * integer units (symbol-spec.ts). Accounting follows Binance's USDⓈ-M rules: a fill that
 * increases the position moves the average entry price; a fill that reduces it realises
 * (fill price − entry price) × closed qty (sign of the position), the closed share of the cost
 * basis rounded half away from zero; the wallet changes by realised PnL − commission; a fill
 * through zero closes the old position and opens the rest at the fill price.
 */
import type { Liquidity } from '@chassis/core';

export type BinanceSide = 'BUY' | 'SELL';
export type BinanceOrderType = 'LIMIT' | 'MARKET';
export type BinanceTimeInForce = 'GTC' | 'IOC' | 'FOK' | 'GTX';
export type BinanceOrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';

export interface OrderRecord {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly side: BinanceSide;
  readonly type: BinanceOrderType;
  readonly timeInForce: BinanceTimeInForce;
  readonly reduceOnly: boolean;
  /** Limit price (price units); 0 for MARKET. Changed by a modify. */
  priceUnits: number;
  /** Total quantity (qty units), filled part included. Changed by a modify. */
  qtyUnits: number;
  filledUnits: number;
  /** Σ price × qty of the fills (settlement units). */
  cumQuoteUnits: bigint;
  status: BinanceOrderStatus;
  readonly timeMs: number;
  updateTimeMs: number;
}

export interface TradeRecord {
  readonly id: number;
  readonly orderId: number;
  readonly side: BinanceSide;
  readonly priceUnits: number;
  readonly qtyUnits: number;
  readonly liquidity: Liquidity;
  /** Commission (settlement units, ≥ 0 at default rates). */
  readonly feeUnits: bigint;
  /** PnL this fill realised (settlement units). */
  readonly realizedUnits: bigint;
  readonly timeMs: number;
}

export class Account {
  readonly orders = new Map<number, OrderRecord>();
  /** The latest order of each client order id (ids are unique among open orders, so an open one is the latest). */
  private readonly latestByClientId = new Map<string, OrderRecord>();
  readonly trades: TradeRecord[] = [];
  /** Signed position (qty units, long > 0). */
  positionUnits = 0;
  /** Cost basis of the open position, Σ entry price × qty (settlement units, ≥ 0). */
  costUnits = 0n;
  walletUnits: bigint;
  updateTimeMs = 0;
  private nextOrderId: number;
  private nextTradeId: number;

  constructor(initialWalletUnits: bigint, firstOrderId = 8_389_765_000_000, firstTradeId = 5_266_600_000) {
    this.walletUnits = initialWalletUnits;
    this.nextOrderId = firstOrderId;
    this.nextTradeId = firstTradeId;
  }

  newOrderId(): number {
    return this.nextOrderId++;
  }

  /** Records an order the exchange accepted. */
  add(order: OrderRecord): void {
    this.orders.set(order.orderId, order);
    this.latestByClientId.set(order.clientOrderId, order);
  }

  /** The open order with this client id, if any. */
  openByClientId(clientOrderId: string): OrderRecord | undefined {
    const o = this.latestByClientId.get(clientOrderId);
    return o !== undefined && isOpen(o) ? o : undefined;
  }

  /** The latest order with this client id, open or not. */
  byClientId(clientOrderId: string): OrderRecord | undefined {
    return this.latestByClientId.get(clientOrderId);
  }

  openOrders(): OrderRecord[] {
    return [...this.orders.values()].filter(isOpen);
  }

  /** Applies one fill of `order`; returns the trade record. */
  fill(
    order: OrderRecord,
    priceUnits: number,
    qtyUnits: number,
    liquidity: Liquidity,
    feeUnits: bigint,
    timeMs: number,
  ): TradeRecord {
    order.filledUnits += qtyUnits;
    order.cumQuoteUnits += BigInt(priceUnits) * BigInt(qtyUnits);
    order.status = order.filledUnits >= order.qtyUnits ? 'FILLED' : 'PARTIALLY_FILLED';
    order.updateTimeMs = timeMs;
    const realizedUnits = this.applyToPosition(order.side === 'BUY' ? qtyUnits : -qtyUnits, priceUnits);
    this.walletUnits += realizedUnits - feeUnits;
    this.updateTimeMs = timeMs;
    const trade: TradeRecord = {
      id: this.nextTradeId++,
      orderId: order.orderId,
      side: order.side,
      priceUnits,
      qtyUnits,
      liquidity,
      feeUnits,
      realizedUnits,
      timeMs,
    };
    this.trades.push(trade);
    return trade;
  }

  /** Moves the position by a signed fill; returns the PnL it realised (settlement units). */
  private applyToPosition(signedQty: number, priceUnits: number): bigint {
    const pos = this.positionUnits;
    const price = BigInt(priceUnits);
    if (pos === 0 || Math.sign(pos) === Math.sign(signedQty)) {
      this.positionUnits = pos + signedQty;
      this.costUnits += price * BigInt(Math.abs(signedQty));
      return 0n;
    }
    const closed = Math.min(Math.abs(pos), Math.abs(signedQty));
    const basisShare = divRoundHalfAway(this.costUnits * BigInt(closed), BigInt(Math.abs(pos)));
    const exitValue = price * BigInt(closed);
    const realized = pos > 0 ? exitValue - basisShare : basisShare - exitValue;
    this.costUnits -= basisShare;
    this.positionUnits = pos + signedQty;
    const opened = Math.abs(signedQty) - closed;
    if (this.positionUnits === 0) this.costUnits = 0n;
    if (opened > 0) this.costUnits = price * BigInt(opened);
    return realized;
  }

  /** Unrealised PnL at `markPriceUnits` (settlement units). */
  unrealizedUnits(markPriceUnits: number): bigint {
    if (this.positionUnits === 0 || !Number.isFinite(markPriceUnits)) return 0n;
    const value = BigInt(markPriceUnits) * BigInt(this.positionUnits);
    return this.positionUnits > 0 ? value - this.costUnits : value + this.costUnits;
  }
}

export function isOpen(o: OrderRecord): boolean {
  return o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';
}

/** a / b rounded half away from zero (b > 0). */
export function divRoundHalfAway(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  if (2n * (r < 0n ? -r : r) >= b) return a < 0n ? q - 1n : q + 1n;
  return q;
}

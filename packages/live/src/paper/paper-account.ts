/**
 * The paper venue's own books, as a venue keeps them: our orders as it knows them (from the
 * requests it was sent and the answers it gave), its account trades, positions and wallet
 * balances. This is what `fetchAccountState`, `queryOrder` and `recentFills` answer from, so a
 * reconciliation of a paper session compares the engine with the simulated venue's own record.
 *
 * Wallet arithmetic follows the venues' published rules (@chassis/core contract-value.ts):
 * spot pays value + fee in the quote asset and receives the base asset; derivatives credit
 * realised PnL − fees in the settlement asset, with the position's basis reduced pro rata on a
 * reduction (average cost), the way the engine books it, so that the two agree to the unit.
 */
import {
  balanceDecimals,
  contractTerms,
  formatDecimalUnits,
  parseDecimalBigUnits,
  signedValueUnits,
  ChassisError,
  type Instrument,
  type RequestSentEvent,
} from '@chassis/core';
import type { VenueAnswer } from '@chassis/venues';
import type { VenueBalance, VenueFill, VenueOrderState, VenuePosition } from '../contracts.ts';

interface Holding {
  readonly instrument: Instrument;
  /** Signed position, qty units (long > 0). */
  qtyUnits: number;
  /** Signed basis of the open position, settlement units (Σ fill values, reduced pro rata). */
  costUnits: bigint;
  /** 10^(balance decimals − settlement decimals) of the settlement currency, and for spot of the base. */
  readonly settlementScale: bigint;
  readonly baseScale: bigint;
}

type MutableOrder = { -readonly [K in keyof VenueOrderState]: VenueOrderState[K] };

export class PaperAccount {
  private readonly holdings = new Map<string, Holding>();
  private readonly decimals: Map<string, number>;
  private readonly wallet = new Map<string, bigint>();
  private readonly orders = new Map<number, MutableOrder>();
  private readonly trades: VenueFill[] = [];

  constructor(
    instruments: readonly Instrument[],
    initialBalances: Readonly<Record<string, string>>,
    /** The venue client order id of the core's order id (client-order-id.ts, the session's). */
    private readonly clientOrderId: (orderId: number) => string,
  ) {
    this.decimals = balanceDecimals(instruments);
    for (const inst of instruments) {
      const t = contractTerms(inst);
      const scale = (ccy: string, d: number) => 10n ** BigInt(this.decimals.get(ccy)! - d);
      this.holdings.set(inst.id, {
        instrument: inst,
        qtyUnits: 0,
        costUnits: 0n,
        settlementScale: scale(t.settlementCurrency, t.settlementDecimals),
        baseScale: inst.contractType === 'spot' ? scale(inst.baseCurrency, inst.sizeDecimals) : 0n,
      });
    }
    for (const [ccy, text] of Object.entries(initialBalances)) {
      const d = this.decimals.get(ccy);
      if (d === undefined)
        throw new ChassisError(
          'E_PAPER_CONFIG',
          `paper balance ${ccy}: no instrument of the session settles in ${ccy} (${[...this.decimals.keys()].join(', ')})`,
        );
      this.wallet.set(ccy, parseDecimalBigUnits(text, d));
    }
  }

  /** A request reached the venue: a new order becomes known to it. */
  requestArrived(r: RequestSentEvent): void {
    if (r.request !== 'new') return;
    this.orders.set(r.orderId, {
      orderId: r.orderId,
      clientOrderId: this.clientOrderId(r.orderId),
      venueOrderId: `sim-${r.orderId}`,
      instrument: r.instrument,
      side: r.side,
      priceUnits: r.priceUnits,
      qtyUnits: r.qtyUnits,
      filledQtyUnits: 0,
      status: 'unknown',
    });
  }

  /** An answer the venue gave: order status, and for a fill the trade, position and wallet. */
  answered(a: VenueAnswer): void {
    const o = this.orders.get(a.orderId);
    if (o === undefined) return;
    switch (a.kind) {
      case 'order_accepted':
        if (o.status === 'unknown') o.status = 'open';
        break;
      case 'order_filled':
        o.filledQtyUnits += a.qtyUnits;
        o.status = a.final ? 'filled' : 'partially_filled';
        this.trade(o, a);
        break;
      case 'order_replaced':
        o.priceUnits = a.priceUnits;
        o.qtyUnits = a.qtyUnits;
        break;
      case 'order_cancelled':
        o.status = 'cancelled';
        break;
      case 'order_rejected':
        o.status = 'rejected';
        break;
      case 'order_expired':
        o.status = 'expired';
        break;
      case 'cancel_replace_rejected':
        break;
    }
  }

  order(orderId: number): VenueOrderState | null {
    const o = this.orders.get(orderId);
    return o === undefined ? null : { ...o };
  }

  /** Account trades of an instrument at or after `sinceNs` (venue time), oldest first. */
  fills(sinceNs: bigint, instrument: string): VenueFill[] {
    return this.trades.filter((f) => f.instrument === instrument && f.tsEventNs >= sinceNs);
  }

  positions(): VenuePosition[] {
    return [...this.holdings.values()].map((h) => ({ instrument: h.instrument.id, qtyUnits: h.qtyUnits }));
  }

  balances(): VenueBalance[] {
    return [...this.wallet].map(([asset, units]) => ({
      asset,
      amount: formatDecimalUnits(units, this.decimals.get(asset)!),
    }));
  }

  private trade(o: MutableOrder, a: Extract<VenueAnswer, { kind: 'order_filled' }>): void {
    const h = this.holdings.get(o.instrument);
    if (h === undefined) return;
    this.trades.push({
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      fillId: a.fillId,
      instrument: o.instrument,
      priceUnits: a.priceUnits,
      qtyUnits: a.qtyUnits,
      liquidity: a.liquidity,
      feeUnits: a.feeUnits,
      tsEventNs: a.tsEventNs,
    });
    const inst = h.instrument;
    const q = o.side === 'buy' ? a.qtyUnits : -a.qtyUnits;
    const value = signedValueUnits(inst, a.priceUnits, q);
    const realised = this.move(h, q, value, a.priceUnits);
    const terms = contractTerms(inst);
    if (inst.contractType === 'spot') {
      this.credit(terms.settlementCurrency, -(value + a.feeUnits) * h.settlementScale);
      this.credit(inst.baseCurrency, BigInt(q) * h.baseScale);
    } else {
      this.credit(terms.settlementCurrency, (realised - a.feeUnits) * h.settlementScale);
    }
  }

  /** Moves the position by `q` (value `value`); returns the realised PnL of the part that reduces it. */
  private move(h: Holding, q: number, value: bigint, priceUnits: number): bigint {
    if (h.qtyUnits === 0 || h.qtyUnits > 0 === q > 0) {
      h.qtyUnits += q;
      h.costUnits += value;
      return 0n;
    }
    const held = Math.abs(h.qtyUnits);
    const closing = Math.min(Math.abs(q), held);
    const basisShare = (h.costUnits * BigInt(closing)) / BigInt(held);
    // What opens the other way on a flip, valued on its own; the rest of the fill's value closes.
    const opening = q + (h.qtyUnits > 0 ? closing : -closing);
    const openingValue = opening === 0 ? 0n : signedValueUnits(h.instrument, priceUnits, opening);
    h.costUnits += openingValue - basisShare;
    h.qtyUnits += q;
    return openingValue - value - basisShare;
  }

  private credit(ccy: string, units: bigint): void {
    this.wallet.set(ccy, (this.wallet.get(ccy) ?? 0n) + units);
  }
}

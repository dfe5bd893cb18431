/**
 * ccxt's unified order and trade structures → the contract's VenueOrderState and VenueFill, in
 * the instrument's integer units (units.ts). Pure.
 */
import { contractTerms } from '@chassis/core';
import type { Instrument } from '@chassis/core';
import type { Order, Trade } from 'ccxt';
import type { VenueFill, VenueOrderState } from '../../contracts.ts';
import type { ClientOrderIds } from '../../client-order-id.ts';
import { feeToUnits, numberToUnits } from './units.ts';

const MS_TO_NS = 1_000_000n;

export function venueStatus(order: Pick<Order, 'status' | 'filled'>): VenueOrderState['status'] {
  switch (order.status) {
    case 'open':
      return (order.filled ?? 0) > 0 ? 'partially_filled' : 'open';
    case 'closed':
      return 'filled';
    case 'canceled':
      return 'cancelled';
    case 'expired':
      return 'expired';
    case 'rejected':
      return 'rejected';
    default:
      return 'unknown';
  }
}

export function toVenueOrderState(order: Order, inst: Instrument, ids: ClientOrderIds): VenueOrderState {
  const clientOrderId = order.clientOrderId ?? '';
  return {
    orderId: ids.decode(clientOrderId),
    clientOrderId,
    venueOrderId: String(order.id),
    instrument: inst.id,
    side: order.side === 'sell' ? 'sell' : 'buy',
    priceUnits:
      order.price === undefined || order.price === null
        ? 0
        : numberToUnits(order.price, inst.priceDecimals, `price of order ${order.id}`),
    qtyUnits: numberToUnits(order.amount ?? 0, inst.sizeDecimals, `amount of order ${order.id}`),
    filledQtyUnits: numberToUnits(order.filled ?? 0, inst.sizeDecimals, `filled amount of order ${order.id}`),
    status: venueStatus(order),
  };
}

/** A ccxt trade of one of our orders (or of a foreign one: orderId null) as a venue fill. */
export function toVenueFill(trade: Trade, inst: Instrument, orderId: number | null, clientOrderId: string): VenueFill {
  const settlementDecimals = contractTerms(inst).settlementDecimals;
  return {
    orderId,
    clientOrderId,
    fillId: String(trade.id),
    instrument: inst.id,
    priceUnits: numberToUnits(trade.price ?? 0, inst.priceDecimals, `price of trade ${trade.id}`),
    qtyUnits: numberToUnits(trade.amount ?? 0, inst.sizeDecimals, `amount of trade ${trade.id}`),
    liquidity: trade.takerOrMaker === 'maker' ? 'maker' : 'taker',
    feeUnits: feeToUnits(trade.fee?.cost ?? 0, settlementDecimals),
    tsEventNs: BigInt(trade.timestamp ?? 0) * MS_TO_NS,
  };
}

/**
 * The comparison at the heart of reconciliation: the venue's account (VenueAccountState) against
 * the engine's derived state (`engine.view`) → the list of differences. Pure: no I/O, no clock.
 *
 * Rules, in the order the differences are listed:
 * 1. Orders the engine holds open (ascending order id) are matched with the venue's open orders
 *    by the core order id decoded from the client order id.
 *    - Not on the venue: `order_missing_on_venue`, unless a request of that order is inflight
 *      (a new not yet acknowledged, a cancel on its way): its outcome is the uncertain-outcome
 *      path's business (query by client id, then a disposition), not a finding.
 *    - On the venue: instrument, side and filled quantity must agree; price and quantity too,
 *      unless a replace is inflight (either the old or the new values may be on the venue);
 *      a venue status other than open / partially filled is a `status` difference.
 * 2. Venue open orders no engine open order claimed (in the venue's listing order), except
 *    adopted ones: ours by client id → `venue_order_ours_not_open`; else `venue_order_foreign`.
 * 3. Positions of every session instrument (engine.view.instruments order): engine signed qty vs
 *    the sum of the venue's signed positions for it (hedge-mode legs add up; none = 0).
 * 4. Balances (assets ascending): every settlement asset of the session's instruments (and the
 *    base asset of spot instruments), plus `extraAssets`. Differences within the asset's
 *    tolerance are not findings (default: one unit of the engine's balance precision,
 *    10^-balanceDecimals, the rounding of a single fee). A venue listing no balance for an asset
 *    states 0. Venue-side charges the engine never sees (funding, transfers) need a wider
 *    configured tolerance.
 * Venue orders and positions on instruments outside the session are out of scope (counted).
 */
import { contractTerms, formatDecimalUnits, parseDecimalBigUnits } from '@chassis/core';
import type { ExecutionView, Instrument, OrderView } from '@chassis/core';
import type { VenueAccountState, VenueOrderState } from '../contracts.ts';
import type { ComparedOrderField, Difference } from './differences.ts';

/** The part of `engine.view` reconciliation reads (a StateView satisfies it). */
export interface DerivedAccountView {
  readonly instruments: readonly Instrument[];
  readonly execution: Pick<ExecutionView, 'openOrders' | 'order' | 'position' | 'balance' | 'balanceDecimals'>;
}

export interface CompareOptions {
  /** Venue order ids of foreign orders kept under the `adopt` policy: no longer findings. */
  readonly adoptedVenueOrderIds?: ReadonlySet<string>;
  /** Allowed |venue − engine| per asset, exact decimal text (e.g. `{ USDT: '0.5' }`). */
  readonly balanceTolerance?: Readonly<Record<string, string>>;
  /** Assets compared besides the session instruments' own. */
  readonly extraAssets?: readonly string[];
}

export interface Comparison {
  readonly differences: readonly Difference[];
  /** Venue orders and positions on instruments outside the session, ignored. */
  readonly outOfScope: { readonly orders: number; readonly positions: number };
}

const OPEN_VENUE_STATUSES: ReadonlySet<VenueOrderState['status']> = new Set(['open', 'partially_filled']);

export function compareAccount(
  venue: VenueAccountState,
  view: DerivedAccountView,
  options: CompareOptions = {},
): Comparison {
  const session = new Set(view.instruments.map((i) => i.id));
  const venueOrders = venue.openOrders.filter((o) => session.has(o.instrument));
  const differences = [
    ...compareOrders(venueOrders, view, options.adoptedVenueOrderIds ?? new Set()),
    ...comparePositions(venue, view),
    ...compareBalances(venue, view, options),
  ];
  return {
    differences,
    outOfScope: {
      orders: venue.openOrders.length - venueOrders.length,
      positions: venue.positions.filter((p) => !session.has(p.instrument)).length,
    },
  };
}

function compareOrders(
  venueOrders: readonly VenueOrderState[],
  view: DerivedAccountView,
  adopted: ReadonlySet<string>,
): Difference[] {
  const ours = new Map<number, VenueOrderState>();
  for (const o of venueOrders) if (o.orderId !== null && !ours.has(o.orderId)) ours.set(o.orderId, o);
  const claimed = new Set<VenueOrderState>();
  const out: Difference[] = [];
  for (const order of view.execution.openOrders()) {
    const venueOrder = ours.get(order.orderId);
    if (venueOrder === undefined) {
      if (order.inflight === null)
        out.push({
          kind: 'order_missing_on_venue',
          orderId: order.orderId,
          instrument: order.instrument,
          engineStatus: order.status,
        });
      continue;
    }
    claimed.add(venueOrder);
    out.push(...compareOrderFields(order, venueOrder));
  }
  for (const o of venueOrders) {
    if (claimed.has(o) || adopted.has(o.venueOrderId)) continue;
    if (o.orderId === null) out.push({ kind: 'venue_order_foreign', venueOrder: o });
    else
      out.push({
        kind: 'venue_order_ours_not_open',
        venueOrder: o,
        engineStatus: view.execution.order(o.orderId)?.status ?? null,
      });
  }
  return out;
}

function compareOrderFields(order: OrderView, venueOrder: VenueOrderState): Difference[] {
  const out: Difference[] = [];
  const field = (name: ComparedOrderField, engine: string | number, venue: string | number): void => {
    if (engine !== venue) out.push({ kind: 'order_field_differs', orderId: order.orderId, field: name, engine, venue });
  };
  field('instrument', order.instrument, venueOrder.instrument);
  field('side', order.side, venueOrder.side);
  if (order.inflight !== 'replace') {
    field('priceUnits', order.priceUnits, venueOrder.priceUnits);
    field('qtyUnits', order.qtyUnits, venueOrder.qtyUnits);
  }
  field('filledQtyUnits', order.filledQtyUnits, venueOrder.filledQtyUnits);
  if (!OPEN_VENUE_STATUSES.has(venueOrder.status)) field('status', order.status, venueOrder.status);
  return out;
}

function comparePositions(venue: VenueAccountState, view: DerivedAccountView): Difference[] {
  const out: Difference[] = [];
  for (const inst of view.instruments) {
    const engineQtyUnits = view.execution.position(inst.id).qtyUnits;
    let venueQtyUnits = 0;
    for (const p of venue.positions) if (p.instrument === inst.id) venueQtyUnits += p.qtyUnits;
    if (engineQtyUnits !== venueQtyUnits)
      out.push({ kind: 'position_differs', instrument: inst.id, engineQtyUnits, venueQtyUnits });
  }
  return out;
}

/** The assets whose balances are compared, ascending. */
export function comparedAssets(instruments: readonly Instrument[], extraAssets: readonly string[] = []): string[] {
  const assets = new Set(extraAssets);
  for (const inst of instruments) {
    assets.add(contractTerms(inst).settlementCurrency);
    if (inst.contractType === 'spot') assets.add(inst.baseCurrency);
  }
  return [...assets].sort();
}

function compareBalances(venue: VenueAccountState, view: DerivedAccountView, options: CompareOptions): Difference[] {
  const out: Difference[] = [];
  for (const asset of comparedAssets(view.instruments, options.extraAssets)) {
    const decimals = view.execution.balanceDecimals(asset);
    const engine = formatDecimalUnits(view.execution.balance(asset), decimals);
    const venueAmount = venue.balances.find((b) => b.asset === asset)?.amount ?? '0';
    const tolerance = options.balanceTolerance?.[asset] ?? formatDecimalUnits(1n, decimals);
    if (exceedsTolerance(engine, venueAmount, tolerance))
      out.push({ kind: 'balance_differs', asset, engine, venue: venueAmount, tolerance });
  }
  return out;
}

/** Decimal places written in a decimal text ("12.340" → 3). */
function decimalPlaces(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** |a − b| > tolerance, exactly, at the finest precision any of the three texts uses. */
export function exceedsTolerance(a: string, b: string, tolerance: string): boolean {
  const scale = Math.max(decimalPlaces(a), decimalPlaces(b), decimalPlaces(tolerance));
  const diff = parseDecimalBigUnits(a, scale) - parseDecimalBigUnits(b, scale);
  return (diff < 0n ? -diff : diff) > parseDecimalBigUnits(tolerance, scale);
}

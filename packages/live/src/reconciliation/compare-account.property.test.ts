/**
 * compareAccount against an independent oracle: a deliberately plain second comparison over Maps
 * of the same generated account states (engine side as plain data behind the view interface,
 * venue side as VenueAccountState), which must find exactly the same set of differences.
 * Values are drawn from tiny ranges so equal and unequal fields, shared and foreign client ids,
 * inflight requests and tolerance boundaries all occur often.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderView } from '@chassis/core';
import type { VenueAccountState, VenueOrderState } from '../contracts.ts';
import { compareAccount } from './compare-account.ts';
import { BTCUSDT, ETHUSDT_SPOT, plainView } from './account-fixtures.ts';
import type { PlainAccount } from './account-fixtures.ts';

const INSIDE = [BTCUSDT.id, ETHUSDT_SPOT.id];
const OUTSIDE = 'binance-usdm:SOLUSDT';
const ENGINE_STATUSES = ['submitted', 'accepted', 'partially_filled', 'filled', 'cancelled', 'rejected'] as const;
const VENUE_STATUSES = ['open', 'open', 'partially_filled', 'filled', 'cancelled', 'unknown'] as const;
/** Balance decimals the engine holds per asset (USDT: finest of BTCUSDT's 4 and ETHUSDT's 6). */
const ENGINE_DECIMALS: Record<string, number> = { USDT: 6, ETH: 4, BNB: 0 };

const small = fc.integer({ min: 1, max: 3 });

const engineOrder = (orderId: number): fc.Arbitrary<OrderView> =>
  fc
    .record({
      instrument: fc.constantFrom(...INSIDE),
      side: fc.constantFrom('buy' as const, 'sell' as const),
      priceUnits: small,
      qtyUnits: small,
      filledQtyUnits: fc.integer({ min: 0, max: 2 }),
      status: fc.constantFrom(...ENGINE_STATUSES),
      inflight: fc.constantFrom(null, null, 'new' as const, 'replace' as const, 'cancel' as const),
    })
    .map(
      (o) =>
        ({
          ...o,
          orderId,
          orderType: 'limit',
          timeInForce: 'GTC',
          postOnly: false,
          reduceOnly: false,
          clientTag: '',
        }) as OrderView,
    );

const venueOrderFields = fc.record({
  orderId: fc.constantFrom(null, null, 1, 2, 3, 4, 5, 6, 7, 8, 9),
  instrument: fc.constantFrom(...INSIDE, OUTSIDE),
  side: fc.constantFrom('buy' as const, 'sell' as const),
  priceUnits: small,
  qtyUnits: small,
  filledQtyUnits: fc.integer({ min: 0, max: 2 }),
  status: fc.constantFrom(...VENUE_STATUSES),
});

/** A venue copy of an engine order, sometimes with one field changed. */
const copyOf = (o: OrderView): fc.Arbitrary<Omit<VenueOrderState, 'venueOrderId' | 'clientOrderId'>> =>
  fc
    .record({
      change: fc.constantFrom('none', 'none', 'priceUnits', 'qtyUnits', 'filledQtyUnits', 'side', 'status'),
      status: fc.constantFrom(...VENUE_STATUSES),
    })
    .map(({ change, status }) => ({
      orderId: o.orderId,
      instrument: o.instrument,
      side: change === 'side' ? (o.side === 'buy' ? 'sell' : 'buy') : o.side,
      priceUnits: o.priceUnits + (change === 'priceUnits' ? 1 : 0),
      qtyUnits: o.qtyUnits + (change === 'qtyUnits' ? 1 : 0),
      filledQtyUnits: o.filledQtyUnits + (change === 'filledQtyUnits' ? 1 : 0),
      status: change === 'status' ? status : 'open',
    }));

const balanceText = (units: bigint, decimals: number, delta8: number): string => {
  const at8 = units * 10n ** BigInt(8 - decimals) + BigInt(delta8);
  const neg = at8 < 0n;
  const abs = neg ? -at8 : at8;
  return `${neg ? '-' : ''}${abs / 10n ** 8n}.${String(abs % 10n ** 8n).padStart(8, '0')}`;
};

const scenario = fc
  .array(fc.integer({ min: 1, max: 8 }), { maxLength: 8 })
  .map((ids) => [...new Set(ids)])
  .chain((ids) => fc.tuple(...ids.map(engineOrder)))
  .chain((orders) =>
    fc.record({
      orders: fc.constant(orders as OrderView[]),
      copies: fc.tuple(...orders.map((o) => fc.option(copyOf(o), { nil: undefined }))),
      extras: fc.array(venueOrderFields, { maxLength: 5 }),
      adoptMask: fc.array(fc.boolean(), { minLength: 14, maxLength: 14 }),
      enginePositions: fc.tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -2, max: 2 })),
      venuePositions: fc.array(
        fc.record({ instrument: fc.constantFrom(...INSIDE, OUTSIDE), qtyUnits: fc.integer({ min: -2, max: 2 }) }),
        { maxLength: 4 },
      ),
      engineBalances: fc.tuple(fc.bigInt({ min: -1000n, max: 1000n }), fc.bigInt({ min: -1000n, max: 1000n })),
      balanceDeltas: fc.tuple(
        fc.integer({ min: -300, max: 300 }),
        fc.integer({ min: -30_000, max: 30_000 }),
        fc.integer({ min: -300, max: 300 }),
      ),
      venueHas: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
      tolerance: fc.dictionary(
        fc.constantFrom('USDT', 'ETH', 'BNB'),
        fc.constantFrom('0', '0.000001', '0.0000015', '0.00000300', '0.0001'),
      ),
      extraAssets: fc.constantFrom([], ['BNB']),
    }),
  )
  .map((g) => {
    const venueOrders: VenueOrderState[] = [...g.copies.filter((c) => c !== undefined), ...g.extras].map((o, i) => ({
      ...o,
      venueOrderId: `v${i}`,
      clientOrderId: o.orderId === null ? `manual-${i}` : `ours-${o.orderId}`,
    }));
    const adopted = new Set(venueOrders.filter((_, i) => g.adoptMask[i]).map((o) => o.venueOrderId));
    const engine: PlainAccount = {
      instruments: [BTCUSDT, ETHUSDT_SPOT],
      orders: g.orders,
      positions: new Map([
        [BTCUSDT.id, g.enginePositions[0]],
        [ETHUSDT_SPOT.id, g.enginePositions[1]],
      ]),
      balances: new Map([
        ['USDT', { units: g.engineBalances[0], decimals: 6 }],
        ['ETH', { units: g.engineBalances[1], decimals: 4 }],
      ]),
    };
    const assets = ['USDT', 'ETH', 'BNB'] as const;
    const engineUnits = [g.engineBalances[0], g.engineBalances[1], 0n];
    const balances = assets
      .map((asset, i) => ({
        asset,
        amount: balanceText(engineUnits[i]!, ENGINE_DECIMALS[asset]!, g.balanceDeltas[i]!),
      }))
      .filter((_, i) => g.venueHas[i]);
    const venue: VenueAccountState = { openOrders: venueOrders, positions: g.venuePositions, balances, asOfNs: 1n };
    return { engine, venue, adopted, tolerance: g.tolerance, extraAssets: g.extraAssets };
  });

// ------------------------------------------------------------------------------------ oracle

/** Decimal text → integer count of 10^-20 (every amount here has at most 8 decimals). */
function at20(text: string): bigint {
  const neg = text.startsWith('-');
  const [int, frac = ''] = (neg ? text.slice(1) : text).split('.');
  const v = BigInt(int! + frac.padEnd(20, '0'));
  return neg ? -v : v;
}

function oracle(
  engine: PlainAccount,
  venue: VenueAccountState,
  adopted: Set<string>,
  tolerance: Record<string, string>,
  extraAssets: readonly string[],
): string[] {
  const found: string[] = [];
  const inside = new Set(engine.instruments.map((i) => i.id));
  const isOpen = (status: string): boolean =>
    status === 'submitted' || status === 'accepted' || status === 'partially_filled';
  const allEngine = new Map(engine.orders.map((o) => [o.orderId, o]));
  const venueByOurId = new Map<number, VenueOrderState>();
  for (const v of venue.openOrders)
    if (inside.has(v.instrument) && v.orderId !== null && !venueByOurId.has(v.orderId)) venueByOurId.set(v.orderId, v);
  const claimed = new Set<string>();
  for (const o of allEngine.values()) {
    if (!isOpen(o.status)) continue;
    const v = venueByOurId.get(o.orderId);
    if (v === undefined) {
      if (o.inflight === null) found.push(`missing ${o.orderId} ${o.instrument} ${o.status}`);
      continue;
    }
    claimed.add(v.venueOrderId);
    const pairs: [string, string | number, string | number, boolean][] = [
      ['instrument', o.instrument, v.instrument, true],
      ['side', o.side, v.side, true],
      ['priceUnits', o.priceUnits, v.priceUnits, o.inflight !== 'replace'],
      ['qtyUnits', o.qtyUnits, v.qtyUnits, o.inflight !== 'replace'],
      ['filledQtyUnits', o.filledQtyUnits, v.filledQtyUnits, true],
      ['status', o.status, v.status, v.status !== 'open' && v.status !== 'partially_filled'],
    ];
    for (const [field, e, w, compared] of pairs)
      if (compared && e !== w) found.push(`field ${o.orderId} ${field} ${e} ${w}`);
  }
  for (const v of venue.openOrders) {
    if (!inside.has(v.instrument) || claimed.has(v.venueOrderId) || adopted.has(v.venueOrderId)) continue;
    if (v.orderId === null) found.push(`foreign ${v.venueOrderId}`);
    else found.push(`ours ${v.venueOrderId} ${allEngine.get(v.orderId)?.status ?? null}`);
  }
  for (const id of inside) {
    const venueQty = venue.positions.filter((p) => p.instrument === id).reduce((s, p) => s + p.qtyUnits, 0);
    const engineQty = engine.positions.get(id) ?? 0;
    if (venueQty !== engineQty) found.push(`position ${id} ${engineQty} ${venueQty}`);
  }
  for (const asset of new Set(['USDT', 'ETH', ...extraAssets])) {
    const b = engine.balances.get(asset) ?? { units: 0n, decimals: 0 };
    const engine20 = b.units * 10n ** BigInt(20 - b.decimals);
    const venue20 = at20(venue.balances.find((x) => x.asset === asset)?.amount ?? '0');
    const tol20 = tolerance[asset] !== undefined ? at20(tolerance[asset]) : 10n ** BigInt(20 - b.decimals);
    const diff = engine20 > venue20 ? engine20 - venue20 : venue20 - engine20;
    if (diff > tol20) found.push(`balance ${asset}`);
  }
  return found.sort();
}

/** The implementation's differences in the oracle's words. */
function asOracleLines(differences: ReturnType<typeof compareAccount>['differences']): string[] {
  return differences
    .map((d) => {
      switch (d.kind) {
        case 'order_missing_on_venue':
          return `missing ${d.orderId} ${d.instrument} ${d.engineStatus}`;
        case 'order_field_differs':
          return `field ${d.orderId} ${d.field} ${d.engine} ${d.venue}`;
        case 'venue_order_foreign':
          return `foreign ${d.venueOrder.venueOrderId}`;
        case 'venue_order_ours_not_open':
          return `ours ${d.venueOrder.venueOrderId} ${d.engineStatus}`;
        case 'position_differs':
          return `position ${d.instrument} ${d.engineQtyUnits} ${d.venueQtyUnits}`;
        case 'balance_differs':
          return `balance ${d.asset}`;
      }
    })
    .sort();
}

describe('compareAccount against a plain Map oracle', () => {
  it('finds exactly the differences the oracle finds, on generated engine and venue accounts', () => {
    fc.assert(
      fc.property(scenario, ({ engine, venue, adopted, tolerance, extraAssets }) => {
        const { differences } = compareAccount(venue, plainView(engine), {
          adoptedVenueOrderIds: adopted,
          balanceTolerance: tolerance,
          extraAssets,
        });
        expect(asOracleLines(differences)).toEqual(oracle(engine, venue, adopted, tolerance, extraAssets));
      }),
      { numRuns: 2000 },
    );
  });

  it('finds nothing when the venue states exactly what the engine derived', () => {
    fc.assert(
      fc.property(scenario, ({ engine }) => {
        const open = engine.orders.filter((o) => ['submitted', 'accepted', 'partially_filled'].includes(o.status));
        const venue: VenueAccountState = {
          openOrders: open.map((o) => ({
            ...o,
            venueOrderId: `v${o.orderId}`,
            clientOrderId: `ours-${o.orderId}`,
            status: 'open',
          })),
          positions: [...engine.positions].map(([instrument, qtyUnits]) => ({ instrument, qtyUnits })),
          balances: [...engine.balances].map(([asset, b]) => ({ asset, amount: balanceText(b.units, b.decimals, 0) })),
          asOfNs: 1n,
        };
        expect(compareAccount(venue, plainView(engine)).differences).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

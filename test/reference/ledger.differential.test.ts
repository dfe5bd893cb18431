/**
 * Differential test of the accounting on generated fills: the core engine and the reference
 * ledger read the same execution events (a new order, its acknowledgement and its fill, for
 * buys and sells that open, add to, reduce and flip positions) and must agree on every order
 * state, position, fee total, realised PnL and balance, exactly or within the allowance the
 * documented whole-unit rounding justifies (differential.ts compareLedger).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Event, type Instrument, type Liquidity } from '@chassis/core';
import { compareLedger, describe as list } from './differential.ts';
import { engineConfig, type ProductionRun, type ProductionSnapshot } from './production-run.ts';
import { feeUnitsOf } from './reference-venue.ts';
import { startingBalances } from './run-case.ts';
import { ReferenceLedger } from './reference-ledger.ts';
import { isExecutionEvent } from './production-run.ts';
import { abs, cmp, fromUnits, show, sub, toUnitsExact, ZERO } from './rational.ts';
import { requestSent } from './request-sent.ts';

interface GeneratedFill {
  readonly side: 'buy' | 'sell';
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly liquidity: Liquidity;
  /** Fee rate of this fill, ppm of notional; negative = a maker rebate (venues pay them to market makers). */
  readonly feePpm: number;
  /** Index of the instrument it trades, when the engine has several; default 0. */
  readonly on?: number;
}

const fillArb = fc.record({
  side: fc.constantFrom('buy' as const, 'sell' as const),
  priceTicks: fc.integer({ min: 900, max: 1100 }),
  qtyLots: fc.integer({ min: 1, max: 7 }),
  liquidity: fc.constantFrom('maker' as const, 'taker' as const),
  feePpm: fc.integer({ min: -150, max: 700 }),
});

const base: Omit<
  Instrument,
  'id' | 'contractType' | 'multiplier' | 'quoteCurrency' | 'priceDecimals' | 'sizeDecimals' | 'tickUnits' | 'lotUnits'
> = {
  venue: 'sim',
  symbol: 'X',
  baseCurrency: 'BTC',
  minNotionalUnits: 0n,
  makerFeePpm: 200,
  takerFeePpm: 500,
};
/** Binance USD-M BTCUSDT-like (0.1 USDT tick, 0.001 BTC lot), scaled so prices stay near 60,000. */
const USDM: Instrument = {
  ...base,
  id: 'sim:USDM',
  contractType: 'linear',
  multiplier: 1,
  quoteCurrency: 'USDT',
  priceDecimals: 1,
  sizeDecimals: 3,
  tickUnits: 600,
  lotUnits: 1,
};
const SPOT: Instrument = {
  ...base,
  id: 'sim:SPOT',
  contractType: 'spot',
  multiplier: 1,
  quoteCurrency: 'USDT',
  priceDecimals: 2,
  sizeDecimals: 5,
  tickUnits: 6000,
  lotUnits: 1,
};
/** OKX BTC-USDT-SWAP-like: quantities in contracts of ctVal 0.01 BTC. */
const OKX_CTVAL: Instrument = {
  ...base,
  id: 'sim:OKXSWAP',
  contractType: 'linear',
  multiplier: 0.01,
  quoteCurrency: 'USDT',
  priceDecimals: 1,
  sizeDecimals: 0,
  tickUnits: 600,
  lotUnits: 1,
};
/** Binance COIN-M BTCUSD_PERP-like: contracts of 100 USD, settled in BTC. */
const COINM: Instrument = {
  ...base,
  id: 'sim:COINM',
  contractType: 'inverse',
  multiplier: 100,
  quoteCurrency: 'USD',
  priceDecimals: 1,
  sizeDecimals: 0,
  tickUnits: 600,
  lotUnits: 1,
};

const EXECUTION_KINDS = new Set(['order_accepted', 'order_filled']);

/** Steps a production engine trading `instruments` through the fills and records what compareLedger needs. */
function engineRun(
  instruments: readonly Instrument[],
  fills: readonly GeneratedFill[],
  balances: Readonly<Record<string, bigint>> = startingBalances(instruments[0]!).production,
): { run: ProductionRun; engine: Engine } {
  const engine = createEngine({ ...engineConfig(instruments[0]!, balances), instruments }, { onEvent: () => [] });
  const currencies = [...new Set(instruments.flatMap((i) => [i.quoteCurrency, i.baseCurrency]))];
  const stream: Event[] = [];
  const snapshots: ProductionSnapshot[] = [];
  let seq = 0;
  let ts = 1_000n;
  const step = (e: Event) => {
    stream.push(e);
    const r = engine.step(e);
    if (r.violation) throw new Error(`engine halted: ${r.violation.invariant}: ${r.violation.message}`);
    if (!EXECUTION_KINDS.has(e.kind)) return;
    const orderId = (e as { orderId: number }).orderId;
    const o = engine.view.execution.order(orderId);
    const inst = instruments[fills[orderId - 1]!.on ?? 0]!;
    const p = engine.view.execution.position(inst.id);
    snapshots.push({
      streamLength: stream.length,
      orderId,
      status: o?.status,
      filledQtyUnits: o?.filledQtyUnits,
      instrument: inst.id,
      position: {
        qtyUnits: p.qtyUnits,
        costUnits: p.costUnits,
        realizedPnlUnits: p.realizedPnlUnits,
        feesUnits: p.feesUnits,
      },
      balances: new Map(currencies.map((c) => [c, engine.view.execution.balance(c)])),
    });
  };
  step({ kind: 'session', seq: ++seq, tsEventNs: ts, tsLocalNs: ts, state: 'start', sessionId: 'ledger' });
  fills.forEach((f, i) => {
    const orderId = i + 1;
    const inst = instruments[f.on ?? 0]!;
    const priceUnits = f.priceTicks * inst.tickUnits;
    const qtyUnits = f.qtyLots * inst.lotUnits;
    ts += 1_000n;
    const requestSeq = ++seq;
    step(
      requestSent({
        seq: requestSeq,
        tsLocalNs: ts,
        request: 'new',
        orderId,
        instrument: inst.id,
        side: f.side,
        priceUnits,
        qtyUnits,
      }),
    );
    step({
      kind: 'order_accepted',
      seq: ++seq,
      tsEventNs: ts,
      tsLocalNs: ts,
      orderId,
      requestSeq,
      venueOrderId: `v${orderId}`,
    });
    const feeUnits = feeUnitsOf(inst, priceUnits, qtyUnits, f.feePpm);
    step({
      kind: 'order_filled',
      seq: ++seq,
      tsEventNs: ts,
      tsLocalNs: ts,
      orderId,
      requestSeq: -1,
      fillId: `f${orderId}`,
      priceUnits,
      qtyUnits,
      liquidity: f.liquidity,
      feeUnits,
      final: true,
    });
  });
  const run: ProductionRun = {
    tape: [],
    stream,
    snapshots,
    outcome: {
      status: 'completed',
      violation: null,
      events: seq,
      marketEvents: 0,
      controlTimeEvents: 0,
      obligations: 0,
      exchangeTimeClamps: { toReceipt: 0, toWindow: 0 },
      lastSeq: seq,
    },
    undeliveredAnswers: 0,
  };
  return { run, engine };
}

function disagreementsOn(inst: Instrument, fills: readonly GeneratedFill[]): string {
  return list(compareLedger(inst, engineRun([inst], fills).run, startingBalances(inst).reference).disagreements);
}

const fillsArb = fc.array(fillArb, { minLength: 1, maxLength: 40 });

describe('the engine’s accounting against the reference ledger on generated fills', () => {
  it('agrees on a linear contract (Binance USD-M): positions, average cost, realised PnL, fees and USDT balance', () => {
    fc.assert(
      fc.property(fillsArb, (fills) => {
        expect(disagreementsOn(USDM, fills)).toBe('');
      }),
      { numRuns: 300 },
    );
  });

  it('agrees on spot (Binance spot): quote and base balances move by price × qty + fee and by qty', () => {
    fc.assert(
      fc.property(fillsArb, (fills) => {
        expect(disagreementsOn(SPOT, fills)).toBe('');
      }),
      { numRuns: 300 },
    );
  });

  it('agrees on an OKX linear swap with ctVal 0.01 BTC per contract', () => {
    fc.assert(
      fc.property(fillsArb, (fills) => {
        expect(disagreementsOn(OKX_CTVAL, fills)).toBe('');
      }),
      { numRuns: 100 },
    );
  });

  it('agrees on an inverse contract (Binance COIN-M, 100 USD per contract): PnL, fees and balance in BTC', () => {
    fc.assert(
      fc.property(fillsArb, (fills) => {
        expect(disagreementsOn(COINM, fills)).toBe('');
      }),
      { numRuns: 100 },
    );
  });

  it('agrees on an inverse contract counted in a coarse settlement unit (1e-4 BTC), where every fill value and fee rounds', () => {
    const coarse: Instrument = { ...COINM, id: 'sim:COINM4', settlementDecimals: 4 };
    fc.assert(
      fc.property(fillsArb, (fills) => {
        expect(disagreementsOn(coarse, fills)).toBe('');
      }),
      { numRuns: 100 },
    );
  });

  it('keeps one USDT balance in the finest unit of the instruments settling in it (USD-M 1e-4, spot 1e-7): equal to the reference’s', () => {
    const usdtUnits = 1_000_000n * 10n ** 7n; // 10^-7 USDT: spot's price + size decimals, finer than USD-M's 10^-4
    const placed = fc.tuple(fc.integer({ min: 0, max: 1 }), fillArb).map(([on, f]): GeneratedFill => ({ ...f, on }));
    fc.assert(
      fc.property(fc.array(placed, { minLength: 1, maxLength: 40 }), (fills) => {
        const { run, engine } = engineRun([USDM, SPOT], fills, { USDT: usdtUnits });
        const ledger = new ReferenceLedger([USDM, SPOT], new Map([['USDT', fromUnits(usdtUnits, 7)]]));
        for (const e of run.stream)
          if (e.kind === 'request_sent') ledger.onRequestSent(e);
          else if (isExecutionEvent(e)) ledger.onExecution(e);
        const usdt = fromUnits(engine.view.execution.balance('USDT'), 7);
        // Only USD-M's partial closes round (its realised PnL is within its allowance); spot is exact.
        const off = abs(sub(usdt, ledger.balances.get('USDT')!));
        expect(cmp(off, ledger.realisedAllowance(USDM.id)) <= 0, `USDT off by ${show(off)}`).toBe(true);
        expect(engine.view.execution.balance('BTC')).toBe(
          toUnitsExact(ledger.balances.get('BTC') ?? ZERO, SPOT.sizeDecimals),
        );
      }),
      { numRuns: 200 },
    );
  });
});

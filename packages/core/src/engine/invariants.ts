/**
 * Run-time invariants (SPEC.md §4), cheap enough to check always. Each check returns null or
 * a violation naming the invariant, the seq and the state involved; the engine halts on the
 * first one (L9).
 */
import type { InvariantViolation } from '../step-result.ts';
import type { EngineState, InstrumentState } from '../state/engine-state.ts';

export function violation(invariant: string, seq: number, message: string, state: Record<string, unknown>): InvariantViolation {
  return Object.freeze({ invariant, seq, message, state: Object.freeze(state) });
}

/** positions = sum of fills, and the exact cost identity cost − realised = Σ signed fill values. */
export function checkPosition(inst: InstrumentState, seq: number): InvariantViolation | null {
  const p = inst.position;
  if (p.qtyUnits !== p.fillQtySum) {
    return violation('positions_equal_fills', seq, `position of ${p.instrument} is ${p.qtyUnits} but its fills sum to ${p.fillQtySum}`, {
      instrument: p.instrument,
      qtyUnits: p.qtyUnits,
      fillQtySum: p.fillQtySum,
    });
  }
  if (p.costUnits - p.realizedPnlUnits !== p.fillValueSum) {
    return violation('positions_equal_fills', seq, `cost basis of ${p.instrument} does not reconcile with its fills`, {
      instrument: p.instrument,
      costUnits: p.costUnits.toString(),
      realizedPnlUnits: p.realizedPnlUnits.toString(),
      fillValueSum: p.fillValueSum.toString(),
    });
  }
  if (p.qtyUnits === 0 && p.costUnits !== 0n) {
    return violation('positions_equal_fills', seq, `flat position of ${p.instrument} keeps a cost basis`, {
      instrument: p.instrument,
      costUnits: p.costUnits.toString(),
    });
  }
  return null;
}

/**
 * Balances reconcile with fills and fees. Expected balance per currency, recomputed from the
 * fill sums rather than from the balance bookkeeping:
 *   derivatives settle realised PnL − fees in the settlement currency (quote for linear, base
 *   for inverse);
 *   spot moves −Σ signed value − fees in the quote currency and +Σ signed qty in the base.
 */
export function checkBalances(s: EngineState, initial: ReadonlyMap<string, bigint>, seq: number): InvariantViolation | null {
  // Copied key by key, and read back by key below: a Map built from an iterable, and a for-of
  // over entries, make an entry pair and an iterator result per currency (this runs on every fill).
  const expected = new Map<string, bigint>();
  for (const ccy of initial.keys()) expected.set(ccy, initial.get(ccy)!);
  for (const inst of s.instruments.values()) {
    const p = inst.position;
    if (p.fillCount === 0) continue;
    const i = inst.instrument;
    if (i.contractType === 'spot') {
      addUnits(expected, i.quoteCurrency, (-p.fillValueSum - p.feesUnits) * inst.settlementToBalance);
      addUnits(expected, i.baseCurrency, BigInt(p.fillQtySum) * inst.baseToBalance);
    } else {
      // realised = cost − Σ signed values (the cost identity), independent of the balance path
      addUnits(expected, p.settlementCurrency, (p.costUnits - p.fillValueSum - p.feesUnits) * inst.settlementToBalance);
    }
  }
  for (const ccy of expected.keys()) {
    const want = expected.get(ccy)!;
    const have = s.balances.get(ccy) ?? 0n;
    if (have !== want) {
      return violation('balances_reconcile', seq, `balance of ${ccy} is ${have} but fills and fees imply ${want}`, {
        currency: ccy,
        balanceUnits: have.toString(),
        expectedUnits: want.toString(),
      });
    }
  }
  return null;
}

/** Adds `units` to the balance of `currency` in `balances` (a module function: checkBalances runs on every fill). */
function addUnits(balances: Map<string, bigint>, currency: string, units: bigint): void {
  balances.set(currency, (balances.get(currency) ?? 0n) + units);
}

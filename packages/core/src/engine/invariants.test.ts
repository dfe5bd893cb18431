import { describe, expect, it } from 'vitest';
import { EngineState, InstrumentState } from '../state/engine-state.ts';
import { BTC, ETH_SPOT } from '../testing/fixtures.ts';
import { checkBalances } from './invariants.ts';

/** A state whose balances match `initial` plus one fill's worth on each of BTC (linear) and ETH_SPOT. */
function stateWithFills(initial: ReadonlyMap<string, bigint>): EngineState {
  const s = new EngineState('');
  for (const [ccy, v] of initial) s.balances.set(ccy, v);
  for (const inst of [BTC, ETH_SPOT]) {
    const st = new InstrumentState(inst);
    const p = st.position;
    p.fillCount = 1;
    p.fillQtySum = 3;
    p.qtyUnits = 3;
    p.costUnits = 70n;
    p.fillValueSum = 60n;
    p.feesUnits = 2n;
    s.instruments.set(inst.id, st);
  }
  const btc = s.instruments.get(BTC.id)!.position;
  // linear: realised − fees = cost − Σ values − fees in the settlement currency
  s.balances.set(btc.settlementCurrency, (s.balances.get(btc.settlementCurrency) ?? 0n) + 70n - 60n - 2n);
  // spot: −Σ values − fees in the quote currency, +Σ qty in the base currency
  s.balances.set(ETH_SPOT.quoteCurrency, (s.balances.get(ETH_SPOT.quoteCurrency) ?? 0n) - 60n - 2n);
  s.balances.set(ETH_SPOT.baseCurrency, (s.balances.get(ETH_SPOT.baseCurrency) ?? 0n) + 3n);
  return s;
}

describe('the balance invariant', () => {
  const initial = new Map([
    ['ZZZ', 5n],
    ['USDT', 1_000n],
  ]);

  it('holds when every balance is its initial value plus what the fills and fees imply', () => {
    expect(checkBalances(stateWithFills(initial), initial, 7)).toBeNull();
  });

  it('names the first mismatched currency: the initial ones in their order, then those the fills brought, in instrument order', () => {
    const s = stateWithFills(initial);
    s.balances.set(ETH_SPOT.baseCurrency, s.balances.get(ETH_SPOT.baseCurrency)! + 1n);
    expect(checkBalances(s, initial, 7)?.state).toMatchObject({ currency: ETH_SPOT.baseCurrency });
    s.balances.set('USDT', 999n);
    expect(checkBalances(s, initial, 7)).toMatchObject({ invariant: 'balances_reconcile', seq: 7, state: { currency: 'USDT' } });
    s.balances.set('ZZZ', 4n);
    expect(checkBalances(s, initial, 7)?.state).toMatchObject({ currency: 'ZZZ', balanceUnits: '4', expectedUnits: '5' });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balanceDecimals, formatDecimalUnits, type Instrument } from '@chassis/core';
import type { InstrumentMeta } from '@chassis/storage';
import { parseRunDefinition } from './run-definition.ts';
import { defaultBalances, engineConfigOf, instrumentFromMeta, type ResolvedRun } from './resolved-run.ts';

/** A spot instrument settled in USDT with the given price and size decimals (tick and lot = one unit). */
function spot(priceDecimals: number, sizeDecimals: number): ResolvedRun['instruments'][number] {
  return {
    id: 'synthetic:FINE-USDT',
    venue: 'synthetic',
    symbol: 'FINE-USDT',
    contractType: 'spot',
    baseCurrency: 'FINE',
    quoteCurrency: 'USDT',
    priceDecimals,
    sizeDecimals,
    tickUnits: 1,
    lotUnits: 1,
    minNotionalUnits: '0',
    multiplier: 1,
    makerFeePpm: 0,
    takerFeePpm: 0,
  };
}

function runOn(instrument: ResolvedRun['instruments'][number], balances?: Record<string, string>): ResolvedRun {
  const definition = parseRunDefinition({
    data: { venue: instrument.venue, instrument: instrument.symbol },
    strategy: { module: 'examples/strategies/market-maker.ts' },
    ...(balances ? { balances } : {}),
  });
  return { format: 'chassis-run-v1', definition, instruments: [instrument], datasets: [], window: { fromNs: null, toNs: null }, strategy: { module: 'x', sha256: '0' }, codeVersion: 'test' };
}

describe('engineConfigOf starting balances', () => {
  it('holds the default 100,000 USDT exactly at KuCoin BCHSV-USDT scales (3 price + 11 size decimals = 10^19 units, beyond 2^53)', () => {
    const config = engineConfigOf(runOn(spot(3, 11)));
    expect(config.initialBalances).toEqual({ USDT: 10n ** 19n });
  });

  it('holds any balance exactly for price and size decimals of 1 to 18 each (money up to 36 decimals)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 18 }),
        fc.integer({ min: 1, max: 18 }),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        (priceDecimals, sizeDecimals, whole) => {
          const instrument = spot(priceDecimals, sizeDecimals);
          const text = `${whole}.25`;
          const config = engineConfigOf(runOn(instrument, { USDT: text }));
          // Reference: the decimal string read back at the balance scale, independent of the parser.
          const places = balanceDecimals([{ ...instrument, minNotionalUnits: 0n } as Instrument]).get('USDT')!;
          expect(places).toBe(priceDecimals + sizeDecimals);
          const units = config.initialBalances!['USDT']!;
          expect(units).toBe((whole * 100n + 25n) * 10n ** BigInt(places - 2));
          expect(formatDecimalUnits(units, places)).toBe(`${whole}.25${'0'.repeat(places - 2)}`);
        },
      ),
    );
  });

  it('defaults to 100000 in a cash settlement asset at every scale', () => {
    for (const d of [0, 11, 18]) {
      expect(defaultBalances({ ...spot(d, d), minNotionalUnits: 0n })).toEqual({ USDT: '100000' });
      expect(engineConfigOf(runOn(spot(d, d))).initialBalances).toEqual({ USDT: 100000n * 10n ** BigInt(2 * d) });
    }
  });
});

describe('run-start refusals name the instrument, the scale and the value', () => {
  it('refuses a balance with more decimals than its currency is held at', () => {
    expect(() => engineConfigOf(runOn(spot(1, 0), { USDT: '1.25' }))).toThrow(
      'balances.USDT "1.25": USDT balances of synthetic:FINE-USDT are held at 1 decimals: "1.25" has more than 1 decimals',
    );
  });

  it('refuses a lot size beyond the exact integer range at the dataset size decimals (18 decimals: lots up to 0.009)', () => {
    const meta: InstrumentMeta = { venue: 'synthetic', symbol: 'FINE-USDT', contractType: 'spot', baseCurrency: 'FINE', quoteCurrency: 'USDT', priceDecimals: 18, sizeDecimals: 18, tickSize: '0.000000000000000001', lotSize: '0.01', multiplier: '1' };
    expect(instrumentFromMeta({ ...meta, lotSize: '0.009' }).lotUnits).toBe(9_000_000_000_000_000);
    expect(() => instrumentFromMeta(meta)).toThrow(
      'instrument synthetic:FINE-USDT lotSize at 18 decimals: "0.01" exceeds the exact integer range at 18 decimals',
    );
  });
});

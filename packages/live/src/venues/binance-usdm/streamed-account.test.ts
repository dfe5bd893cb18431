import { describe, expect, it } from 'vitest';
import { StreamedAccount } from './streamed-account.ts';
import { BTCUSDT, documented } from './test-fixtures.ts';
import { accountUpdateSchema } from './wire.ts';

const update = accountUpdateSchema.parse(documented('account-update.json'));
const bySymbol = new Map([[BTCUSDT.symbol, BTCUSDT]]);

describe('positions and balances from ACCOUNT_UPDATE', () => {
  it('the documented event gives BTCUSDT +10 BTC (BOTH 0, LONG 20, SHORT −10) and both wallet balances', () => {
    const account = new StreamedAccount();
    account.apply(update, bySymbol);
    expect(account.positions()).toEqual([{ instrument: BTCUSDT.id, qtyUnits: 10_000 }]);
    expect(account.walletBalances()).toEqual([
      { asset: 'USDT', amount: '122624.12345678' },
      { asset: 'BUSD', amount: '1.00000000' },
    ]);
    expect(account.tsMs).toBe(1564745798938);
  });

  it('a later event that carries only the changed side and asset keeps the others', () => {
    const account = new StreamedAccount();
    account.apply(update, bySymbol);
    account.apply(
      {
        ...update,
        T: update.T + 1,
        a: { m: 'ORDER', B: [{ a: 'USDT', wb: '100' }], P: [{ s: 'BTCUSDT', pa: '-5', ps: 'SHORT' }] },
      },
      bySymbol,
    );
    expect(account.positions()).toEqual([{ instrument: BTCUSDT.id, qtyUnits: 15_000 }]);
    expect(account.walletBalances()).toContainEqual({ asset: 'USDT', amount: '100' });
    expect(account.walletBalances()).toContainEqual({ asset: 'BUSD', amount: '1.00000000' });
  });

  it('symbols this session does not trade are left out', () => {
    const account = new StreamedAccount();
    account.apply({ ...update, a: { ...update.a, P: [{ s: 'ETHUSDT', pa: '3', ps: 'BOTH' }] } }, bySymbol);
    expect(account.positions()).toEqual([]);
  });
});

import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Account } from './account.ts';
import { startBinanceUsdmEmulator, type BinanceUsdmEmulator } from './index.ts';
import { signedClient } from './signed-client.ts';

/** Decimal text → integer units of 10^-decimals (test-side parser, independent of the emulator's). */
function units(text: string, decimals: number): bigint {
  const neg = text.startsWith('-');
  const [whole, frac = ''] = (neg ? text.slice(1) : text).split('.');
  const v = BigInt(whole!) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, '0').slice(0, decimals) || '0');
  return neg ? -v : v;
}

const fill = fc.record({
  buy: fc.boolean(),
  priceUnits: fc.integer({ min: 5_000_000, max: 7_000_000 }),
  qtyUnits: fc.integer({ min: 1, max: 50 }),
  feeUnits: fc.bigInt({ min: 0n, max: 5_000n }),
});

describe('account bookkeeping', () => {
  it('keeps Σ realised + unrealised(mark) equal to mark × position − Σ signed fill notional, for any fills', () => {
    fc.assert(
      fc.property(
        fc.array(fill, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 5_000_000, max: 7_000_000 }),
        (fills, mark) => {
          const a = new Account(1_000_000_000n);
          let realized = 0n;
          let fees = 0n;
          let signedNotional = 0n;
          let position = 0;
          for (const f of fills) {
            const order = {
              orderId: a.newOrderId(),
              clientOrderId: 'p',
              side: f.buy ? 'BUY' : 'SELL',
              type: 'LIMIT',
              timeInForce: 'GTC',
              reduceOnly: false,
              priceUnits: f.priceUnits,
              qtyUnits: f.qtyUnits,
              filledUnits: 0,
              cumQuoteUnits: 0n,
              status: 'NEW',
              timeMs: 0,
              updateTimeMs: 0,
            } as const;
            const t = a.fill({ ...order }, f.priceUnits, f.qtyUnits, 'taker', f.feeUnits, 0);
            realized += t.realizedUnits;
            fees += f.feeUnits;
            const signed = f.buy ? f.qtyUnits : -f.qtyUnits;
            position += signed;
            signedNotional += BigInt(signed) * BigInt(f.priceUnits);
          }
          expect(a.positionUnits).toBe(position);
          expect(realized + a.unrealizedUnits(mark)).toBe(BigInt(mark) * BigInt(position) - signedNotional);
          expect(a.walletUnits).toBe(1_000_000_000n + realized - fees);
        },
      ),
    );
  });
});

let emu: BinanceUsdmEmulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

describe('fills by HTTP against the replayed market', () => {
  it('books trades whose commission is the documented rate of their notional, and a wallet that moves by Σ realised PnL − Σ commission', async () => {
    emu = await startBinanceUsdmEmulator({ speed: 'manual', start: 'manual', initialUsdt: '10000' });
    const c = signedClient(emu);
    emu.market.step(1000);
    const sequence: ['BUY' | 'SELL', string][] = [
      ['BUY', '0.005'],
      ['BUY', '0.003'],
      ['SELL', '0.006'],
      ['SELL', '0.004'],
      ['BUY', '0.002'],
    ];
    for (const [side, quantity] of sequence) {
      expect(
        (await c.signed('POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side, type: 'MARKET', quantity })).status,
      ).toBe(200);
      emu.market.step(700);
    }
    const trades = (await c.signed('GET', '/fapi/v1/userTrades', { symbol: 'BTCUSDT' })).json as {
      side: string;
      qty: string;
      quoteQty: string;
      commission: string;
      realizedPnl: string;
      maker: boolean;
    }[];
    expect(trades.length).toBeGreaterThanOrEqual(sequence.length);
    let sumRealized = 0n;
    let sumCommission = 0n;
    let sellMinusBuy = 0n;
    let position = 0n;
    for (const t of trades) {
      const quote8 = units(t.quoteQty, 8);
      // USDⓈ-M default tier: taker 0.0500 %, maker 0.0200 %; the venue rounds up to 10^-5 USDT.
      const rateE4 = t.maker ? 2n : 5n;
      const exact = quote8 * rateE4; // commission × 10^12
      const step = 10n ** 7n; // 10^-5 USDT in units of 10^-12
      expect(units(t.commission, 12)).toBe(((exact + step - 1n) / step) * step);
      sumRealized += units(t.realizedPnl, 8);
      sumCommission += units(t.commission, 8);
      sellMinusBuy += t.side === 'SELL' ? quote8 : -quote8;
      position += (t.side === 'BUY' ? 1n : -1n) * units(t.qty, 3);
    }
    // The sequence ends flat: what was realised is exactly what the sells brought in minus what the buys cost.
    expect(position).toBe(0n);
    expect(sumRealized).toBe(sellMinusBuy);
    const balance = ((await c.signed('GET', '/fapi/v2/balance')).json as { asset: string; balance: string }[])[0]!;
    expect(balance.asset).toBe('USDT');
    expect(units(balance.balance, 8)).toBe(units('10000', 8) + sumRealized - sumCommission);
    const risk = (
      (await c.signed('GET', '/fapi/v2/positionRisk', { symbol: 'BTCUSDT' })).json as { positionAmt: string }[]
    )[0]!;
    expect(risk.positionAmt).toBe('0.000');
  });
});

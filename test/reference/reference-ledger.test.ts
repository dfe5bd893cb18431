/**
 * The reference accounting checked against the venues' published worked examples (not against
 * production): if these fail, the oracle itself is wrong.
 * - Binance "How to calculate unrealized PNL" (USDⓈ-M: size × direction × (mark − entry);
 *   COIN-M: size × multiplier × direction × (1/entry − 1/mark)).
 * - Coin-margined average entry (Binance/KuCoin/Coinlocally help pages): 1,000 contracts at
 *   5,000 plus 2,000 at 6,000 → total coin value 0.2 + 0.3333… BTC → average 5,625 USD.
 */
import { describe, expect, it } from 'vitest';
import { parseDecimalUnits, type Instrument } from '@chassis/core';
import { instrumentOf } from './capture-market.ts';
import { ReferenceLedger } from './reference-ledger.ts';
import { feeOf } from './reference-venue.ts';
import { fromUnits, ratio, show, ZERO } from './rational.ts';
import { requestSent } from './request-sent.ts';

/** The venues' published instrument specs (tick, lot, contract type, multiplier / ctVal). */
const COINM = instrumentOf('binance-coinm', 'BTCUSD_PERP', { priceDecimals: 0, sizeDecimals: 0 });
const USDM = instrumentOf('binance-usdm', 'BTCUSDT', { priceDecimals: 0, sizeDecimals: 0 });
const OKX_CTVAL = instrumentOf('okx', 'BTC-USDT-SWAP', { priceDecimals: 0, sizeDecimals: 0 });
const px = (inst: Instrument, text: string) => parseDecimalUnits(text, inst.priceDecimals);
const sz = (inst: Instrument, text: string) => parseDecimalUnits(text, inst.sizeDecimals);

let seq = 0;
function fill(
  ledger: ReferenceLedger,
  inst: Instrument,
  side: 'buy' | 'sell',
  price: string,
  qty: string,
  feeUnits = 0n,
): void {
  const orderId = ++seq;
  const req = requestSent({
    seq: ++seq,
    tsLocalNs: 0n,
    request: 'new',
    orderId,
    instrument: inst.id,
    side,
    priceUnits: px(inst, price),
    qtyUnits: sz(inst, qty),
  });
  ledger.onRequestSent(req);
  ledger.onExecution({
    kind: 'order_filled',
    seq: ++seq,
    tsEventNs: 0n,
    tsLocalNs: 0n,
    orderId,
    requestSeq: req.seq,
    fillId: `f${orderId}`,
    priceUnits: req.priceUnits,
    qtyUnits: req.qtyUnits,
    liquidity: 'taker',
    feeUnits,
    final: true,
  });
}

const ledgerOf = (inst: Instrument) =>
  new ReferenceLedger([inst], new Map([[ReferenceLedger.settlementAsset(inst), ZERO]]));

describe('the reference ledger reproduces the published formulas', () => {
  it('averages coin-margined entries harmonically: 1,000 contracts at 5,000 and 2,000 at 6,000 average 5,625', () => {
    const inst = { ...COINM, multiplier: 1 }; // the worked example counts 1-USD contracts
    const ledger = ledgerOf(inst);
    fill(ledger, inst, 'buy', '5000', '1000');
    fill(ledger, inst, 'buy', '6000', '2000');
    expect(show(ledger.averageEntry(inst.id)!)).toBe('5625');
  });

  it('gives 1,000 one-USD contracts long from 5,000 marked at 5,500 an unrealised PnL of 1/55 BTC (0.01818)', () => {
    const inst = { ...COINM, multiplier: 1 };
    const ledger = ledgerOf(inst);
    fill(ledger, inst, 'buy', '5000', '1000');
    expect(ledger.unrealisedPnl(inst.id, px(inst, '5500'))).toEqual(ratio(1n, 55n));
  });

  it('realises qty × 100 × (1/entry − 1/exit) BTC on a COIN-M long closed higher: 10 contracts 50,000 → 55,000 = 1/550 BTC', () => {
    const ledger = ledgerOf(COINM);
    fill(ledger, COINM, 'buy', '50000', '10');
    fill(ledger, COINM, 'sell', '55000', '10');
    expect(ledger.positions.get(COINM.id)!.realisedPnl).toEqual(ratio(1n, 550n));
  });

  it('realises (exit − entry) × qty USDT on a USD-M short: 0.5 BTC sold at 60,000 and bought back at 59,000 = 500 USDT', () => {
    const ledger = ledgerOf(USDM);
    fill(ledger, USDM, 'sell', '60000', '0.5');
    fill(ledger, USDM, 'buy', '59000', '0.5');
    expect(ledger.positions.get(USDM.id)!.realisedPnl).toEqual(ratio(500n));
  });

  it('scales an OKX linear swap by ctVal: 3 contracts of 0.01 BTC from 60,000 to 61,000 realise 30 USDT', () => {
    const ledger = ledgerOf(OKX_CTVAL);
    fill(ledger, OKX_CTVAL, 'buy', '60000', '3');
    fill(ledger, OKX_CTVAL, 'sell', '61000', '3');
    expect(ledger.positions.get(OKX_CTVAL.id)!.realisedPnl).toEqual(ratio(30n));
  });

  it('flips a position: the closed part realises at the average entry, the rest opens at the fill price', () => {
    const ledger = ledgerOf(USDM);
    fill(ledger, USDM, 'buy', '100', '1');
    fill(ledger, USDM, 'buy', '101', '2');
    fill(ledger, USDM, 'sell', '103', '4');
    const p = ledger.positions.get(USDM.id)!;
    expect([p.qtyUnits, show(p.realisedPnl), show(ledger.averageEntry(USDM.id)!)]).toEqual([
      sz(USDM, '-1'),
      '7',
      '103',
    ]); // 3 × 103 − (100 + 202)
  });

  it('charges COIN-M fees as qty × 100 / price × rate in BTC: 10 contracts at 50,000, 0.05% taker = 0.00001 BTC', () => {
    expect(feeOf(COINM, px(COINM, '50000'), sz(COINM, '10'), 500)).toEqual(fromUnits(1000n, 8));
  });

  it('charges USD-M fees as price × qty × rate in USDT: 0.5 BTC at 60,000, 0.02% maker = 6 USDT', () => {
    expect(feeOf(USDM, px(USDM, '60000'), sz(USDM, '0.5'), 200)).toEqual(ratio(6n));
  });
});

/**
 * A deterministic event stream in blocks for the write-ahead journal's crash tests: block k
 * holds 1..5 events; every few blocks one carries a large book snapshot (~160 KiB) so a kill
 * can land inside a write.
 */
import type { Event } from '@chassis/core';

const T0 = 1_764_633_600_000_000_000n;

export function eventAt(seq: number, bigBook: boolean): Event {
  const t = T0 + BigInt(seq) * 250_000n;
  if (bigBook) {
    const count = 20_000;
    const sides = new Uint8Array(count);
    const prices = new Float64Array(count);
    const sizes = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      sides[i] = i < count / 2 ? 0 : 1;
      prices[i] = i < count / 2 ? 9_000_000 - i * 10 : 9_000_010 + (i - count / 2) * 10;
      sizes[i] = ((seq * 31 + i * 7) % 997) + 1;
    }
    return {
      kind: 'book_delta',
      seq,
      tsEventNs: t,
      tsLocalNs: t + 9n,
      instrument: 'binance-usdm:BTCUSDT',
      updateId: BigInt(seq),
      isSnapshot: true,
      offset: 0,
      count,
      sides,
      prices,
      sizes,
    };
  }
  if (seq % 2 === 0)
    return {
      kind: 'trade',
      seq,
      tsEventNs: t,
      tsLocalNs: t + 9n,
      instrument: 'binance-usdm:BTCUSDT',
      tradeId: `${seq}`,
      priceUnits: 9_000_000 + (seq % 50),
      qtyUnits: (seq % 13) + 1,
      aggressor: seq % 4 ? 'buy' : 'sell',
    };
  return {
    kind: 'order_filled',
    seq,
    tsEventNs: t,
    tsLocalNs: t + 9n,
    orderId: seq,
    requestSeq: -1,
    fillId: `f${seq}`,
    priceUnits: 9_000_000,
    qtyUnits: 1,
    liquidity: 'maker',
    feeUnits: -2n,
    final: true,
  };
}

/** Block `k` starting at `firstSeq`. */
export function blockAt(k: number, firstSeq: number): Event[] {
  const size = (k % 5) + 1;
  return Array.from({ length: size }, (_, i) => eventAt(firstSeq + i, k % 4 === 1 && i === 0));
}

/** Seqs at which blocks end, for the first `blocks` blocks. */
export function blockEnds(blocks: number): number[] {
  const ends: number[] = [];
  for (let k = 0, seq = 0; k < blocks; k++) ends.push((seq += (k % 5) + 1));
  return ends;
}

/**
 * Per-instrument running totals of the trade tape (Market State, SPEC.md §3): trade count,
 * traded quantity per aggressor side and traded notional, all exact integers. They are part of
 * the state hash, so a trade whose price, quantity or aggressor differs changes the state from
 * that trade on — not only while it is the last trade — and replay reports it at the first
 * checkpoint after it. Cost per trade: a few additions, no allocation.
 */
// @ts-nocheck


const TWO32 = 4294967296;

/**
 * An exact running sum of non-negative safe integers, as hi × 2^32 + lo (both doubles holding
 * integers, lo < 2^32), exact until hi reaches 2^53; terms that are not safe integers (e.g. a
 * product above 2^53) go to a bigint remainder.
 */
export class ExactSum {
  hi = 0;
  lo = 0;
  big = 0n;

  add(x: number): void {
    if (!Number.isSafeInteger(x) || x < 0) {
      this.addBig(x);
      return;
    }
    const xh = Math.floor(x / TWO32);
    this.hi += xh;
    this.lo += x - xh * TWO32;
    if (this.lo >= TWO32) {
      this.lo -= TWO32;
      this.hi++;
    }
  }

  /** The product a × b of two safe integers, exactly. */
  addProduct(a: number, b: number): void {
    const p = a * b;
    if (Number.isSafeInteger(p) && p >= 0) this.add(p);
    else if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) this.big += BigInt(a) * BigInt(b);
    else this.addBig(p);
  }

  /** Negative or unsafe terms (never produced by validated integer units). */
  private addBig(x: number): void {
    this.big += Number.isFinite(x) ? BigInt(Math.trunc(x)) : 0n;
  }

  /** The exact value. */
  value(): bigint {
    return BigInt(this.hi) * BigInt(TWO32) + BigInt(this.lo) + this.big;
  }
}

export class TradeTape {
  count = 0;
  readonly buyQtyUnits = new ExactSum();
  readonly sellQtyUnits = new ExactSum();
  readonly unknownQtyUnits = new ExactSum();
  /** Σ price units × qty units over all trades. */
  readonly notionalUnits = new ExactSum();

  add(priceUnits: number, qtyUnits: number, aggressor: string): void {
    this.count++;
    (aggressor === 'buy' ? this.buyQtyUnits : aggressor === 'sell' ? this.sellQtyUnits : this.unknownQtyUnits).add(qtyUnits);
    this.notionalUnits.addProduct(priceUnits, qtyUnits);
  }
}

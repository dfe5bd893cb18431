// @ts-nocheck
import type { BboBatch, BookDeltaBatch, CanonicalBatch, CanonicalKind, TradeBatch } from '@chassis/storage';
import { ChassisError } from '@chassis/core';
import { POW10, scan, scanDecimal } from './decimal-scan.ts';

/** Growable typed column. */
class Col<T extends BigInt64Array | Float64Array | Uint8Array> {
  data: T;
  constructor(
    private readonly make: (n: number) => T,
    /** Columns a kind does not use stay empty and never grow. */
    readonly used = true,
  ) {
    this.data = make(used ? 1024 : 0);
  }
  grow(need: number): void {
    if (!this.used || need <= this.data.length) return;
    const next = this.make(Math.max(need, this.data.length * 2));
    (next as unknown as { set(a: T): void }).set(this.data);
    this.data = next;
  }
}

const i64 = (used = true) => new Col((n) => new BigInt64Array(n), used);
const f64 = () => new Col((n) => new Float64Array(n));
const u8 = (used = true) => new Col((n) => new Uint8Array(n), used);

/**
 * Accumulates one segment of one kind as typed columns. Prices/sizes are integer units at the
 * builder's current precision; when a value with more significant decimals arrives, earlier
 * values are rescaled (rare: only while precision is being discovered), so the result is exact.
 */
export class ColumnBuilder {
  readonly kind: CanonicalKind;
  length = 0;
  priceDecimals = 0;
  sizeDecimals = 0;
  readonly tsEvent = i64();
  readonly tsLocal = i64();
  readonly updateId: Col<BigInt64Array>;
  readonly batchId: Col<BigInt64Array>;
  readonly isSnapshot: Col<Uint8Array>;
  readonly side: Col<Uint8Array>;
  readonly aggressor: Col<Uint8Array>;
  readonly tradeId: string[] = [];
  /** book_delta: price,size; trade: price,size; bbo: bidPrice,bidSize,askPrice,askSize. */
  readonly prices: Col<Float64Array>[];
  readonly sizes: Col<Float64Array>[];

  constructor(kind: CanonicalKind) {
    this.kind = kind;
    const book = kind === 'book_delta';
    this.updateId = i64(kind !== 'trade');
    this.batchId = i64(book);
    this.isSnapshot = u8(book);
    this.side = u8(book);
    this.aggressor = u8(kind === 'trade');
    const n = kind === 'bbo' ? 2 : 1;
    this.prices = Array.from({ length: n }, f64);
    this.sizes = Array.from({ length: n }, f64);
  }

  private finished = false;

  /** Frees the columns (after the dataset was written); length stays for reporting. */
  release(): void {
    for (const c of [this.tsEvent, this.tsLocal, this.updateId, this.batchId]) c.data = new BigInt64Array(0);
    for (const c of [this.isSnapshot, this.side, this.aggressor]) c.data = new Uint8Array(0);
    for (const c of [...this.prices, ...this.sizes]) c.data = new Float64Array(0);
    this.tradeId.length = 0;
  }

  /** Rows every column can hold without growing. */
  private capacity = 1024;

  /** Appends a row slot and returns its index; callers fill the columns they own. */
  row(tsEventNs: bigint, tsLocalNs: bigint): number {
    const i = this.length++;
    if (this.length > this.capacity) this.growAll(this.capacity * 2);
    this.tsEvent.data[i] = tsEventNs;
    this.tsLocal.data[i] = tsLocalNs;
    return i;
  }

  private growAll(need: number): void {
    for (const c of [this.tsEvent, this.tsLocal, this.updateId, this.batchId]) c.grow(need);
    for (const c of [this.isSnapshot, this.side, this.aggressor]) c.grow(need);
    for (const c of this.prices) c.grow(need);
    for (const c of this.sizes) c.grow(need);
    this.capacity = need;
  }

  private static rescale(cols: Col<Float64Array>[], rows: number, factor: number): void {
    for (const c of cols) for (let i = 0; i < rows; i++) c.data[i] = c.data[i]! * factor;
  }

  /** Stores a decimal string into price column `k` at row i; false if it is not a decimal. */
  setPrice(k: number, i: number, text: string): boolean {
    if (!scanDecimal(text)) return false;
    if (scan.decimals > this.priceDecimals) {
      // Rows [0, i]: row i may already hold another price column of this row (bbo bid before ask).
      ColumnBuilder.rescale(this.prices, i + 1, POW10[scan.decimals - this.priceDecimals]!);
      this.priceDecimals = scan.decimals;
    }
    this.prices[k]!.data[i] = scan.units * POW10[this.priceDecimals - scan.decimals]!;
    return true;
  }

  setSize(k: number, i: number, text: string): boolean {
    if (!scanDecimal(text)) return false;
    if (scan.decimals > this.sizeDecimals) {
      ColumnBuilder.rescale(this.sizes, i + 1, POW10[scan.decimals - this.sizeDecimals]!);
      this.sizeDecimals = scan.decimals;
    }
    this.sizes[k]!.data[i] = scan.units * POW10[this.sizeDecimals - scan.decimals]!;
    return true;
  }

  /**
   * The finished batch with prices/sizes at the instrument-wide precision (≥ this builder's).
   * The batch views the builder's own columns (no copy; prices/sizes are rescaled in place), so
   * the builder must not be appended to afterwards; `release()` drops the columns once written.
   */
  finish(priceDecimals: number, sizeDecimals: number): CanonicalBatch {
    if (this.finished) throw new ChassisError('E_INTERNAL', 'ColumnBuilder.finish called twice');
    this.finished = true;
    const n = this.length;
    const pf = POW10[priceDecimals - this.priceDecimals]!;
    const sf = POW10[sizeDecimals - this.sizeDecimals]!;
    const scaled = (c: Col<Float64Array>, f: number): Float64Array => {
      const out = c.data.subarray(0, n);
      if (f !== 1) for (let i = 0; i < n; i++) out[i] = out[i]! * f;
      for (let i = 0; i < n; i++) {
        if (!Number.isSafeInteger(out[i]!)) throw new ChassisError('E_PRECISION', `value ${out[i]} exceeds the exact integer range at ${priceDecimals}/${sizeDecimals} decimals`);
      }
      return out;
    };
    const ts = { tsEventNs: this.tsEvent.data.subarray(0, n), tsLocalNs: this.tsLocal.data.subarray(0, n) };
    switch (this.kind) {
      case 'book_delta':
        return {
          kind: 'book_delta', length: n, ...ts, updateId: this.updateId.data.subarray(0, n), batchId: this.batchId.data.subarray(0, n),
          isSnapshot: this.isSnapshot.data.subarray(0, n), side: this.side.data.subarray(0, n), price: scaled(this.prices[0]!, pf), size: scaled(this.sizes[0]!, sf),
        } satisfies BookDeltaBatch;
      case 'trade':
        return {
          kind: 'trade', length: n, ...ts, tradeId: this.tradeId.slice(0, n), price: scaled(this.prices[0]!, pf), size: scaled(this.sizes[0]!, sf),
          aggressor: this.aggressor.data.subarray(0, n),
        } satisfies TradeBatch;
      case 'bbo':
        return {
          kind: 'bbo', length: n, ...ts, updateId: this.updateId.data.subarray(0, n), bidPrice: scaled(this.prices[0]!, pf), bidSize: scaled(this.sizes[0]!, sf),
          askPrice: scaled(this.prices[1]!, pf), askSize: scaled(this.sizes[1]!, sf),
        } satisfies BboBatch;
    }
  }
}

/**
 * The canonical book of one instrument, rebuilt from its promoted book_delta datasets alone and
 * sampled at checkpoints: after the last row of each delta batch whose update id is a checkpoint.
 */
import { openCatalog, readCanonical, type BboBatch, type BookDeltaBatch, type Storage } from '@chassis/storage';
import type { VenueId } from '@chassis/venues';

/** Best bid and ask (price, size) of the capture's book tickers by their update id. */
export async function bboCheckpoints(storage: Storage, venue: VenueId, instrument: string): Promise<Map<bigint, string>> {
  const out = new Map<bigint, string>();
  for (const ds of await openCatalog(storage).find({ venue, instrument, kind: 'bbo' })) {
    for await (const b of readCanonical(storage, ds) as AsyncIterable<BboBatch>) {
      for (let i = 0; i < b.length; i++) out.set(b.updateId[i]!, `${b.bidPrice[i]}x${b.bidSize[i]} / ${b.askPrice[i]}x${b.askSize[i]}`);
    }
  }
  return out;
}

export interface BookSample {
  /** Best `depth` levels per side, `price x size`, bids descending then asks ascending. */
  readonly top: string;
  /** Best bid and ask in the checkpoint's format. */
  readonly best: string;
}

/** One side: sizes by price, and the prices kept sorted ascending so the top is read, not sorted. */
class Side {
  private readonly sizes = new Map<number, number>();
  private readonly prices: number[] = [];

  constructor(private readonly bids: boolean) {}

  private indexOf(price: number): number {
    let lo = 0;
    let hi = this.prices.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.prices[mid]! < price) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  set(price: number, size: number): void {
    const had = this.sizes.has(price);
    if (size === 0) {
      if (!had) return;
      this.sizes.delete(price);
      this.prices.splice(this.indexOf(price), 1);
      return;
    }
    if (!had) this.prices.splice(this.indexOf(price), 0, price);
    this.sizes.set(price, size);
  }

  clear(): void {
    this.sizes.clear();
    this.prices.length = 0;
  }

  /** Best `depth` levels, best first. */
  top(depth: number): [number, number][] {
    const n = this.prices.length;
    const picked = this.bids ? this.prices.slice(Math.max(0, n - depth)).reverse() : this.prices.slice(0, depth);
    return picked.map((p) => [p, this.sizes.get(p)!]);
  }
}

/** The rebuilt book at every checkpoint update id the book_delta datasets reach. */
export async function bookAtCheckpoints(storage: Storage, venue: VenueId, instrument: string, checkpoints: ReadonlySet<bigint>, depth: number): Promise<Map<bigint, BookSample>> {
  const bids = new Side(true);
  const asks = new Side(false);
  const out = new Map<bigint, BookSample>();
  let batch = -1n;
  let updateId = -1n;
  const sample = () => {
    if (batch < 0n || !checkpoints.has(updateId)) return;
    const b = bids.top(depth);
    const a = asks.top(depth);
    out.set(updateId, { top: [...b, ...a].map(([p, s]) => `${p}x${s}`).join(' '), best: `${b[0]?.[0]}x${b[0]?.[1]} / ${a[0]?.[0]}x${a[0]?.[1]}` });
  };
  for (const ds of await openCatalog(storage).find({ venue, instrument, kind: 'book_delta' })) {
    for await (const b of readCanonical(storage, ds, { batchRows: 10_000 }) as AsyncIterable<BookDeltaBatch>) {
      for (let i = 0; i < b.length; i++) {
        if (b.batchId[i] !== batch) {
          sample();
          batch = b.batchId[i]!;
          updateId = b.updateId[i]!;
          if (b.isSnapshot[i] === 1) {
            bids.clear();
            asks.clear();
          }
        }
        (b.side[i] === 1 ? asks : bids).set(b.price[i]!, b.size[i]!);
      }
    }
  }
  sample();
  return out;
}

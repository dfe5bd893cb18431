/**
 * The venue's own book of one Binance symbol, built from what the server has served: the
 * capture's REST snapshot (lastUpdateId L), then every served diff that the documented sync
 * procedure would apply (futures u >= L, spot u > L; earlier diffs describe a book before the
 * snapshot and are only passed through). A REST depth request is answered from this book at the
 * moment it is asked, with lastUpdateId = the last applied u (= L before any diff).
 */
import { L2Book } from '@chassis/venues';

interface Levels {
  readonly bids: readonly (readonly [string, string])[];
  readonly asks: readonly (readonly [string, string])[];
}

export interface DepthDiff extends Levels {
  readonly U: bigint;
  readonly u: bigint;
  /** Event time E and transaction time T (futures), ms. */
  readonly eventMs: number;
  readonly transactMs: number | null;
}

/** Parses a served depthUpdate (combined-stream envelope) into the fields the book needs. */
export function parseDepthDiff(text: string): DepthDiff {
  const data = (JSON.parse(text) as { data: { U: number; u: number; E: number; T?: number; b: [string, string][]; a: [string, string][] } }).data;
  // U/u exceed 2^53 on no venue today (Binance ids ~5e12), so the JSON numbers are exact.
  return { U: BigInt(data.U), u: BigInt(data.u), eventMs: data.E, transactMs: data.T ?? null, bids: data.b, asks: data.a };
}

export class BinanceSymbolBook {
  readonly book = new L2Book();
  /** Update id of the book as it stands (L, then the last applied diff's u). */
  lastUpdateId: bigint;
  /** Event / transaction time of the book state, ms (the snapshot's, then the last diff's). */
  eventMs: number | null;
  transactMs: number | null;
  /** Diffs applied on top of the snapshot. */
  applied = 0;

  constructor(
    readonly symbol: string,
    snapshotText: string,
    private readonly futures: boolean,
  ) {
    const snap = JSON.parse(snapshotText) as { lastUpdateId: number; E?: number; T?: number } & { bids: [string, string][]; asks: [string, string][] };
    this.lastUpdateId = BigInt(snap.lastUpdateId);
    this.eventMs = snap.E ?? null;
    this.transactMs = snap.T ?? null;
    this.book.apply(snap.bids, snap.asks, true);
  }

  /** True when the sync procedure applies this diff on top of the book (it is not older than the book). */
  applies(u: bigint): boolean {
    return this.futures ? u >= this.lastUpdateId : u > this.lastUpdateId;
  }

  apply(diff: DepthDiff): boolean {
    if (!this.applies(diff.u)) return false;
    this.book.apply(diff.bids, diff.asks, false);
    this.lastUpdateId = diff.u;
    this.eventMs = diff.eventMs;
    this.transactMs = diff.transactMs;
    this.applied++;
    return true;
  }

  /** The top `limit` levels per side as [price, size] strings, as the venue sent them. */
  top(limit: number): Levels {
    const side = (levels: readonly { price: string; size: string }[]) => levels.slice(0, limit).map((l) => [l.price, l.size] as const);
    return { bids: side(this.book.bids.levels), asks: side(this.book.asks.levels) };
  }

  /**
   * REST depth body: USD-M `{lastUpdateId,E,T,bids,asks}`, COIN-M `{lastUpdateId,symbol,pair,E,T,bids,asks}`
   * (`withPair`), spot `{lastUpdateId,bids,asks}`.
   */
  restBody(limit: number, withPair = false): string {
    const { bids, asks } = this.top(limit);
    const id = this.lastUpdateId.toString();
    const pair = withPair ? `,"symbol":"${this.symbol}","pair":"${this.symbol.replace(/_.*$/, '')}"` : '';
    const times = this.futures ? `,"E":${this.eventMs ?? 0},"T":${this.transactMs ?? this.eventMs ?? 0}` : '';
    return `{"lastUpdateId":${id}${pair}${times},"bids":${JSON.stringify(bids)},"asks":${JSON.stringify(asks)}}`;
  }
}

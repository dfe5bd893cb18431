/**
 * Test oracle: a Binance book rebuilt straight from the capture file's lines with a plain Map,
 * by the documented procedure (snapshot, then every diff with futures u >= L / spot u > L).
 * Shares no code with the server (which uses L2Book and its own loader).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export type Side = Map<string, string>;

export interface RebuiltBook {
  readonly bids: Side;
  readonly asks: Side;
  lastUpdateId: bigint;
}

/** The capture's lines as `[captureNs, json]`, in file order (hftbacktest layout). */
export function captureLines(path: string): [string, string][] {
  return gunzipSync(readFileSync(path))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]);
}

function setLevels(side: Side, levels: [string, string][]): void {
  for (const [p, s] of levels) {
    if (Number(s) === 0) side.delete(p);
    else side.set(p, s);
  }
}

/** The book from the capture's snapshot, advanced one stream message at a time. */
export class ReferenceBinanceBook implements RebuiltBook {
  readonly bids: Side = new Map();
  readonly asks: Side = new Map();
  lastUpdateId: bigint;

  constructor(
    snapshotJson: string,
    private readonly futures: boolean,
  ) {
    const snap = JSON.parse(snapshotJson) as { lastUpdateId: number; bids: [string, string][]; asks: [string, string][] };
    this.lastUpdateId = BigInt(snap.lastUpdateId);
    setLevels(this.bids, snap.bids);
    setLevels(this.asks, snap.asks);
  }

  /** Applies one combined-stream message if it is a diff the sync procedure applies. */
  apply(text: string): void {
    const msg = JSON.parse(text) as { data: { e?: string; u: number; b: [string, string][]; a: [string, string][] } };
    if (msg.data.e !== 'depthUpdate') return;
    const u = BigInt(msg.data.u);
    if (this.futures ? u < this.lastUpdateId : u <= this.lastUpdateId) return;
    setLevels(this.bids, msg.data.b);
    setLevels(this.asks, msg.data.a);
    this.lastUpdateId = u;
  }
}

/** The best `n` levels of a side as [price, size], bids descending, asks ascending. */
export function topLevels(side: Side, n: number, bids: boolean): [string, string][] {
  return [...side].sort((x, y) => (bids ? Number(y[0]) - Number(x[0]) : Number(x[0]) - Number(y[0]))).slice(0, n);
}

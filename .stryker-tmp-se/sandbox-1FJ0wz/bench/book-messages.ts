/**
 * Canonical book_delta batches regrouped per venue message (a run of equal batch_id): the
 * level columns concatenated into single typed arrays plus the start row of every message.
 * Both book-build contestants get their input from this, prepared before timing.
 */
// @ts-nocheck

import type { BookDeltaBatch } from '@chassis/storage';

export interface BookMessages {
  /** Number of messages; message m covers rows start[m] .. start[m+1]-1. */
  readonly count: number;
  readonly start: Int32Array;
  /** 1 = the message is a full snapshot (replaces the book). */
  readonly snapshot: Uint8Array;
  /** 0 = bid, 1 = ask. */
  readonly side: Uint8Array;
  /** Integer price units. */
  readonly price: Float64Array;
  /** Integer size units; 0 removes the level. */
  readonly size: Float64Array;
}

export function bookMessages(batches: readonly BookDeltaBatch[]): BookMessages {
  const rows = batches.reduce((s, b) => s + b.length, 0);
  const side = new Uint8Array(rows);
  const price = new Float64Array(rows);
  const size = new Float64Array(rows);
  const starts: number[] = [];
  const snaps: number[] = [];
  let at = 0;
  let prev: bigint | null = null;
  for (const b of batches) {
    side.set(b.side, at);
    price.set(b.price, at);
    size.set(b.size, at);
    for (let i = 0; i < b.length; i++) {
      const id = b.batchId[i]!;
      if (id !== prev) {
        starts.push(at + i);
        snaps.push(b.isSnapshot[i]!);
        prev = id;
      }
    }
    at += b.length;
  }
  starts.push(rows);
  return { count: snaps.length, start: Int32Array.from(starts), snapshot: Uint8Array.from(snaps), side, price, size };
}

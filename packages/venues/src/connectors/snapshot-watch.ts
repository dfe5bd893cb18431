/**
 * Book watch for venues whose book restarts from a venue snapshot and carries no sequence the
 * connector can check on the text alone (BitMEX `partial`, Kraken v2 checksums, Coinbase's
 * connection-wide `sequence_num`): a snapshot syncs the symbol, later diffs are `continuous`,
 * diffs before any snapshot `unsynced`. Integrity proper is the format's check on reading.
 */
import type { BookSequenceWatch, SequenceStep } from './sequence-watch.ts';

/** What a depth frame is: its symbol and whether it is a snapshot; null for any other frame. */
export type BookFrameReader = (text: string) => { readonly symbol: string; readonly snapshot: boolean } | null;

export function snapshotWatch(read: BookFrameReader): BookSequenceWatch {
  const synced = new Set<string>();
  const none: SequenceStep = { kind: 'none' };
  return {
    observe(text) {
      const frame = read(text);
      if (frame === null) return none;
      const { symbol } = frame;
      if (frame.snapshot) {
        synced.add(symbol);
        return { kind: 'snapshot', symbol };
      }
      return synced.has(symbol) ? { kind: 'continuous', symbol } : { kind: 'unsynced', symbol };
    },
    reset(symbol) {
      synced.delete(symbol);
    },
  };
}

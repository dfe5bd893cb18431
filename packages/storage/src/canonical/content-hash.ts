import { createHash } from 'node:crypto';
import type { CanonicalBatch } from './batches.ts';
import type { InstrumentMeta } from './dataset.ts';

function feedArray(h: ReturnType<typeof createHash>, a: ArrayBufferView): void {
  h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/**
 * sha256 of the canonical content: a header (kind, instrument metadata) then every column's
 * little-endian bytes in schema order, trade ids newline-joined. Independent of the Parquet
 * writer's byte layout, so the same data always has the same hash and dataset id.
 */
export function contentHash(batch: CanonicalBatch, instrument: InstrumentMeta): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ format: 'chassis-canonical-v1', kind: batch.kind, length: batch.length, instrument }));
  h.update('\n');
  switch (batch.kind) {
    case 'book_delta':
      for (const a of [batch.tsEventNs, batch.tsLocalNs, batch.updateId, batch.batchId, batch.isSnapshot, batch.side, batch.price, batch.size]) feedArray(h, a);
      break;
    case 'trade':
      for (const a of [batch.tsEventNs, batch.tsLocalNs, batch.price, batch.size, batch.aggressor]) feedArray(h, a);
      for (const id of batch.tradeId) h.update(`${id}\n`);
      break;
    case 'bbo':
      for (const a of [batch.tsEventNs, batch.tsLocalNs, batch.updateId, batch.bidPrice, batch.bidSize, batch.askPrice, batch.askSize]) feedArray(h, a);
      break;
  }
  return h.digest('hex');
}

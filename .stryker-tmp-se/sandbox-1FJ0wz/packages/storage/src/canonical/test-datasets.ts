// @ts-nocheck
// Shared fixtures of the canonical-format tests: the Binance USD-M BTCUSDT instrument, empty
// typed-array batches to fill, and the catalog metadata of a promoted dataset.
import type { BookDeltaBatch, CanonicalBatch } from './batches.ts';
import { contentHash } from './content-hash.ts';
import { canonicalPrefix } from './dataset-writer.ts';
import type { DatasetMeta, InstrumentMeta } from './dataset.ts';

/** Binance USD-M BTCUSDT (tick 0.1, lot 0.001); the decimals say at what precision units are stored. */
export function usdmInstrument(priceDecimals = 1, sizeDecimals = 3): InstrumentMeta {
  return {
    venue: 'binance-usdm', symbol: 'BTCUSDT', contractType: 'linear', baseCurrency: 'BTC', quoteCurrency: 'USDT',
    priceDecimals, sizeDecimals, tickSize: '0.1', lotSize: '0.001', multiplier: '1',
  };
}

/** A zero-filled book_delta batch of n rows. */
export function emptyBookDelta(n: number): BookDeltaBatch {
  return {
    kind: 'book_delta', length: n, tsEventNs: new BigInt64Array(n), tsLocalNs: new BigInt64Array(n), updateId: new BigInt64Array(n),
    batchId: new BigInt64Array(n), isSnapshot: new Uint8Array(n), side: new Uint8Array(n), price: new Float64Array(n), size: new Float64Array(n),
  };
}

/** Catalog metadata of a promoted dataset with this content hash (day 2024-08-08, version 1, segment 0). */
export function promotedMeta(hash: string, kind: CanonicalBatch['kind'], rows: number, instrument: InstrumentMeta, startNs = 0n, endNs = 0n): Omit<DatasetMeta, 'files'> {
  const base = { id: `ds_${hash.slice(0, 24)}`, venue: instrument.venue, symbol: instrument.symbol, kind, day: '2024-08-08' };
  return {
    ...base, contentHash: hash, startNs, endNs, rows, version: 1, segment: 0, state: 'Promoted', prefix: canonicalPrefix(base), instrument,
    gaps: [], checks: [], transitions: [], provenance: { rawKeys: [], sourceFiles: [], sourceSha256: [], tsLocalFromEvent: false }, createdAt: '2024-08-08T00:00:00Z',
  };
}

/** Metadata of a batch written whole: hash, row count and time range taken from it. */
export function metaForBatch(batch: CanonicalBatch, instrument: InstrumentMeta): Omit<DatasetMeta, 'files'> {
  return promotedMeta(contentHash(batch, instrument), batch.kind, batch.length, instrument, batch.tsEventNs[0]!, batch.tsEventNs[batch.length - 1]!);
}

export async function collectBatches(iter: AsyncIterable<CanonicalBatch>): Promise<CanonicalBatch[]> {
  const out: CanonicalBatch[] = [];
  for await (const b of iter) out.push(b);
  return out;
}

/**
 * The three real captures of issue 14's venues rewritten in the other capture layouts Chassis
 * reads (chassis-raw with capture time, plain JSON lines without) map to the same market
 * records as the originals (ns-json for Hyperliquid, cryptofeed text for Deribit and BitMEX).
 */
import { describe, expect, it } from 'vitest';
import { parseLine } from './layout.ts';
import type { NormalizedRecord, VenueId } from './records.ts';
import { captureLines, collectRecords, readAltered } from './test-captures.ts';
import { cryptofeedDir, hftbacktestDir } from '../../../../examples/data/index.ts';

const CAPTURES: readonly [VenueId, string, 'ns-json' | 'cryptofeed'][] = [
  ['hyperliquid', `${hftbacktestDir}/hyperliquid_btcusd_20250126.gz`, 'ns-json'],
  ['deribit', `${cryptofeedDir}/DERIBIT.ws.1.0`, 'cryptofeed'],
  ['bitmex', `${cryptofeedDir}/BITMEX.ws.1.0`, 'cryptofeed'],
];

/** What must not depend on the layout: kind, instrument, venue ids and the market content. */
function content(records: readonly NormalizedRecord[]): unknown[] {
  return records.map((r) => {
    switch (r.kind) {
      case 'book_delta':
        return [r.kind, r.venue, r.instrument, r.updateId, r.isSnapshot, r.bids, r.asks];
      case 'trade':
        return [r.kind, r.venue, r.instrument, r.tradeId, r.price, r.size, r.aggressor, r.tsEventNs];
      case 'bbo':
        return [r.kind, r.venue, r.instrument, r.bidPrice, r.bidSize, r.askPrice, r.askSize, r.tsEventNs];
      case 'sync_issue':
        return [r.kind, r.issue];
    }
  });
}

describe.each(CAPTURES)('%s capture in other layouts', async (venue, file, layout) => {
  const lines = await captureLines(file);
  const original = await collectRecords(file);
  // Inbound messages with their capture time, in file order (subscribe requests and headers dropped).
  const messages = lines.map((l) => parseLine(layout, l)).flatMap((p) => (p.kind === 'message' ? [{ tsLocalNs: p.tsLocalNs!, text: p.text! }] : []));

  it('maps the chassis-raw rewrite to the same records with the same capture times', async () => {
    const raw = messages.map((m) => `{"tsLocalNs":"${m.tsLocalNs}","venue":"${venue}","feed":"market","connectionId":"c1","message":${m.text}}`);
    const { records } = await readAltered(file.replace(/(\.ws\.1\.0|\.gz)$/, '.raw.jsonl'), raw);
    expect(content(records)).toEqual(content(original));
    expect(records.map((r) => r.tsLocalNs)).toEqual(original.map((r) => r.tsLocalNs));
  });

  it('maps the plain JSON-lines rewrite to the same market records, capture time = event time', async () => {
    const { records } = await readAltered(file.replace(/(\.ws\.1\.0|\.gz)$/, '.jsonl'), messages.map((m) => m.text));
    expect(content(records)).toEqual(content(original));
    expect(records.every((r) => r.tsLocalNs === r.tsEventNs)).toBe(true);
  });
});

/**
 * The Coinbase, Kraken and KuCoin fixtures rewritten in other capture layouts map to the same
 * market records: Kraken v1 (ns-json) as chassis-raw and plain JSON lines, Coinbase Advanced
 * Trade (chassis-raw) as plain JSON lines, and the KuCoin cryptofeed excerpt as chassis-raw with
 * its REST snapshot as a raw line carrying the request `url` (where the symbol comes from).
 */
import { describe, expect, it } from 'vitest';
import { parseLine } from './layout.ts';
import type { NormalizedRecord } from './records.ts';
import { captureLines, collectRecords, readAltered } from './test-captures.ts';
import { venueDocsDir } from '../../../../examples/data/index.ts';

/** What must not depend on the layout: kind, instrument and the market content. */
function content(records: readonly NormalizedRecord[]): unknown[] {
  return records.map((r) => {
    switch (r.kind) {
      case 'book_delta':
        return [r.kind, r.venue, r.instrument, r.updateId, r.isSnapshot, r.bids, r.asks];
      case 'trade':
        return [r.kind, r.venue, r.instrument, r.tradeId, r.price, r.size, r.aggressor, r.tsEventNs];
      case 'bbo':
        return [r.kind, r.venue, r.instrument, r.bidPrice, r.bidSize, r.askPrice, r.askSize];
      case 'sync_issue':
        return [r.kind, r.issue];
    }
  });
}

const raw = (venue: string, tsLocalNs: bigint, text: string, url?: string): string => `{"tsLocalNs":"${tsLocalNs}","venue":"${venue}","feed":"market","connectionId":"c1",${url !== undefined ? `"url":${JSON.stringify(url)},` : ''}"message":${text}}`;

describe('venue-docs fixtures in other layouts', () => {
  it('maps Kraken v1 as chassis-raw to the same records with the same capture times, and as JSON lines to the same market records', async () => {
    const file = `${venueDocsDir}/kraken-v1-xbtusd.txt`;
    const original = await collectRecords(file);
    const messages = (await captureLines(file)).map((l) => parseLine('ns-json', l)).flatMap((p) => (p.kind === 'message' ? [{ ts: p.tsLocalNs!, text: p.text! }] : []));
    const asRaw = await readAltered(`${file}.raw.jsonl`, messages.map((m) => raw('kraken', m.ts, m.text)));
    expect(content(asRaw.records)).toEqual(content(original));
    expect(asRaw.records.map((r) => r.tsLocalNs)).toEqual(original.map((r) => r.tsLocalNs));
    const asJson = await readAltered(`${file}.jsonl`, messages.map((m) => m.text));
    expect(content(asJson.records)).toEqual(content(original));
  });

  it('maps Coinbase Advanced Trade as plain JSON lines to the same market records', async () => {
    const file = `${venueDocsDir}/coinbase-advanced-btcusd.raw.jsonl`;
    const original = await collectRecords(file);
    const messages = (await captureLines(file)).filter((l) => l !== '').map((l) => JSON.stringify((JSON.parse(l) as { message: unknown }).message));
    const { records } = await readAltered(file.replace('.raw.jsonl', '.jsonl'), messages);
    expect(content(records)).toEqual(content(original));
  });

  it('maps the KuCoin excerpt as chassis-raw, its REST snapshot a raw line with the request url, to the same records', async () => {
    const ws = `${venueDocsDir}/KUCOIN.ws.1.0`;
    const original = await collectRecords(ws);
    const http = parseLine('cryptofeed', (await captureLines(`${venueDocsDir}/KUCOIN.http.0.0`))[0]!);
    if (http.kind !== 'message') throw new Error('no REST line');
    const lines: string[] = [];
    let restWritten = false;
    for (const l of await captureLines(ws)) {
      const p = parseLine('cryptofeed', l);
      if (p.kind !== 'message') continue;
      if (!restWritten && p.tsLocalNs! > http.tsLocalNs!) {
        lines.push(raw('kucoin', http.tsLocalNs!, http.text!, http.url));
        restWritten = true;
      }
      lines.push(raw('kucoin', p.tsLocalNs!, p.text!));
    }
    const { records } = await readAltered(`${ws}.raw.jsonl`, lines);
    expect(content(records)).toEqual(content(original));
    expect(records.find((r) => r.kind === 'book_delta')).toMatchObject({ isSnapshot: true, instrument: 'BCHSV-USDT' });
  });
});

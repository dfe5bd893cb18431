import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture } from './capture-reader.ts';
import { L2Book } from './l2-book.ts';
import type { NormalizedRecord } from './records.ts';
import { dataFixturesDir } from '../../../../examples/data/index.ts';

const OKX = `${dataFixturesDir}/cryptofeed/OKX.ws.1.0`;

async function collect(path: string): Promise<NormalizedRecord[]> {
  const out: NormalizedRecord[] = [];
  for await (const r of readCapture(path)) out.push(r);
  return out;
}

describe('OKX v5 cryptofeed capture', async () => {
  const text = await readFile(OKX, 'utf8');
  const records = await collect(OKX);

  it('verifies all 290 book checksums with no issue of any kind', () => {
    expect(text.match(/"checksum":/g)).toHaveLength(290);
    expect(records.filter((r) => r.kind === 'book_delta')).toHaveLength(290);
    expect(records.filter((r) => r.kind === 'sync_issue')).toEqual([]);
  });

  it('starts each of the 3 instruments with a snapshot and maps trades and tickers', () => {
    const snaps = records.filter((r) => r.kind === 'book_delta' && r.isSnapshot).map((r) => r.instrument);
    expect(snaps.sort()).toEqual(['BTC-USD-220527', 'BTC-USDT', 'UNI-USD-SWAP']);
    expect(records.filter((r) => r.kind === 'trade').length).toBeGreaterThan(0);
    const bbo = records.find((r) => r.kind === 'bbo');
    expect(bbo).toMatchObject({ venue: 'okx', instrument: 'BTC-USD-220527', bidPrice: '30210.4', bidSize: '4', askPrice: '30220.1', askSize: '3', tsEventNs: 1652459223003000000n });
  });

  it('rebuilds uncrossed books from the records alone', () => {
    const books = new Map<string, L2Book>();
    for (const r of records) {
      if (r.kind !== 'book_delta') continue;
      const b = books.get(r.instrument) ?? new L2Book();
      books.set(r.instrument, b);
      b.applyRecord(r);
    }
    for (const b of books.values()) expect(b.isCrossed()).toBe(false);
  });

  it('reports a checksum_mismatch at the exact line when one level size is altered, then drops updates until a snapshot', async () => {
    const lines = text.split('\n');
    const idx = lines.findIndex((l) => l.includes('"action":"update"') && l.includes('"instId":"BTC-USDT"'));
    lines[idx] = lines[idx]!.replace(/("asks":\[\["[\d.]+",")([\d.]+)"/, (_m, a: string, size: string) => `${a}${size}1"`);
    const dir = await mkdtemp(join(tmpdir(), 'chassis-okx-'));
    const bad = join(dir, 'OKX.ws.1.0');
    await writeFile(bad, lines.join('\n'));
    const out = await collect(bad);
    const mismatch = out.filter((r) => r.kind === 'sync_issue' && r.issue === 'checksum_mismatch');
    expect(mismatch).toHaveLength(1);
    expect(mismatch[0]!.source).toEqual({ file: bad, line: idx + 1 });
    expect(mismatch[0]!.instrument).toBe('BTC-USDT');
    const gap = out.filter((r) => r.kind === 'sync_issue' && r.issue === 'gap');
    expect(gap).toHaveLength(1);
    expect(gap[0]!.kind === 'sync_issue' && gap[0]!.message).toMatch(/never synchronised/);
  });
});

describe('OKX bbo-tbt recorded beside books', () => {
  // bbo-tbt (okx.com/docs-v5, "Order book channel": tick-by-tick best bid/offer, one level per
  // side, no action) is the recorder's bbo channel, stored in the same feed file as books.
  const bboTbt = { arg: { channel: 'bbo-tbt', instId: 'BTC-USDT' }, data: [{ asks: [['8476.98', '415', '0', '13']], bids: [['8476.97', '256', '0', '12']], ts: '1597026383085', seqId: 123456 }] };

  it('maps bbo-tbt to a bbo record, not to a book snapshot', async () => {
    const { okxFormat } = await import('./okx.ts');
    const mapper = okxFormat.createMapper({ venue: 'okx' });
    const out = mapper.map(bboTbt, { file: 'okx.jsonl', line: 1, tsLocalNs: 1597026383090000000n, fallbackTsNs: 0n });
    expect(out).toEqual([
      { kind: 'bbo', venue: 'okx', instrument: 'BTC-USDT', tsEventNs: 1597026383085000000n, tsLocalNs: 1597026383090000000n, source: { file: 'okx.jsonl', line: 1 }, updateId: 123456n, bidPrice: '8476.97', bidSize: '256', askPrice: '8476.98', askSize: '415' },
    ]);
  });
});

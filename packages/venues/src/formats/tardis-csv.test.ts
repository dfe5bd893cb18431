import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectCapture, readCapture } from './capture-reader.ts';
import type { NormalizedRecord } from './records.ts';

async function csv(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chassis-tardis-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function collect(path: string): Promise<NormalizedRecord[]> {
  const out: NormalizedRecord[] = [];
  for await (const r of readCapture(path)) out.push(r);
  return out;
}

const BOOK = `exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount
binance-futures,BTCUSDT,1723161256299000,1723161256301234,true,ask,61800.30,3.330
binance-futures,BTCUSDT,1723161256299000,1723161256301234,true,bid,61800.20,2.909
binance-futures,BTCUSDT,1723161256299000,1723161256301234,true,bid,61800.10,0.696
binance-futures,BTCUSDT,1723161256400000,1723161256402000,false,bid,61800.20,0
binance-futures,BTCUSDT,1723161256400000,1723161256402000,false,ask,61800.40,1.5
binance-futures,BTCUSDT,1723161256500000,1723161256502000,false,ask,61800.30,x
binance-futures,BTCUSDT,1723161256600000,1723161256602000,false,ask,61800.30,2
`;

describe('Tardis-style CSV import', () => {
  it('groups incremental_book_L2 rows of one timestamp and snapshot flag into one book_delta with µs → ns times', async () => {
    const path = await csv('binance-futures_incremental_book_L2_2024-08-08_BTCUSDT.csv', BOOK);
    expect(await detectCapture(path)).toEqual({ container: 'plain', layout: 'tardis-csv', hasCaptureTime: true });
    const out = await collect(path);
    expect(out.map((r) => r.kind)).toEqual(['book_delta', 'book_delta', 'sync_issue', 'book_delta']);
    expect(out[0]).toMatchObject({ venue: 'binance-usdm', instrument: 'BTCUSDT', isSnapshot: true, updateId: null, tsEventNs: 1723161256299000000n, tsLocalNs: 1723161256301234000n, bids: [['61800.20', '2.909'], ['61800.10', '0.696']], asks: [['61800.30', '3.330']], source: { line: 2 } });
    expect(out[1]).toMatchObject({ isSnapshot: false, bids: [['61800.20', '0']], asks: [['61800.40', '1.5']], source: { line: 5 } });
  });

  it('reports a bad row as parse_error with its line number', async () => {
    const out = await collect(await csv('book.csv', BOOK));
    expect(out[2]).toMatchObject({ kind: 'sync_issue', issue: 'parse_error', source: { line: 7 } });
  });

  it('maps trades rows with id and aggressor side', async () => {
    const path = await csv('trades.csv', 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount\nokex-swap,BTC-USDT-SWAP,1652459199958000,1652459200000000,7849,buy,30218.8,1\nokex-swap,BTC-USDT-SWAP,1652459199959000,1652459200001000,7850,sell,30218.7,2\n');
    const out = await collect(path);
    expect(out).toHaveLength(2);
    expect(out[1]).toMatchObject({ kind: 'trade', venue: 'okx', instrument: 'BTC-USDT-SWAP', tradeId: '7850', aggressor: 'sell', price: '30218.7', size: '2', tsEventNs: 1652459199959000000n });
  });

  it('rejects a CSV whose header is neither layout, naming the expected columns', async () => {
    const path = await csv('bad.csv', 'exchange,symbol,timestamp,local_timestamp,side,price\n');
    await expect(collect(path)).rejects.toMatchObject({ code: 'E_CSV_HEADER' });
  });

  it('rejects an exchange that is not a supported venue', async () => {
    const path = await csv('kraken.csv', 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount\nkraken,XBT/USD,1,1,a,buy,1,1\n');
    await expect(collect(path)).rejects.toMatchObject({ code: 'E_UNSUPPORTED_VENUE' });
  });
});

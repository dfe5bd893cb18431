/**
 * Child process for the catalog concurrency test: records `count` distinct datasets through
 * `catalog.record` (and, with "add", through `catalog.add`) into the data root given as argv[2].
 */
// @ts-nocheck

import { openCatalog, openStorage, type DatasetMeta } from '@chassis/storage';

const [root, tag, countText, mode] = process.argv.slice(2) as [string, string, string, string | undefined];
const catalog = openCatalog(openStorage(root));
for (let i = 0; i < Number(countText); i++) {
  const id = `ds_${tag}_${i}`;
  const identity = { id, venue: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade' as const, day: '2024-08-08', segment: 0, contentHash: `${tag}-${i}` };
  const meta = (version: number): DatasetMeta => ({
    ...identity, startNs: 0n, endNs: 1n, rows: 1, version, state: 'Promoted', prefix: `canonical/binance-usdm/BTCUSDT/trade/2024-08-08/${id}`,
    instrument: { venue: 'binance-usdm', symbol: 'BTCUSDT', contractType: 'linear', baseCurrency: 'BTC', quoteCurrency: 'USDT', priceDecimals: 1, sizeDecimals: 3, tickSize: '0.1', lotSize: '0.001', multiplier: '1' },
    gaps: [], checks: [], transitions: [], provenance: { rawKeys: [], sourceFiles: [], sourceSha256: [], tsLocalFromEvent: false }, createdAt: '2024-08-08T00:00:00Z', files: [],
  });
  if (mode === 'add') await catalog.add(meta(i + 1));
  else await catalog.record(identity, async (version) => meta(version));
}

import { it } from 'vitest';
import { readCaptureMarket } from '../capture-market.ts';
import { runCase } from '../run-case.ts';
import { describe as show } from '../differential.ts';
import { scriptedStrategy } from '../scripted-strategy.ts';
import mm from '../../../examples/strategies/market-maker.ts';
it('probe', async () => {
  for (const [file, symbol, max] of [['examples/data/binance-hftbacktest/spot_ethusdt_20240808.gz', undefined, 8000], ['examples/data/cryptofeed/OKX.ws.1.0', 'BTC-USDT', undefined], ['examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz', undefined, 8000]] as const) {
    const m = await readCaptureMarket(file, { ...(symbol ? { symbol } : {}), ...(max ? { maxRecords: max } : {}) });
    for (const [e, r] of [[0n, 0n], [50_000n, 5_000_000n], [20_000_000n, 0n], [0n, 30_000_000n]] as const) {
      for (const [name, s] of [['mm', () => mm.create({})], ['scripted', () => scriptedStrategy({ seed: 4, everyEvents: 4 })]] as const) {
        const res = await runCase(m.instrument, m.events, s(), { entryLatencyNs: e, responseLatencyNs: r });
        console.log(m.instrument.id, name, e, r, res.run.outcome.status, res.run.outcome.violation?.invariant ?? '', 'fills', res.venue.fills, 'dis', res.venue.disagreements.length, res.ledger.disagreements.length);
        if (res.venue.disagreements.length + res.ledger.disagreements.length) console.log(show([...res.venue.disagreements, ...res.ledger.disagreements], 3));
      }
    }
  }
}, 600000);

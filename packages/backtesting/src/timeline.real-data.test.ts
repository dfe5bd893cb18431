/**
 * The timeline on a capture whose recorder clock is well synchronised (tsLocal a few tens of ms
 * after tsEvent, with spikes near 1 s) and whose depth and trade streams arrive out of
 * exchange-time order: cryptofeed's Binance USD-M SUSHIUSDT recording.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { openStorage } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { cryptofeedDir } from '../../../examples/data/index.ts';
import { runBacktest } from './run.ts';
import { replayRun } from './replay.ts';
import { readJournal } from './journal/journal.ts';
import { REPO_ROOT, runEvents } from './test-data.ts';

let root = '';

beforeAll(async () => {
  root = join(mkdtempSync(join(tmpdir(), 'chassis-clock-')), 'data');
  const storage = openStorage(root);
  await importCapture(storage, join(cryptofeedDir, 'BINANCE_FUTURES.ws.1.0'), { httpFiles: [join(cryptofeedDir, 'BINANCE_FUTURES.http.0.0')] });
  await importCapture(storage, join(cryptofeedDir, 'BINANCE.ws.1.0'), { httpFiles: [join(cryptofeedDir, 'BINANCE.http.0.0')] });
  await importCapture(storage, join(cryptofeedDir, 'OKX.ws.1.0'));
}, 120_000);

const sushi = {
  data: { venue: 'binance-usdm', instrument: 'SUSHIUSDT' },
  strategy: { module: 'examples/strategies/market-maker.ts' },
  seed: 1,
};

describe('backtest on a capture whose receive times follow the event times (cryptofeed SUSHIUSDT)', () => {
  it('completes instead of halting on ts_local_non_decreasing', async () => {
    const r = await runBacktest({ definition: sushi, baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-clock' });
    expect(r.diagnostic).toBeNull();
    expect(r.status).toBe('completed');
    expect(r.marketEvents).toBeGreaterThan(500);
  });

  it('never delivers an answer before its request could have made the round trip (1 ms entry + 1 ms response)', async () => {
    const r = await runBacktest({ definition: sushi, baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-clock-rtt' });
    const sentAt = new Map<number, bigint>();
    let answered = 0;
    for (const e of readJournal(join(r.outDir, 'journal.bin'))) {
      if (e.kind === 'request_sent') sentAt.set(e.seq, e.tsLocalNs);
      else if ('requestSeq' in e && e.requestSeq >= 0) {
        const sent = sentAt.get(e.requestSeq);
        expect(sent).toBeDefined();
        expect(e.tsLocalNs - sent!).toBeGreaterThanOrEqual(2_000_000n);
        answered++;
      }
    }
    expect(answered).toBeGreaterThan(5);
  });

  it('replays to the same state hashes and dispatch decisions', async () => {
    const r = await runBacktest({ definition: { ...sushi, journal: { checkpointInterval: 100 } }, baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-clock-replay' });
    const rep = await replayRun(r.outDir, { baseDirs: [REPO_ROOT] });
    expect(rep.divergence).toBeNull();
    expect(rep.checkpointsVerified).toBeGreaterThan(3);
  });
});

describe('backtests on captures with other clock relations', () => {
  // Binance spot NKNUSDT: recorder ~6 ms behind the venue (receipt before event time), bookTicker
  // without event time. OKX BTC-USDT: receipt 111–690 ms after event time. OKX UNI-USD-SWAP: one
  // trade received 10.4 s after its event time (beyond the 5 s feed window).
  it.each([
    ['binance-spot', 'NKNUSDT'],
    ['okx', 'BTC-USDT'],
    ['okx', 'UNI-USD-SWAP'],
  ])('%s %s completes, counts exactly the events received before their event time or beyond the window, and replays', async (venue, instrument) => {
    const r = await runBacktest({ definition: { ...sushi, data: { venue, instrument }, journal: { checkpointInterval: 50 } }, baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-clock-venues' });
    expect(r.status).toBe('completed');
    let early = 0;
    let late = 0;
    for (const e of await runEvents(r.outDir)) {
      if (e.kind !== 'book_delta' && e.kind !== 'trade' && e.kind !== 'bbo') continue;
      if (e.tsEventNs > e.tsLocalNs) early++;
      else if (e.tsLocalNs - e.tsEventNs > 5_000_000_000n) late++;
    }
    expect(r.exchangeTimeClamps).toEqual({ toReceipt: early, toWindow: late });
    expect((await replayRun(r.outDir, { baseDirs: [REPO_ROOT] })).divergence).toBeNull();
  });
});

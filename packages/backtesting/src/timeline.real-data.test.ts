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
import { REPO_ROOT } from './test-data.ts';

let root = '';

beforeAll(async () => {
  root = join(mkdtempSync(join(tmpdir(), 'chassis-clock-')), 'data');
  await importCapture(openStorage(root), join(cryptofeedDir, 'BINANCE_FUTURES.ws.1.0'), { httpFiles: [join(cryptofeedDir, 'BINANCE_FUTURES.http.0.0')] });
}, 60_000);

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

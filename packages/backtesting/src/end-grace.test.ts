import { beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '@chassis/core';
import { runBacktest } from './run.ts';
import { replayRun } from './replay.ts';
import { importedDataRoot, REPO_ROOT, runEvents } from './test-data.ts';

let root = '';

beforeAll(async () => {
  root = await importedDataRoot({ lines: 20_000 });
});

// 1.5 s each way: at the end of the data requests and answers are still travelling.
const slowVenue = (endGraceMs?: number) => ({
  data: { venue: 'binance-usdm', instrument: 'BTCUSDT' },
  strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } },
  venue: { latency: { model: 'constant', entryUs: 1_500_000, responseUs: 1_500_000 } },
  seed: 1,
  ...(endGraceMs !== undefined ? { endGraceMs } : {}),
});

const MARKET = new Set(['book_delta', 'trade', 'bbo']);

function afterData(events: Event[]): { lastMarketNs: bigint; after: Event[] } {
  let lastMarket = -1;
  events.forEach((e, i) => {
    if (MARKET.has(e.kind)) lastMarket = i;
  });
  return { lastMarketNs: events[lastMarket]!.tsLocalNs, after: events.slice(lastMarket + 1) };
}

describe('end of data', () => {
  it('simulates the venue answers still in flight when the data ends, within the grace period, then ends the session', async () => {
    const r = await runBacktest({ definition: slowVenue(), baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-grace' });
    const events = await runEvents(r.outDir);
    const { lastMarketNs, after } = afterData(events);
    const answers = after.filter((e) => e.kind.startsWith('order_') || e.kind === 'cancel_replace_rejected');
    expect(answers.length).toBeGreaterThan(0);
    for (const e of after) {
      expect(e.tsLocalNs).toBeGreaterThanOrEqual(lastMarketNs);
      expect(e.tsLocalNs).toBeLessThanOrEqual(lastMarketNs + 5_000_000_000n);
    }
    expect(after.at(-1)).toMatchObject({ kind: 'session', state: 'end' });
    expect((await replayRun(r.outDir, { baseDirs: [REPO_ROOT] })).divergence).toBeNull();
  });

  it('with endGraceMs 0 nothing after the last market event is simulated but the session end', async () => {
    const r = await runBacktest({ definition: slowVenue(0), baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-grace' });
    const { after } = afterData(await runEvents(r.outDir));
    expect(after.map((e) => e.kind)).toEqual(['session']);
  });

  it('answers due later than the grace period are left unsimulated', async () => {
    const full = await runBacktest({ definition: slowVenue(), baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-grace' });
    const late = afterData(await runEvents(full.outDir));
    // Precondition: with the default grace something is due later than 100 ms after the data.
    expect(late.after.some((e) => e.kind !== 'session' && e.tsLocalNs > late.lastMarketNs + 100_000_000n)).toBe(true);
    const r = await runBacktest({ definition: slowVenue(100), baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-grace' });
    const { lastMarketNs, after } = afterData(await runEvents(r.outDir));
    for (const e of after) expect(e.tsLocalNs).toBeLessThanOrEqual(lastMarketNs + 100_000_000n);
  });
});

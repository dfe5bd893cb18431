// @ts-nocheck
import { beforeAll, describe, expect, it } from 'vitest';
import { setImmediate as immediate } from 'node:timers/promises';
import { runBacktest } from './run.ts';
import type { RunStats } from './run-stats.ts';
import { importedDataRoot, REPO_ROOT } from './test-data.ts';

let root = '';
beforeAll(async () => {
  root = await importedDataRoot({ lines: 30_000 });
});

const mm = {
  data: { venue: 'binance-usdm', instrument: 'BTCUSDT' },
  strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } },
  seed: 1,
};

interface Seen {
  calls: number;
  events: number[];
  progress: number[];
  batchEventsSum: number;
  last: { evaluations: number; allowed: number; denied: number; fills: number; requests: number; ordersOpen: number; position: number };
}

function observer(seen: Seen, yieldEach: boolean) {
  return (s: RunStats): void | Promise<void> => {
    seen.calls++;
    seen.events.push(s.events);
    seen.progress.push(s.progressRatio);
    seen.batchEventsSum += s.batchEvents;
    let denied = 0;
    for (const n of s.intentsDeniedByReason.values()) denied += n;
    const inst = s.instruments[0]!;
    seen.last = {
      evaluations: s.strategyEvaluations,
      allowed: s.intentsAllowed,
      denied,
      fills: inst.fills,
      requests: s.requestsNew + s.requestsReplace + s.requestsCancel,
      ordersOpen: inst.ordersOpen,
      position: inst.position,
    };
    return yieldEach ? immediate().then(() => undefined) : undefined;
  };
}

const fresh = (): Seen => ({ calls: 0, events: [], progress: [], batchEventsSum: 0, last: { evaluations: 0, allowed: 0, denied: 0, fills: 0, requests: 0, ordersOpen: 0, position: 0 } });

describe('per-batch run statistics for monitoring', () => {
  it('reports cumulative figures per batch that end equal to the run result', async () => {
    const seen = fresh();
    const r = await runBacktest({ definition: mm, baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'stats', onBatch: observer(seen, false), batchEvents: 1024 });
    // One call at start, one per 1024 market events, one at the end.
    expect(seen.calls).toBe(1 + Math.floor(r.marketEvents / 1024) + 1);
    expect(seen.events[0]).toBe(0);
    for (let i = 1; i < seen.events.length; i++) expect(seen.events[i]!).toBeGreaterThanOrEqual(seen.events[i - 1]!);
    for (let i = 1; i < seen.progress.length; i++) expect(seen.progress[i]!).toBeGreaterThanOrEqual(seen.progress[i - 1]!);
    expect(seen.events.at(-1)).toBe(r.events);
    expect(seen.batchEventsSum).toBe(r.events);
    // The window ends at the datasets' last timestamp; the last event's local time sits just before it.
    expect(seen.progress.at(-1)!).toBeGreaterThan(0.95);
    expect(seen.last.fills).toBe(r.fills);
    expect(seen.last.allowed + seen.last.denied).toBe(r.metrics.strategy.intents);
    expect(seen.last.requests).toBe(r.metrics.orders.sent + r.metrics.orders.replaceRequests + r.metrics.orders.cancelRequests);
    expect(seen.last.evaluations).toBeGreaterThan(0);
    expect(seen.last.evaluations).toBeLessThanOrEqual(r.events);
  });

  it('leaves the output hash unchanged when the observer yields to the event loop every batch', async () => {
    const plain = await runBacktest({ definition: { ...mm, output: { dir: `${root}/../plain` } }, baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'stats' });
    const seen = fresh();
    const observed = await runBacktest({
      definition: { ...mm, output: { dir: `${root}/../observed` } },
      baseDir: REPO_ROOT,
      dataRoot: root,
      codeVersion: 'stats',
      onBatch: observer(seen, true),
      batchEvents: 256,
    });
    expect(seen.calls).toBeGreaterThan(10);
    expect(observed.runId).toBe(plain.runId);
    expect(observed.outputHash).toBe(plain.outputHash);
  });
});

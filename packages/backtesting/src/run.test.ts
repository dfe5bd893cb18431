import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Event } from '@chassis/core';
import { runBacktest } from './run.ts';
import { replayRun } from './replay.ts';
import { BLOCK_HEADER_BYTES, journalBlocks, readJournal } from './journal/journal.ts';
import { importedDataRoot, REPO_ROOT, rewriteRunJournal, runEvents } from './test-data.ts';

const FIXTURES = join(REPO_ROOT, 'packages/backtesting/src/fixtures');
let root = '';

beforeAll(async () => {
  root = await importedDataRoot({ lines: 30_000 });
});

const mm = (extra: Record<string, unknown> = {}) => ({
  data: { venue: 'binance-usdm', instrument: 'BTCUSDT' },
  strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } },
  seed: 1,
  ...extra,
});

function manifestWithoutWallClock(dir: string): Record<string, unknown> {
  const { startedAt: _s, endedAt: _e, ...rest } = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  return rest;
}

describe('backtest runtime on real USD-M data', () => {
  it('gives identical manifests and output hashes when the same run is made twice, wherever it is written', async () => {
    const a = await runBacktest({ definition: mm(), baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test' });
    const manifestA = manifestWithoutWallClock(a.outDir);
    const out = join(mkdtempSync(join(tmpdir(), 'bt-out-')), 'elsewhere');
    const b = await runBacktest({ definition: mm({ output: { dir: out } }), baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test' });
    expect(b.runId).toBe(a.runId);
    expect(b.outputHash).toBe(a.outputHash);
    expect(manifestWithoutWallClock(out)).toEqual(manifestA);
    expect(a.fills).toBeGreaterThan(0);
    expect(a.metrics.orders.replaceRequests).toBeGreaterThan(0);
  });

  it('replays a run to the same state hashes and dispatch decisions', async () => {
    const r = await runBacktest({ definition: mm({ journal: { checkpointInterval: 1000 } }), baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test' });
    const rep = await replayRun(r.outDir, { baseDirs: [REPO_ROOT] });
    expect(rep.divergence).toBeNull();
    expect(rep.events).toBe(r.events);
    expect(rep.checkpointsVerified).toBeGreaterThan(10);
    expect(rep.requestsVerified).toBeGreaterThan(0);
  });

  it('reports the first divergence with its seq when one journal event was altered', async () => {
    const r = await runBacktest({ definition: mm({ journal: { checkpointInterval: 1000 } }), baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-altered' });
    const victim = (await runEvents(r.outDir)).find((e) => e.kind === 'request_sent' && e.request === 'replace') as Extract<Event, { kind: 'request_sent' }>;
    await rewriteRunJournal(r.outDir, (e) => (e.seq === victim.seq ? { ...victim, priceUnits: victim.priceUnits + 10 } : e));
    const rep = await replayRun(r.outDir, { baseDirs: [REPO_ROOT] });
    expect(rep.divergence?.seq).toBe(victim.seq);
    expect(rep.divergence?.what).toBe('request_sent');
  });

  it('detects an altered own event even when state and dispatch are unaffected (the venue time of an answer), naming the checkpoint range', async () => {
    const r = await runBacktest({ definition: mm({ journal: { checkpointInterval: 1000 } }), baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-altered-accept' });
    const victim = (await runEvents(r.outDir)).find((e) => e.kind === 'order_accepted' && e.seq > 5000) as Extract<Event, { kind: 'order_accepted' }>;
    await rewriteRunJournal(r.outDir, (e) => (e.seq === victim.seq ? { ...victim, tsEventNs: victim.tsEventNs + 1n } : e));
    const rep = await replayRun(r.outDir, { baseDirs: [REPO_ROOT] });
    const d = rep.divergence!;
    const m = /seq (\d+)\.\.(\d+)/.exec(d.what);
    expect(m).not.toBeNull();
    expect(victim.seq).toBeGreaterThanOrEqual(Number(m![1]));
    expect(victim.seq).toBeLessThanOrEqual(Number(m![2]));
    expect(d.seq).toBe(Number(m![2]));
  });

  it('fails with E_RUN_MARKET_DIGEST naming the block and its seqs when a block stands for other market events than the datasets give', async () => {
    const r = await runBacktest({ definition: mm(), baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-altered-trade-price' });
    const victim = (await runEvents(r.outDir)).find((e) => e.kind === 'trade' && e.seq > 5000) as Extract<Event, { kind: 'trade' }>;
    await rewriteRunJournal(r.outDir, (e) => (e.seq === victim.seq ? { ...victim, priceUnits: victim.priceUnits + 1 } : e));
    const block = [...journalBlocks(join(r.outDir, 'journal.bin'))].find((b) => b.market!.fromSeq <= victim.seq && victim.seq <= b.market!.toSeq)!;
    const err = await replayRun(r.outDir, { baseDirs: [REPO_ROOT] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_RUN_MARKET_DIGEST', details: { block: block.index, fromSeq: block.market!.fromSeq, toSeq: block.market!.toSeq, expected: block.market!.digest } });
    expect((err as Error).message).toContain(`block ${block.index} (seqs ${block.market!.fromSeq}..${block.market!.toSeq}`);
  });

  it('a market digest covers fields that change neither state nor dispatch (a trade id)', async () => {
    const r = await runBacktest({ definition: mm(), baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-altered-trade' });
    const victim = (await runEvents(r.outDir)).find((e) => e.kind === 'trade' && e.seq > 5000) as Extract<Event, { kind: 'trade' }>;
    await rewriteRunJournal(r.outDir, (e) => (e.seq === victim.seq ? { ...victim, tradeId: `${victim.tradeId}x` } : e));
    await expect(replayRun(r.outDir, { baseDirs: [REPO_ROOT] })).rejects.toMatchObject({ code: 'E_RUN_MARKET_DIGEST' });
  });

  it('fails with E_JOURNAL_CORRUPT naming the block when a block of a journal by reference was altered in place', async () => {
    const r = await runBacktest({ definition: mm(), baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-flipped-byte' });
    const path = join(r.outDir, 'journal.bin');
    const second = [...journalBlocks(path)][1]!;
    const bytes = readFileSync(path);
    bytes[second.startByte + BLOCK_HEADER_BYTES + 3]! ^= 0x01;
    writeFileSync(path, bytes);
    await expect(replayRun(r.outDir, { baseDirs: [REPO_ROOT] })).rejects.toMatchObject({ code: 'E_JOURNAL_CORRUPT', block: 1, damage: 'checksum' });
  });

  it('realises a rate-limit obligation as control-time events at the due time, and sends the deferred requests then', async () => {
    const r = await runBacktest({
      definition: mm({
        strategy: { module: join(FIXTURES, 'burst.ts'), params: { orders: 10 } },
        executionControl: { rateBuckets: [{ capacity: 3, refillTokens: 1, refillIntervalMs: 50, weights: { new: 1, replace: 1, cancel: 1 } }] },
      }),
      baseDir: REPO_ROOT,
      dataRoot: root,
      codeVersion: 'test',
    });
    const events = [...readJournal(join(r.outDir, 'journal.bin'))];
    const requests = events.filter((e) => e.kind === 'request_sent');
    const ctes = events.filter((e): e is Extract<Event, { kind: 'control_time' }> => e.kind === 'control_time');
    expect(requests).toHaveLength(10);
    expect(ctes.length).toBeGreaterThanOrEqual(1);
    const firstBurstTs = requests[0]!.tsLocalNs;
    expect(requests.slice(0, 3).every((q) => q.tsLocalNs === firstBurstTs)).toBe(true);
    for (const cte of ctes) expect(cte.tsLocalNs).toBe(cte.dueTsLocalNs);
    // Every deferred request goes out at a control-time event or another later event, after its due time.
    const firstCte = ctes[0]!;
    expect(firstCte.dueTsLocalNs).toBeGreaterThan(firstBurstTs);
    const afterFirst = events[events.indexOf(firstCte) + 1]!;
    expect(afterFirst.kind).toBe('request_sent');
    expect(afterFirst.tsLocalNs).toBe(firstCte.tsLocalNs);
    expect(requests[3]!.tsLocalNs).toBeGreaterThanOrEqual(firstCte.dueTsLocalNs);
    expect(r.metrics.rateLimit.controlTimeEvents).toBe(ctes.length);
    expect((await replayRun(r.outDir, { baseDirs: [REPO_ROOT] })).divergence).toBeNull();
  });

  it('halts a strategy that keeps throwing through a strategy_halted control event and still completes the run', async () => {
    const r = await runBacktest({
      definition: mm({ strategy: { module: join(FIXTURES, 'throwing.ts'), params: {} }, maxConsecutiveStrategyFailures: 3 }),
      baseDir: REPO_ROOT,
      dataRoot: root,
      codeVersion: 'test',
    });
    expect(r.status).toBe('strategy_halted');
    expect(r.metrics.strategy.errors).toBe(3);
    const halted = [...readJournal(join(r.outDir, 'journal.bin'))].filter((e) => e.kind === 'strategy_halted');
    expect(halted).toHaveLength(1);
    expect(r.marketEvents).toBeGreaterThan(10_000);
    expect(JSON.parse(readFileSync(join(r.outDir, 'manifest.json'), 'utf8')).status).toBe('strategy_halted');
  });

  it('trades with the imbalance taker using IOC orders', async () => {
    const r = await runBacktest({
      definition: mm({ strategy: { module: 'examples/strategies/imbalance-taker.ts', params: { qty: 1 } } }),
      baseDir: REPO_ROOT,
      dataRoot: root,
      codeVersion: 'test',
    });
    expect(r.fills).toBeGreaterThan(0);
    expect(r.metrics.fills.taker).toBeGreaterThan(0);
  });
});

describe('timeline clocks on a capture whose local clock runs behind the exchange clock', () => {
  // The USD-M capture's tsLocal is ~1.27 s BEFORE tsEvent (recorder clock skew). With the
  // default clock offset of 0 every exchange time is clamped to its receipt (README "Clock
  // model"), and what the venue does then (fills of resting orders) is stamped on that same
  // clock; stamping them at tsEvent delivered fills ~1.27 s late and, as answers keep their
  // order per session, delayed every later acknowledgement too.
  it('answers every request within its simulated round trip (1 ms + 1 ms), never seconds later', async () => {
    const latency = { model: 'constant', entryUs: 1000, responseUs: 1000 };
    const r = await runBacktest({ definition: mm({ venue: { latency } }), baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-clocks' });
    const sentAt = new Map<number, bigint>();
    let answered = 0;
    let worstNs = 0n;
    for (const e of readJournal(join(r.outDir, 'journal.bin'))) {
      if (e.kind === 'request_sent') sentAt.set(e.seq, e.tsLocalNs);
      else if ('requestSeq' in e && e.requestSeq >= 0) {
        const sent = sentAt.get(e.requestSeq);
        if (sent === undefined) continue;
        sentAt.delete(e.requestSeq); // first answer to that request
        answered++;
        const rtt = e.tsLocalNs - sent;
        if (rtt > worstNs) worstNs = rtt;
      }
    }
    expect(answered).toBeGreaterThan(100);
    expect(Number(worstNs) / 1e6).toBeLessThanOrEqual(10);
  });
});

// `chassis events` on a session directory written through the session records API and on a
// backtest-style run directory (run.json + journal.bin), through the CLI as a user runs it.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event } from '@chassis/core';
import { JournalWriter, runBacktest } from '@chassis/backtesting';
import { encodeEngineConfig, WriteAheadJournal, writeSessionFile } from '@chassis/live';
import { runChassis } from '../../../../test/chassis-process.ts';
import { importedDataRoot, REPO_ROOT } from '../../../backtesting/src/test-data.ts';
import { parseEventsFlags, printEvents } from './events-action.ts';
import { BTC, baseConfig } from '../../../core/src/testing/fixtures.ts';

const T = 1_764_633_600_000_000_000n;

/** seq 1..n: a session start, then trades and a feed-health change at seq 5. */
function stream(n: number): Event[] {
  return Array.from({ length: n }, (_, i): Event => {
    const seq = i + 1;
    const t = T + BigInt(seq) * 1000n;
    if (seq === 1) return { kind: 'session', seq, tsEventNs: t, tsLocalNs: t, state: 'start', sessionId: 's1' };
    if (seq === 5)
      return {
        kind: 'feed_health',
        seq,
        tsEventNs: t,
        tsLocalNs: t,
        instrument: BTC.id,
        state: 'degraded',
        reason: 'sequence gap',
      };
    return {
      kind: 'trade',
      seq,
      tsEventNs: t,
      tsLocalNs: t,
      instrument: BTC.id,
      tradeId: `${seq}`,
      priceUnits: 600_000 + seq,
      qtyUnits: 2,
      aggressor: 'buy',
    };
  });
}

function sessionDir(events: readonly Event[]): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'events-')), 's1');
  writeSessionFile(dir, {
    format: 'chassis-session-v1',
    sessionId: 's1',
    mode: 'paper',
    venue: 'binance-usdm',
    config: {},
    createdAt: '2026-12-02T00:00:00Z',
    codeVersion: 'test',
    engine: encodeEngineConfig(baseConfig({ recordIntentDenials: true })),
    strategy: { module: 'examples/strategies/market-maker.ts', sha256: 'a'.repeat(64), params: {} },
  });
  const wal = WriteAheadJournal.create(join(dir, 'journal.bin'), { fsyncWindowMs: 0 });
  for (const e of events) wal.append([e]);
  wal.close();
  return dir;
}

function runDir(events: readonly Event[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'events-run-'));
  writeFileSync(join(dir, 'run.json'), '{}');
  const w = new JournalWriter(join(dir, 'journal.bin'));
  for (const e of events) w.append(e);
  w.close();
  return dir;
}

async function collect(dir: string, flags: Parameters<typeof parseEventsFlags>[0]): Promise<string[]> {
  let text = '';
  await printEvents(dir, parseEventsFlags(flags), (t) => (text += t));
  return text.split('\n').filter((l) => l !== '');
}

describe('chassis events', () => {
  it('prints a session journal and a run journal alike, one event a line', async () => {
    const events = stream(12);
    const fromSession = await collect(sessionDir(events), {});
    expect(fromSession).toHaveLength(12);
    expect(await collect(runDir(events), {})).toEqual(fromSession);
    expect(fromSession[4]).toBe(
      '5 2025-12-02T00:00:00.000005000Z feed_health instrument=binance-usdm:BTCUSDT state=degraded reason="sequence gap"',
    );
  });

  it('with --json prints one JSON object a line, bigints as decimal strings', async () => {
    const lines = (await collect(sessionDir(stream(3)), { json: true })).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[1]).toEqual({
      kind: 'trade',
      seq: 2,
      tsEventNs: (T + 2000n).toString(),
      tsLocalNs: (T + 2000n).toString(),
      instrument: BTC.id,
      tradeId: '2',
      priceUnits: 600_002,
      qtyUnits: 2,
      aggressor: 'buy',
    });
  });

  it('filters by kind (repeated or comma-separated) and from a seq on', async () => {
    const dir = sessionDir(stream(12));
    expect((await collect(dir, { kind: ['trade'], fromSeq: '10' })).map((l) => l.split(' ')[0])).toEqual(['10', '11', '12']);
    expect((await collect(dir, { kind: ['session,feed_health'] })).map((l) => l.split(' ')[2])).toEqual([
      'session',
      'feed_health',
    ]);
  });

  it('prints every event of a backtest run, its market events regenerated from the datasets the journal references', async () => {
    const root = await importedDataRoot({ lines: 3000 });
    const r = await runBacktest({
      definition: {
        data: { venue: 'binance-usdm', instrument: 'BTCUSDT' },
        strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } },
      },
      baseDir: REPO_ROOT,
      dataRoot: root,
      codeVersion: 'test-events',
    });
    const lines = await collect(r.outDir, {});
    expect(lines.map((l) => Number(l.split(' ')[0]))).toEqual(Array.from({ length: r.events }, (_, i) => i + 1));
    expect(lines.filter((l) => / (book_delta|trade|bbo) /.test(l))).toHaveLength(r.marketEvents);
  });

  it('refuses an unknown kind, listing the kinds', () => {
    expect(() => parseEventsFlags({ kind: ['trades'] })).toThrow(
      /--kind trades: not an event kind \(kinds: book_delta, trade, /,
    );
  });

  it('exits non-zero naming the directory when it is neither a run nor a session', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'events-empty-'));
    const r = await runChassis(['events', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `E_RECORDS_DIR: ${dir} is neither a session directory (session.json) nor a backtest run directory (run.json)\n`,
    );
  });

  it('prints the events before a damaged block, then exits non-zero naming the file and the block', async () => {
    const dir = sessionDir(stream(6));
    const path = join(dir, 'journal.bin');
    truncateSync(path, statSync(path).size - 2);
    const r = await runChassis(['events', dir]);
    expect(r.code).toBe(1);
    expect(r.out.trim().split('\n')).toHaveLength(5);
    expect(r.err).toMatch(new RegExp(`^E_JOURNAL_CORRUPT: ${path}: truncated block 5 at byte \\d+ \\(after seq 5\\)`));
    expect(readFileSync(path).length).toBeGreaterThan(0);
  });
});

// Drill: SIGKILL mid-session, then the same session again. The state replayed from the journal
// equals the state the process had reached (its last printed state hash, or its last checkpoint),
// every fill the venue delivered before the kill is in it exactly once, and the session resumes.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '@chassis/backtesting';
import type { OrderFilledEvent } from '@chassis/core';
import { sessionDirOf, sessionPaths } from '../records/session-paths.ts';
import { readFillRecords } from '../records/execution-records.ts';
import { recoverSession } from './session-directory.ts';
import { runSession } from './run-session.ts';
import { QUOTER_MODULE, ScriptedMarket, ScriptedVenue } from './session-test-doubles.ts';

async function killMidSession(data: string): Promise<string> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'sigkill-session-child.ts'), data],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  // Kill once it has filled a good number of orders, wherever it is in a step.
  await new Promise<void>((res, rej) => {
    child.once('exit', (code) =>
      rej(new Error(`the session exited (${code}) before the kill; it printed:\n${out.slice(-2000)}`)),
    );
    const t = setInterval(() => {
      if ((out.match(/^F /gm) ?? []).length >= 40) {
        clearInterval(t);
        res();
      }
    }, 5);
  });
  const exited = new Promise((res) => child.once('exit', res));
  child.kill('SIGKILL');
  await exited;
  return out;
}

describe('SIGKILL drill', () => {
  it('replay after a SIGKILL reaches the state the killed process had; no fill lost or counted twice; the session resumes', async () => {
    const data = mkdtempSync(join(tmpdir(), 'sigkill-drill-'));
    writeFileSync(join(data, 'quoter.mjs'), QUOTER_MODULE);
    writeFileSync(
      join(data, 'live.yaml'),
      'venue: binance-usdm\ninstruments: [BTCUSDT]\nstrategy: { module: quoter.mjs, params: { orders: 2 } }\nreconciliation: { intervalMs: 0 }\njournal: { checkpointEvents: 50, fsyncWindowMs: 50 }\n',
    );
    const out = await killMidSession(data);

    const printed = new Map<number, string>();
    for (const m of out.matchAll(/^E (\d+) ([0-9a-f]+)$/gm)) printed.set(Number(m[1]), m[2]!);
    const delivered = [...out.matchAll(/^F (\S+)$/gm)].map((m) => m[1]!);
    const lastPrinted = Math.max(...printed.keys());

    const recovered = await recoverSession(data, 'drill', [data]);
    const r = recovered.recovery!;
    // The journal holds everything processed, and at most the one event being processed when killed.
    expect(r.lastSeq).toBeGreaterThanOrEqual(lastPrinted);
    if (printed.has(r.lastSeq)) expect(r.stateHash).toBe(printed.get(r.lastSeq));
    else expect(r.checkpoint).not.toBeNull();
    expect(r.checkpointsVerified).toBeGreaterThan(0);
    expect(printed.get(r.checkpoint!.seq) ?? r.checkpoint!.stateHash).toBe(r.checkpoint!.stateHash);

    const fills = [...readJournal(sessionPaths(sessionDirOf(data, 'drill')).journal)].filter(
      (e): e is OrderFilledEvent => e.kind === 'order_filled',
    );
    const ids = fills.map((f) => f.fillId);
    expect(new Set(ids).size).toBe(ids.length); // none twice
    for (const id of delivered) expect(ids).toContain(id); // none lost
    expect(readFillRecords(recovered.dir)).toHaveLength(ids.length); // records rebuilt from the journal
    recovered.journal.close();
    recovered.checkpoints.close();
    recovered.records.close();

    // The same session again: it continues the journal after the recovered seq.
    let stop: (r: string) => void = () => {};
    const again = await runSession({
      mode: 'paper',
      configPath: join(data, 'live.yaml'),
      dataRoot: data,
      sessionId: 'drill',
      env: {},
      codeVersion: 'test',
      baseDirs: [data],
      wiring: {
        adapter: () => Promise.resolve(new ScriptedVenue()),
        marketInput: () => Promise.resolve(new ScriptedMarket()),
      },
      stopSignal: (s) => ((stop = s), () => {}),
      onRunning: () => setImmediate(() => stop('SIGTERM')),
    });
    expect(again.lastSeq).toBeGreaterThan(r.lastSeq);
    const journal = [...readJournal(sessionPaths(sessionDirOf(data, 'drill')).journal)];
    expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));
  }, 120_000);
});

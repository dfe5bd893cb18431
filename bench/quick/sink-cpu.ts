/**
 * The backtest's sink side alone (not a bench section): a quick run's event stream (USD-M capture
 * × N, regenerated with readRunEvents, fills left out) driven through BacktestEventStream — market
 * events through appendMarket as the timeline hands them, the rest through append — with an
 * engine that returns empty step results, into RunRecorder and a journal by reference (format 2).
 * Best CPU of several rounds, per event; the journal's SHA-256 is the same before and after a
 * speed-only change.
 *   node --import tsx bench/quick/sink-cpu.ts [repeat=5] [rounds=9]
 */
import { mkdirSync, rmSync } from 'node:fs';
import { JournalWriter, readRunEvents } from '@chassis/backtesting';
import type { Engine, Event, MarketEvent, StepResult } from '@chassis/core';
import { BacktestEventStream } from '../../packages/backtesting/src/event-stream.ts';
import { RunRecorder } from '../../packages/backtesting/src/recorder.ts';
import { ObligationBook } from '../../packages/backtesting/src/obligation-book.ts';
import { quickBacktest } from './quick-run.ts';

const repeat = Number(process.argv[2] ?? 5);
const rounds = Number(process.argv[3] ?? 9);
const out = `/tmp/chassis-quick/sink-${process.pid}`;
await quickBacktest(repeat, out);
const events: Event[] = [];
// A fill needs the run's instruments in the recorder; everything else is recorded as in the run.
for await (const e of readRunEvents(out, { verifyDatasets: false })) if (e.kind !== 'order_filled') events.push(e);
const none: never[] = [];
const empty: StepResult = { intents: none, decisions: none, operatorDecisions: none, requestsSent: none, obligation: null, controlEvents: none, diagnostics: none, violation: null };
const engine = { step: () => empty, stateHash: () => '0000000000000000', view: {} } as unknown as Engine;
const isMarket = (e: Event): e is MarketEvent => e.kind === 'book_delta' || e.kind === 'trade' || e.kind === 'bbo';
let best = Infinity;
let sha = '';
for (let r = 0; r < rounds; r++) {
  mkdirSync(out, { recursive: true });
  const journal = new JournalWriter(`${out}/sink.bin`, { marketByReference: true });
  const stream = new BacktestEventStream(engine, { submit() {} }, new RunRecorder(journal, []), new ObligationBook(), 10_000);
  const c0 = process.cpuUsage();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (isMarket(e)) stream.appendMarket(e);
    else stream.append(e);
  }
  const summary = journal.close();
  const c = process.cpuUsage(c0);
  best = Math.min(best, (c.user + c.system) / 1e6);
  sha = summary.sha256.slice(0, 16);
}
console.log(`${events.length} events: sink best ${best.toFixed(3)} CPU-s of ${rounds} rounds (${((best / events.length) * 1e9).toFixed(0)} ns per event); journal ${sha}`);
rmSync(out, { recursive: true, force: true });

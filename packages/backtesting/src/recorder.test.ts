import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, type Event, type EventDraft, type Instrument } from '@chassis/core';
import { JournalWriter } from './journal/journal.ts';
import { RunRecorder } from './recorder.ts';
import { INSTRUMENT } from './clock-scenario.ts';
import { baseConfig } from '../../core/src/testing/fixtures.ts';

/** The simulated venue's small test instrument (0.1 price units, 0.001 qty units, linear). */
const BTC: Instrument = INSTRUMENT;

/** A recorder fed the way the backtest's event stream feeds it: append, step, append the dispatches, stepped. */
function recorded(drafts: readonly EventDraft[]): RunRecorder {
  let placed = false;
  const engine = createEngine(baseConfig({ instruments: [BTC] }), {
    onEvent: () =>
      placed
        ? []
        : ((placed = true), [{ type: 'new', instrument: BTC.id, side: 'buy', priceUnits: 600_000, qtyUnits: 5 }]),
  });
  const recorder = new RunRecorder(new JournalWriter(join(mkdtempSync(join(tmpdir(), 'recorder-')), 'journal.bin')), [
    BTC,
  ]);
  let seq = 0;
  for (const d of drafts) {
    const e = { ...d, seq: ++seq } as Event;
    recorder.append(e);
    const r = engine.step(e);
    for (const q of r.requestsSent) {
      seq = q.seq;
      recorder.append(q);
    }
    recorder.stepped(e, r, engine);
  }
  return recorder;
}

const t = 1_000_000_000n;
const bbo: EventDraft = {
  kind: 'bbo',
  instrument: BTC.id,
  updateId: -1n,
  bidPriceUnits: 600_000,
  bidQtyUnits: 1,
  askPriceUnits: 600_010,
  askQtyUnits: 1,
  tsEventNs: t,
  tsLocalNs: t,
};
const fill = (fillId: string, qtyUnits: number): EventDraft => ({
  kind: 'order_filled',
  orderId: 1,
  requestSeq: -1,
  fillId,
  priceUnits: 600_000,
  qtyUnits,
  liquidity: 'maker',
  feeUnits: 1n,
  final: false,
  tsEventNs: t,
  tsLocalNs: t,
});

describe('run recorder fills', () => {
  it('records each applied fill once and leaves out a fill the core counted as a duplicate', () => {
    const r = recorded([bbo, fill('a', 2), fill('a', 2), fill('b', 1)]);
    expect(r.fills.map((f) => [f.qtyUnits, f.seq])).toEqual([
      [2, 3],
      [1, 5],
    ]);
  });

  it('leaves out a fill for an order the core never sent', () => {
    const r = recorded([bbo, { ...fill('x', 1), orderId: 9 } as EventDraft]);
    expect(r.fills).toEqual([]);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractTerms, createEngine, type Engine, type Event, type EventDraft, type Instrument } from '@chassis/core';
import { JournalWriter } from './journal/journal.ts';
import { RunRecorder } from './recorder.ts';
import { INSTRUMENT } from './clock-scenario.ts';
import { baseConfig } from '../../core/src/testing/fixtures.ts';

/** The simulated venue's small test instrument (0.1 price units, 0.001 qty units, linear). */
const BTC: Instrument = INSTRUMENT;

/** A recorder fed the way the backtest's event stream feeds it: append, step, append the dispatches, stepped. */
function recorded(drafts: readonly EventDraft[], instruments: readonly Instrument[] = [BTC]): RunRecorder {
  return recordedRun(drafts, instruments).recorder;
}

function recordedRun(drafts: readonly EventDraft[], instruments: readonly Instrument[]): { recorder: RunRecorder; engine: Engine } {
  let placed = false;
  const engine = createEngine(baseConfig({ instruments: [...instruments] }), {
    onEvent: () =>
      placed
        ? []
        : ((placed = true), [{ type: 'new', instrument: BTC.id, side: 'buy', priceUnits: 600_000, qtyUnits: 5 }]),
  });
  const recorder = new RunRecorder(new JournalWriter(join(mkdtempSync(join(tmpdir(), 'recorder-')), 'journal.bin')), instruments);
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
  return { recorder, engine };
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

describe('run recorder equity', () => {
  // Same settlement asset as BTC at a finer precision, and one settling in another asset: the
  // equity series sums the first instrument's asset only, scaled to its finest precision.
  const FINE: Instrument = { ...BTC, id: `${BTC.id}-fine`, priceDecimals: BTC.priceDecimals + 2 };
  const OTHER: Instrument = { ...BTC, id: `${BTC.id}-other`, quoteCurrency: 'OTHER' } as Instrument;

  it('gives the PnL of pnlByCurrency\'s entry for the run currency, whatever instruments settle elsewhere', () => {
    const instruments = [BTC, FINE, OTHER];
    expect(contractTerms(FINE).settlementDecimals).toBeGreaterThan(contractTerms(BTC).settlementDecimals);
    expect(contractTerms(OTHER).settlementCurrency).not.toBe(contractTerms(BTC).settlementCurrency);
    const { recorder, engine } = recordedRun([bbo, { ...bbo, instrument: FINE.id }, fill('a', 2), { ...bbo, bidPriceUnits: 600_050, askPriceUnits: 600_070, tsEventNs: 3n * t, tsLocalNs: 3n * t }], instruments);
    const c = recorder.pnlByCurrency(engine.view).find((x) => x.currency === recorder.currency)!;
    const unit = 10 ** c.decimals;
    const p = recorder.pnl(engine.view);
    expect(p).toEqual({ realized: Number(c.realizedUnits) / unit, unrealized: c.unrealized, fees: Number(c.feesUnits) / unit, inventoryLots: 2 / BTC.lotUnits });
    expect(p.unrealized).not.toBe(0);
    expect(recorder.equity.at(-1)).toMatchObject({ realizedPnl: p.realized, unrealizedPnl: p.unrealized, fees: p.fees });
  });
});

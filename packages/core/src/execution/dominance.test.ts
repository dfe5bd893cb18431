import { describe, expect, it } from 'vitest';
import type { RequestKind } from '../events.ts';
import { dominate, type PendingCommand } from './dominance.ts';

function cmd(request: RequestKind, priceUnits: number, qtyUnits: number, admission: number): PendingCommand {
  return {
    orderId: 7,
    request,
    instrument: 'binance-usdm:BTCUSDT',
    side: 'buy',
    orderType: 'limit',
    priceUnits,
    qtyUnits,
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: false,
    clientTag: request,
    admission,
    origin: 'strategy',
  };
}

// queued (admission 1, price 100, qty 1) × incoming (admission 2, price 200, qty 2) → effective command
type Expect = { request: RequestKind; priceUnits: number; qtyUnits: number; admission: number } | null;
const cells: { queued: RequestKind | null; incoming: RequestKind; outcome: string; effective: Expect }[] = [
  { queued: null, incoming: 'new', outcome: 'entered', effective: { request: 'new', priceUnits: 200, qtyUnits: 2, admission: 2 } },
  { queued: null, incoming: 'replace', outcome: 'entered', effective: { request: 'replace', priceUnits: 200, qtyUnits: 2, admission: 2 } },
  { queued: null, incoming: 'cancel', outcome: 'entered', effective: { request: 'cancel', priceUnits: 200, qtyUnits: 2, admission: 2 } },
  { queued: 'new', incoming: 'new', outcome: 'new_replaced_by_new', effective: { request: 'new', priceUnits: 200, qtyUnits: 2, admission: 1 } },
  { queued: 'new', incoming: 'replace', outcome: 'new_amended_by_replace', effective: { request: 'new', priceUnits: 200, qtyUnits: 2, admission: 1 } },
  { queued: 'new', incoming: 'cancel', outcome: 'new_and_cancel_annihilated', effective: null },
  { queued: 'replace', incoming: 'new', outcome: 'incoming_discarded', effective: { request: 'replace', priceUnits: 100, qtyUnits: 1, admission: 1 } },
  { queued: 'replace', incoming: 'replace', outcome: 'replace_replaced_by_replace', effective: { request: 'replace', priceUnits: 200, qtyUnits: 2, admission: 1 } },
  { queued: 'replace', incoming: 'cancel', outcome: 'replace_replaced_by_cancel', effective: { request: 'cancel', priceUnits: 200, qtyUnits: 2, admission: 1 } },
  { queued: 'cancel', incoming: 'new', outcome: 'incoming_discarded', effective: { request: 'cancel', priceUnits: 100, qtyUnits: 1, admission: 1 } },
  { queued: 'cancel', incoming: 'replace', outcome: 'incoming_discarded', effective: { request: 'cancel', priceUnits: 100, qtyUnits: 1, admission: 1 } },
  { queued: 'cancel', incoming: 'cancel', outcome: 'cancel_replaced_by_cancel', effective: { request: 'cancel', priceUnits: 200, qtyUnits: 2, admission: 1 } },
];

describe('dominance (SPEC.md §4 table), every cell', () => {
  it('covers all 12 cells of the table', () => {
    expect(new Set(cells.map((c) => `${c.queued}/${c.incoming}`)).size).toBe(12);
  });

  for (const c of cells) {
    it(`queued ${c.queued ?? 'none'} + incoming ${c.incoming} → ${c.outcome}`, () => {
      const queued = c.queued === null ? null : cmd(c.queued, 100, 1, 1);
      const result = dominate(queued, cmd(c.incoming, 200, 2, 2));
      expect(result.outcome).toBe(c.outcome);
      if (c.effective === null) expect(result.effective).toBeNull();
      else
        expect({
          request: result.effective!.request,
          priceUnits: result.effective!.priceUnits,
          qtyUnits: result.effective!.qtyUnits,
          admission: result.effective!.admission,
        }).toEqual(c.effective);
    });
  }

  it('a replace of an unsent NEW keeps the NEW’s side, type and tag, only price and qty change', () => {
    const queued = { ...cmd('new', 100, 1, 1), side: 'sell' as const, clientTag: 'mm-ask' };
    const r = dominate(queued, cmd('replace', 150, 3, 2));
    expect(r.effective).toEqual({ ...queued, priceUnits: 150, qtyUnits: 3 });
  });
  it('a command that wins over a queued one is the incoming command in full, with the queued admission number', () => {
    const incoming: PendingCommand = { ...cmd('replace', 150, 3, 2), orderType: 'market', timeInForce: 'IOC', postOnly: true, reduceOnly: true, clientTag: 'x', origin: 'operator' };
    for (const queued of ['new', 'replace'] as const) {
      const r = dominate(cmd(queued, 100, 1, 1), incoming);
      const want = queued === 'new' ? { ...cmd('new', 100, 1, 1), priceUnits: 150, qtyUnits: 3 } : { ...incoming, admission: 1 };
      expect(r.effective).toEqual(want);
    }
    for (const [q, i] of [['new', 'new'], ['replace', 'cancel'], ['cancel', 'cancel']] as const) {
      const inc: PendingCommand = { ...incoming, request: i };
      expect(dominate(cmd(q, 100, 1, 1), inc).effective).toEqual({ ...inc, admission: 1 });
    }
  });
});

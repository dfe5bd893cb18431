/**
 * The Reconciler's outcome rules against a plain restatement of them, over generated runs of
 * reconciliations: each look of the venue may show a foreign order and/or a position the engine
 * does not have; the policy is adopt or cancel; a cancel may fail. The oracle tracks only three
 * facts (last outcome, whether the foreign order is adopted, whether it is still on the venue)
 * and must predict the exact events appended and the cancels sent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VenueAccountState, VenueOrderState } from '../contracts.ts';
import { BTCUSDT, plainView } from './account-fixtures.ts';
import { Reconciler } from './reconciler.ts';
import type { UnknownOrderPolicy } from './report.ts';

const FOREIGN: VenueOrderState = {
  orderId: null,
  clientOrderId: 'web_1',
  venueOrderId: '777',
  instrument: BTCUSDT.id,
  side: 'sell',
  priceUnits: 610_000,
  qtyUnits: 1,
  filledQtyUnits: 0,
  status: 'open',
};

interface Look {
  /** A foreign order appears on the venue from this look on (if none is there). */
  readonly foreignAppears: boolean;
  /** The venue shows a position the engine does not have. */
  readonly positionDiff: boolean;
}

interface Run {
  readonly policy: UnknownOrderPolicy;
  /** Per reconciliation: its first and confirming looks (a third look repeats the second's position), and whether a cancel fails. */
  readonly rounds: readonly { readonly first: Look; readonly second: Look; readonly cancelFails: boolean }[];
}

const look = fc.record({ foreignAppears: fc.boolean(), positionDiff: fc.boolean() });
const run: fc.Arbitrary<Run> = fc.record({
  policy: fc.constantFrom('adopt' as const, 'cancel' as const),
  rounds: fc.array(fc.record({ first: look, second: look, cancelFails: fc.boolean() }), { minLength: 1, maxLength: 6 }),
});

/** The venue: a foreign order that stays until cancelled, and a position set per look. */
class ScriptedVenue {
  readonly venue = 'scripted';
  foreignOpen = false;
  positionDiff = false;
  cancelFails = false;
  cancels = 0;
  private looks: Look[] = [];

  script(looks: Look[], cancelFails: boolean): void {
    this.looks = looks;
    this.cancelFails = cancelFails;
  }

  fetchAccountState(): Promise<VenueAccountState> {
    const next = this.looks.shift();
    if (next !== undefined) {
      if (next.foreignAppears) this.foreignOpen = true;
      this.positionDiff = next.positionDiff;
    }
    return Promise.resolve({
      openOrders: this.foreignOpen ? [FOREIGN] : [],
      positions: this.positionDiff ? [{ instrument: BTCUSDT.id, qtyUnits: 1 }] : [],
      balances: [{ asset: 'USDT', amount: '0' }],
      asOfNs: 1n,
    });
  }

  cancelForeign(): Promise<void> {
    this.cancels++;
    if (this.cancelFails) return Promise.reject(new Error('E_VENUE: cancel refused'));
    this.foreignOpen = false;
    return Promise.resolve();
  }
}

/** The rules of reconciler.ts, restated over three facts. */
function predict(r: Run): { events: string[][]; cancels: number } {
  let last = '';
  let foreignOpen = false;
  let adopted = false;
  let positionDiff = false;
  let cancels = 0;
  const events: string[][] = [];
  const see = (l: Look): boolean => {
    if (l.foreignAppears) foreignOpen = true;
    positionDiff = l.positionDiff;
    if (!foreignOpen) adopted = false;
    return !(foreignOpen && !adopted) && !positionDiff;
  };
  for (const round of r.rounds) {
    const out: string[] = [];
    if (see(round.first) || see(round.second)) {
      out.push(last === 'mismatch' ? 'resolved' : 'matched');
    } else {
      out.push('mismatch');
      const unmanaged = foreignOpen && !adopted;
      if (unmanaged) {
        if (r.policy === 'adopt') adopted = true;
        else {
          cancels++;
          if (!round.cancelFails) foreignOpen = false;
        }
        // Third look: the venue as the actions left it, same position.
        if (!(foreignOpen && !adopted) && !positionDiff) out.push('resolved');
      }
    }
    if (!foreignOpen) adopted = false;
    last = out.at(-1)!;
    events.push(out);
  }
  return { events, cancels };
}

describe('Reconciler outcome rules against a plain restatement', () => {
  it('appends exactly the predicted reconciliation events and sends exactly the predicted cancels', async () => {
    await fc.assert(
      fc.asyncProperty(run, async (r) => {
        const venue = new ScriptedVenue();
        const appended: string[] = [];
        const view = plainView({
          instruments: [BTCUSDT],
          orders: [],
          positions: new Map(),
          balances: new Map([['USDT', { units: 0n, decimals: 4 }]]),
        });
        const reconciler = new Reconciler({
          adapter: venue,
          view: () => view,
          append: (draft) => {
            appended.push(draft.outcome);
            return Promise.resolve();
          },
          writeReport: (report) => Promise.resolve(`reconciliation-${report.n}.json`),
          clock: { nowNs: () => 0n },
          policy: r.policy,
          firstReportNumber: 1,
          sleep: () => Promise.resolve(),
        });
        const events: string[][] = [];
        for (const round of r.rounds) {
          venue.script([round.first, round.second], round.cancelFails);
          const before = appended.length;
          await reconciler.reconcile('periodic');
          events.push(appended.slice(before));
        }
        expect({ events, cancels: venue.cancels }).toEqual(predict(r));
      }),
      { numRuns: 500 },
    );
  });
});

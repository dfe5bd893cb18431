/**
 * Positions and wallet balances as the user stream's ACCOUNT_UPDATE events state them (USD-M
 * "Event: Balance and Position Update"). They produce no execution events: the core derives
 * positions and balances from fills (SPEC.md invariant "positions = sum of fills"), and the venue's
 * own numbers are compared with them by reconciliation. This is the cheap, push-side view of
 * those numbers between reconciliations (monitoring, the session's status), merged per asset and
 * per symbol because each event carries only what changed. In hedge mode a symbol has a LONG and a
 * SHORT entry; its position is their sum (`pa` is signed).
 */
import { parseDecimalUnits, type Instrument } from '@chassis/core';
import type { VenueBalance, VenuePosition } from '../../contracts.ts';
import type { AccountUpdate } from './wire.ts';

export class StreamedAccount {
  private readonly positionBySide = new Map<string, Map<string, number>>();
  private readonly balances = new Map<string, string>();
  /** Venue time of the last update applied, ms; 0 before any. */
  tsMs = 0;

  apply(update: AccountUpdate, instrumentsBySymbol: ReadonlyMap<string, Instrument>): void {
    for (const b of update.a.B) this.balances.set(b.a, b.wb);
    for (const p of update.a.P) {
      const inst = instrumentsBySymbol.get(p.s);
      if (inst === undefined) continue;
      let sides = this.positionBySide.get(inst.id);
      if (sides === undefined) this.positionBySide.set(inst.id, (sides = new Map()));
      sides.set(p.ps ?? 'BOTH', parseDecimalUnits(p.pa, inst.sizeDecimals));
    }
    this.tsMs = Math.max(this.tsMs, update.T);
  }

  positions(): VenuePosition[] {
    return [...this.positionBySide].map(([instrument, sides]) => ({
      instrument,
      qtyUnits: [...sides.values()].reduce((a, b) => a + b, 0),
    }));
  }

  walletBalances(): VenueBalance[] {
    return [...this.balances].map(([asset, amount]) => ({ asset, amount }));
  }
}

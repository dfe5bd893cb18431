/**
 * The comparison: drive the reference venue with production's exchange-side tape and compare
 * every answer; replay the production stream through the reference ledger and compare every
 * order state, position, fee total, PnL and balance production reported. Returns the
 * disagreements (empty = agreement), each naming where and both values.
 */
import type { EventDraft, ExecutionEvent, Instrument } from '@chassis/core';
import { ReferenceLedger } from './reference-ledger.ts';
import { ReferenceVenue, settlementDecimals } from './reference-venue.ts';
import { isExecutionEvent, type ProductionRun, type TapeEntry } from './production-run.ts';
import { cmp, fromUnits, mul, ratio, show, sub, type Rational } from './rational.ts';

export interface Disagreement {
  readonly where: string;
  readonly field: string;
  readonly production: string;
  readonly reference: string;
}

const str = (v: unknown): string => (typeof v === 'bigint' ? `${v}n` : JSON.stringify(v));

const ANSWER_FIELDS = [
  'kind',
  'orderId',
  'requestSeq',
  'tsEventNs',
  'tsLocalNs',
  'reason',
  'request',
  'priceUnits',
  'qtyUnits',
  'liquidity',
  'feeUnits',
  'final',
] as const;

function compareAnswer(
  i: number,
  prod: EventDraft<ExecutionEvent>,
  ref: EventDraft<ExecutionEvent> | undefined,
  out: Disagreement[],
): void {
  const where = `answer #${i} (production: ${prod.kind} of order ${prod.orderId})`;
  if (ref === undefined) {
    out.push({ where, field: 'presence', production: prod.kind, reference: 'none' });
    return;
  }
  for (const f of ANSWER_FIELDS) {
    const a = (prod as Record<string, unknown>)[f];
    const b = (ref as Record<string, unknown>)[f];
    if (a !== b) out.push({ where, field: f, production: str(a), reference: str(b) });
  }
}

export interface VenueReplay {
  readonly disagreements: Disagreement[];
  readonly answersCompared: number;
  readonly fills: number;
}

/** Drives the reference venue with `tape` and compares its answers with `productionAnswers` (stream order). */
export function compareVenue(
  instruments: readonly Instrument[],
  tape: readonly TapeEntry[],
  productionAnswers: readonly EventDraft<ExecutionEvent>[],
  undelivered: number,
  latency: { entryNs: bigint; responseNs: bigint },
): VenueReplay {
  const venue = new ReferenceVenue({
    instruments,
    entryLatencyNs: latency.entryNs,
    responseLatencyNs: latency.responseNs,
  });
  const out: Disagreement[] = [];
  for (const [k, entry] of tape.entries()) {
    if (entry.kind === 'market') venue.onMarketEvent(entry.event, entry.exchangeNs);
    else if (entry.kind === 'submit') venue.submit(entry.request);
    else {
      const arrival = venue.nextArrivalNs();
      if (arrival !== entry.arrivalNs)
        out.push({
          where: `tape #${k}`,
          field: 'request arrival (ns)',
          production: str(entry.arrivalNs),
          reference: str(arrival),
        });
      venue.processNextRequest();
    }
  }
  const answers = venue.takeAnswers();
  productionAnswers.forEach((a, i) => compareAnswer(i, a, answers[i], out));
  if (answers.length !== productionAnswers.length + undelivered) {
    out.push({
      where: 'end of run',
      field: 'answers produced',
      production: str(productionAnswers.length + undelivered),
      reference: str(answers.length),
    });
  }
  return {
    disagreements: out,
    answersCompared: productionAnswers.length,
    fills: answers.filter((a) => a.kind === 'order_filled').length,
  };
}

/** Production's units of an instrument's settlement asset and of its quote/base balances. */
function unitDecimals(inst: Instrument, currency: string): number {
  if (inst.contractType === 'spot' && currency === inst.baseCurrency) return inst.sizeDecimals;
  return settlementDecimals(inst);
}

/** `units` of production against an exact reference amount: equal when exact, else within `slackUnits`. */
function checkAmount(
  where: string,
  field: string,
  units: bigint,
  decimals: number,
  exact: Rational,
  slackUnits: number,
  out: Disagreement[],
): void {
  const diff = sub(fromUnits(units, decimals), exact);
  const bound = fromUnits(BigInt(slackUnits), decimals);
  const absDiff = diff.num < 0n ? ratio(-diff.num, diff.den) : diff;
  if (cmp(absDiff, bound) > 0)
    out.push({
      where,
      field,
      production: `${units} units of 1e-${decimals}`,
      reference: `${show(mul(exact, ratio(10n ** BigInt(decimals))))} units`,
    });
}

export interface LedgerReplay {
  readonly disagreements: Disagreement[];
  readonly snapshotsCompared: number;
  readonly ledger: ReferenceLedger;
}

/**
 * Replays `run.stream` through the reference ledger and compares each production snapshot.
 * Rounding allowance: production keeps the open position's cost in whole units and removes it
 * pro rata with a truncating division on each partial close, so its cost (and the realised PnL
 * it implies) may be off by less than one unit per partial close since the position was last
 * flat; cost − realised PnL (the signed notional of all fills) must still be exact (no unit is ever lost), and everything is exact
 * when flat. Fees and balances follow.
 */
export function compareLedger(
  inst: Instrument,
  run: ProductionRun,
  initialBalances: ReadonlyMap<string, Rational>,
): LedgerReplay {
  const ledger = new ReferenceLedger([inst], initialBalances);
  const out: Disagreement[] = [];
  let applied = 0;
  let markUnits = 0;
  const settle = ReferenceLedger.settlementAsset(inst);
  const d = settlementDecimals(inst);
  for (const snap of run.snapshots) {
    for (; applied < snap.streamLength; applied++) {
      const e = run.stream[applied]!;
      if (e.kind === 'request_sent') ledger.onRequestSent(e);
      else if (isExecutionEvent(e)) {
        ledger.onExecution(e);
        if (e.kind === 'order_filled') markUnits = e.priceUnits;
      }
    }
    const where = `after stream event #${snap.streamLength} (order ${snap.orderId})`;
    const order = ledger.orders.get(snap.orderId);
    if (order?.status !== snap.status)
      out.push({ where, field: 'order status', production: str(snap.status), reference: str(order?.status) });
    if (order !== undefined && order.filledUnits !== snap.filledQtyUnits)
      out.push({
        where,
        field: 'order filled qty',
        production: str(snap.filledQtyUnits),
        reference: str(order.filledUnits),
      });
    const p = ledger.positions.get(inst.id)!;
    const pp = snap.position;
    if (pp.qtyUnits !== p.qtyUnits)
      out.push({ where, field: 'position qty', production: str(pp.qtyUnits), reference: str(p.qtyUnits) });
    const slack = p.qtyUnits === 0 ? 0 : p.partialClosesSinceFlat;
    checkAmount(where, 'realised PnL', pp.realizedPnlUnits, d, p.realisedPnl, slack, out);
    // Production's cost is price × qty; for inverse contracts its unit is not settled yet (defect 3), so only linear/spot compare it.
    if (inst.contractType !== 'inverse') {
      checkAmount(where, 'position entry value (cost)', pp.costUnits, d, p.entryValue, slack, out);
      checkAmount(
        where,
        'entry value − realised PnL (= Σ signed fill notional, conserved)',
        pp.costUnits - pp.realizedPnlUnits,
        d,
        sub(p.entryValue, p.realisedPnl),
        0,
        out,
      );
      // Unrealised PnL as runs report it (recorder.pnl: mark × qty − cost), marked at the last fill price.
      const unrealisedUnits = BigInt(markUnits) * BigInt(pp.qtyUnits) - pp.costUnits;
      checkAmount(
        where,
        'unrealised PnL at the last fill price',
        unrealisedUnits,
        d,
        ledger.unrealisedPnl(inst.id, markUnits),
        slack,
        out,
      );
    }
    checkAmount(where, 'fees', pp.feesUnits, d, p.fees, 0, out);
    for (const [ccy, units] of snap.balances) {
      const ref = ledger.balances.get(ccy);
      if (ref === undefined && units === 0n) continue;
      checkAmount(
        where,
        `balance ${ccy}`,
        units,
        unitDecimals(inst, ccy),
        ref ?? ratio(0n),
        ccy === settle ? slack : 0,
        out,
      );
    }
  }
  return { disagreements: out, snapshotsCompared: run.snapshots.length, ledger };
}

/** Readable list for an assertion message. */
export function describe(disagreements: readonly Disagreement[], max = 8): string {
  return disagreements
    .slice(0, max)
    .map((x) => `${x.where}: ${x.field}: production ${x.production}, reference ${x.reference}`)
    .join('\n');
}

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
import { abs, add, cmp, fromUnits, mul, ratio, show, sub, ZERO, type Rational } from './rational.ts';

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
  model: {
    entryNs: bigint;
    responseNs: bigint;
    tradeThroughFill?: 'whole_order' | 'traded_qty';
    clockOffsetNs?: bigint;
  },
): VenueReplay {
  const venue = new ReferenceVenue({
    instruments,
    entryLatencyNs: model.entryNs,
    responseLatencyNs: model.responseNs,
    ...(model.tradeThroughFill ? { tradeThroughFill: model.tradeThroughFill } : {}),
    ...(model.clockOffsetNs ? { clockOffsetNs: model.clockOffsetNs } : {}),
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

/** Production's `amount` against the reference's exact one: equal, or within `allowance` (amounts of the asset, shown in units of 10^-decimals). */
function checkAmount(
  where: string,
  field: string,
  amount: Rational,
  decimals: number,
  exact: Rational,
  allowance: Rational,
  out: Disagreement[],
): void {
  if (cmp(abs(sub(amount, exact)), allowance) <= 0) return;
  const inUnits = (x: Rational) => show(mul(x, ratio(10n ** BigInt(decimals))));
  out.push({
    where,
    field,
    production: `${inUnits(amount)} units of 1e-${decimals}`,
    reference: `${inUnits(exact)} units (allowance ${inUnits(allowance)})`,
  });
}

export interface LedgerReplay {
  readonly disagreements: Disagreement[];
  readonly snapshotsCompared: number;
  readonly ledger: ReferenceLedger;
}

/**
 * Replays `run.stream` through the reference ledger and compares each production snapshot.
 *
 * Production keeps amounts in whole settlement units (core contract-value.ts): each fill's value
 * rounded to the nearest unit, ties away from zero (exact for spot and linear, not for inverse
 * q × m / P), and a cost basis from which a partial close removes its share with a truncating
 * division. So, with the reference's exact amounts:
 * - Σ fill values (cost − realised PnL for linear and spot, realised PnL − cost for inverse,
 *   whose basis production signs −q × m / P) equals the sum of each fill's exact value rounded
 *   to the nearest unit: no allowance.
 * - the cost basis is within the ledger's `costErrorUnits` (½ unit per inverse opening fill,
 *   < 1 per partial close, shrinking pro rata; 0 when flat);
 * - realised PnL and the settlement balance are within the known fill-value rounding plus that
 *   cost bound (`realisedAllowance`); unrealised PnL within the cost bound;
 * - order states, quantities, fees and the spot base balance are exact.
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
  const inverse = inst.contractType === 'inverse';
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
    // Production's basis in the reference's sign (signed like the position, positive for a long).
    const costUnits = inverse ? -pp.costUnits : pp.costUnits;
    const costAllowance = mul(p.costErrorUnits, fromUnits(1n, d));
    const realisedAllowance = ledger.realisedAllowance(inst.id);
    const amount = (units: bigint) => fromUnits(units, d);
    checkAmount(where, 'realised PnL', amount(pp.realizedPnlUnits), d, p.realisedPnl, realisedAllowance, out);
    checkAmount(where, 'position entry value (cost)', amount(costUnits), d, p.entryValue, costAllowance, out);
    checkAmount(
      where,
      'Σ fill values, each rounded to the nearest unit (conserved)',
      amount(inverse ? costUnits + pp.realizedPnlUnits : costUnits - pp.realizedPnlUnits),
      d,
      add(inverse ? add(p.entryValue, p.realisedPnl) : sub(p.entryValue, p.realisedPnl), p.fillValueRounding),
      ZERO,
      out,
    );
    // Unrealised PnL as runs report it (recorder: value at the mark − cost), marked at the last fill price.
    checkAmount(
      where,
      'unrealised PnL at the last fill price',
      ledger.unrealisedPnl(inst.id, markUnits, amount(costUnits)),
      d,
      ledger.unrealisedPnl(inst.id, markUnits),
      costAllowance,
      out,
    );
    checkAmount(where, 'fees', amount(pp.feesUnits), d, p.fees, ZERO, out);
    for (const [ccy, units] of snap.balances) {
      const ref = ledger.balances.get(ccy);
      if (ref === undefined && units === 0n) continue;
      const decimals = unitDecimals(inst, ccy);
      checkAmount(
        where,
        `balance ${ccy}`,
        fromUnits(units, decimals),
        decimals,
        ref ?? ZERO,
        ccy === settle ? realisedAllowance : ZERO,
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

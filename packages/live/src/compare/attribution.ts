/**
 * Why a paired order ended differently in the session and in the backtest, or why an order
 * exists on one side only. Rules, first match wins:
 * 1. data_gap — the order's life (request → end) overlaps a time the session's feed was
 *    degraded (its feed_health events) or the backtest had no market data (before its first or
 *    after its last market event, or a hole between the datasets it read).
 * 2. latency — (paired, fill outcome differs) the more-filled side got its first fill sooner
 *    after its request than the other side's order was even acknowledged: the other order was
 *    not yet at the venue when the price traded.
 * 3. queue_position — (paired) both orders were acknowledged before the filled side's first
 *    fill, which was a maker fill: both rested at the price and the queue ahead of them differed.
 * 4. latency — (one side only) when the order was requested, the two sides had a different
 *    number of requests in flight for the instrument (sent, not yet answered): the strategy and
 *    the inflight gate saw the venue's answers at different times.
 * 5. earlier_difference — (one side only) an earlier difference exists: from there on the
 *    strategy saw other orders or another position, so its decisions part ways.
 * 6. unexplained.
 */
import { inFlightAt, type ExecutionHistory, type Interval, type OrderHistory } from './execution-history.ts';
import type { OrderPair } from './order-pairs.ts';

export type Attribution = 'data_gap' | 'latency' | 'queue_position' | 'earlier_difference' | 'unexplained';

export interface OrderDifference {
  readonly kind: 'fill_outcome' | 'only_in_session' | 'only_in_backtest';
  /** tsLocal of the earliest request of the pair. */
  readonly atNs: bigint;
  readonly pair: OrderPair;
  readonly attribution: Attribution;
  /** The facts the attribution rests on, in words and numbers. */
  readonly why: string;
}

export interface Coverage {
  /** Intervals in which either side lacked market data (module comment, rule 1). */
  readonly gaps: readonly Interval[];
}

export interface Sides {
  readonly session: ExecutionHistory;
  readonly backtest: ExecutionHistory;
}

function overlaps(o: OrderHistory, g: Interval, endNs: bigint): boolean {
  const oEnd = o.endNs ?? endNs;
  return g.instrument === o.instrument && o.requestNs <= (g.toNs ?? endNs) && g.fromNs <= oEnd;
}

const ms = (ns: bigint) => `${(Number(ns) / 1e6).toFixed(3)} ms`;

function gapOf(pair: OrderPair, coverage: Coverage, endNs: bigint): Interval | undefined {
  return coverage.gaps.find(
    (g) => (pair.session && overlaps(pair.session, g, endNs)) || (pair.backtest && overlaps(pair.backtest, g, endNs)),
  );
}

function fillOutcomeCause(s: OrderHistory, b: OrderHistory): { attribution: Attribution; why: string } {
  const [filled, other, fName, oName] =
    s.filledQtyUnits > b.filledQtyUnits ? [s, b, 'session', 'backtest'] : [b, s, 'backtest', 'session'];
  const fillDelay = filled.firstFillNs! - filled.requestNs;
  const otherAck = other.ackNs === null ? null : other.ackNs - other.requestNs;
  if (otherAck === null || fillDelay < otherAck) {
    return {
      attribution: 'latency',
      why: `${fName} order filled ${ms(fillDelay)} after its request; the ${oName} order was ${otherAck === null ? 'never acknowledged' : `acknowledged only after ${ms(otherAck)}`}`,
    };
  }
  if (filled.firstFillLiquidity === 'maker') {
    return {
      attribution: 'queue_position',
      why: `both orders rested at ${filled.priceUnits} (the ${oName} one acknowledged after ${ms(otherAck)}); the ${fName} one was filled as maker ${ms(fillDelay)} after its request, the ${oName} one ${other.filledQtyUnits === 0 ? 'not at all' : `for ${other.filledQtyUnits} of ${filled.filledQtyUnits} units`}`,
    };
  }
  return {
    attribution: 'unexplained',
    why: `${fName} filled ${filled.filledQtyUnits} units as taker ${ms(fillDelay)} after its request, ${oName} ${other.filledQtyUnits} with both acknowledged in time`,
  };
}

function inFlightDiffers(pair: OrderPair, sides: Sides): boolean {
  const o = (pair.session ?? pair.backtest)!;
  return inFlightAt(sides.session, o.instrument, o.requestNs) !== inFlightAt(sides.backtest, o.instrument, o.requestNs);
}

/** Differences in the order they happened, each attributed (module comment). */
export function attributeDifferences(
  pairs: readonly OrderPair[],
  sides: Sides,
  coverage: Coverage,
  endNs: bigint,
): OrderDifference[] {
  const raw = pairs
    .filter((p) => !(p.session && p.backtest && p.session.filledQtyUnits === p.backtest.filledQtyUnits))
    .map((pair) => {
      const atNs =
        pair.session && pair.backtest
          ? pair.session.requestNs < pair.backtest.requestNs
            ? pair.session.requestNs
            : pair.backtest.requestNs
          : (pair.session ?? pair.backtest)!.requestNs;
      const kind: OrderDifference['kind'] =
        pair.session && pair.backtest ? 'fill_outcome' : pair.session ? 'only_in_session' : 'only_in_backtest';
      return { kind, atNs, pair };
    })
    .sort((a, b) => (a.atNs < b.atNs ? -1 : a.atNs > b.atNs ? 1 : 0));
  const out: OrderDifference[] = [];
  for (const d of raw) {
    const gap = gapOf(d.pair, coverage, endNs);
    if (gap) {
      out.push({
        ...d,
        attribution: 'data_gap',
        why: `the order's life overlaps a data gap on ${gap.instrument} (${gap.reason})`,
      });
    } else if (d.kind === 'fill_outcome') {
      out.push({ ...d, ...fillOutcomeCause(d.pair.session!, d.pair.backtest!) });
    } else if (inFlightDiffers(d.pair, sides)) {
      const o = (d.pair.session ?? d.pair.backtest)!;
      const [s, b] = [
        inFlightAt(sides.session, o.instrument, d.atNs),
        inFlightAt(sides.backtest, o.instrument, d.atNs),
      ];
      out.push({
        ...d,
        attribution: 'latency',
        why: `when it was requested the session had ${s} request(s) in flight, the backtest ${b}`,
      });
    } else if (out.length > 0) {
      out.push({
        ...d,
        attribution: 'earlier_difference',
        why: `follows ${out.length} earlier difference(s), the first at ${ms(d.atNs - out[0]!.atNs)} before it (${out[0]!.attribution})`,
      });
    } else {
      out.push({
        ...d,
        attribution: 'unexplained',
        why: 'the first difference, with no data gap and no earlier fill difference',
      });
    }
  }
  return out;
}

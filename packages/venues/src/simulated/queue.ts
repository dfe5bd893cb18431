/**
 * Queue position models (hftbacktest's contract: new order, trade, depth change, filled).
 *
 * The exchange book is L2, so we never know who is in front of our resting order; a model
 * estimates `ahead`, the historical quantity (qty units, a float for probabilistic models)
 * queued before us at our price. The venue calls, for each resting order at its price level:
 * - `newOrder` when the order starts resting (or loses priority), with the level's historical qty;
 * - `trade` for a trade at our price whose aggressor hits our side;
 * - `depth` when the historical level qty changes from `prevQty` to `newQty`;
 * - `takeFilled` after a trade, to collect the traded qty that went past our position.
 * Our own orders are not part of the historical level (no market impact), so `ahead` counts
 * only other participants.
 */
import type { Instrument } from '@chassis/core';

/** Per-order queue state, owned by the venue, mutated only by a QueueModel. */
export class QueuePosition {
  /** Estimated historical qty ahead of us (qty units); negative after a trade passed us. */
  ahead = 0;
  /** Qty traded at our price since the last depth update (qty units), so that the depth drop that echoes a trade is not counted twice. */
  tradedSinceDepth = 0;
}

export interface QueueModel {
  readonly name: string;
  /** The order joins the back of a level holding `levelQty` (qty units) of others. */
  newOrder(pos: QueuePosition, levelQty: number): void;
  /** `qty` (qty units) traded at our price against our side. */
  trade(pos: QueuePosition, qty: number): void;
  /** The historical level at our price went from `prevQty` to `newQty` (qty units). */
  depth(pos: QueuePosition, prevQty: number, newQty: number): void;
  /** Traded qty beyond our position (≥ 0, qty units, not yet rounded to lots); resets the position to the front. */
  takeFilled(pos: QueuePosition): number;
}

function takeFilled(pos: QueuePosition): number {
  if (pos.ahead >= 0) return 0;
  const passed = -pos.ahead;
  pos.ahead = 0;
  return passed;
}

/*
 * The models are classes, not object literals of closures: their methods are the same functions
 * in every run of a process, so the venue's call sites that a sweep worker's first run fed (and
 * the code V8 optimised on them) stay valid in its next runs instead of failing their call-target
 * checks and being compiled again.
 */

class ConservativeQueue implements QueueModel {
  readonly name = 'conservative';

  newOrder(pos: QueuePosition, levelQty: number): void {
    pos.ahead = levelQty;
    pos.tradedSinceDepth = 0;
  }

  trade(pos: QueuePosition, qty: number): void {
    pos.ahead -= qty;
  }

  depth(pos: QueuePosition, _prevQty: number, newQty: number): void {
    if (pos.ahead > newQty) pos.ahead = newQty;
  }

  takeFilled(pos: QueuePosition): number {
    return takeFilled(pos);
  }
}

/**
 * Conservative (hftbacktest RiskAdverseQueueModel): only trades at our price advance us. A
 * level that shrinks below our estimate caps it (we cannot have more ahead than the level
 * holds), but cancellations are otherwise assumed to come from behind us.
 */
export function conservativeQueue(): QueueModel {
  return new ConservativeQueue();
}

/**
 * The share of a level decrease that came from BEHIND us, given `front` (ahead) and `back`
 * (behind) qty: hftbacktest's f(back) / (f(back) + f(front)).
 */
export type QueueProbability = (front: number, back: number) => number;

/** Power family f(x) = x^n. n = 1 splits proportionally; larger n pushes decreases toward the bigger side. */
export function powerProbability(n: number): QueueProbability {
  checkExponent(n);
  return (front, back) => powerShare(n, front, back);
}

function checkExponent(n: number): void {
  if (!(n > 0 && Number.isFinite(n))) throw new RangeError(`power queue exponent must be a positive finite number, got ${n}`);
}

function powerShare(n: number, front: number, back: number): number {
  const fb = Math.pow(back, n);
  return fb / (fb + Math.pow(front, n));
}

/**
 * Log family f(x) = ln(1 + x / qtyScale) over raw qty units. Unlike the power family it depends
 * on the scale of the quantities: `qtyScale` is how many qty units count as "1". Runs choose the
 * scale in base-asset units through logProbQueue, which converts it per instrument.
 */
export function logProbability(qtyScale: number): QueueProbability {
  checkScale(qtyScale);
  return (front, back) => logShare(qtyScale, front, back);
}

function checkScale(qtyScale: number): void {
  if (!(qtyScale > 0 && Number.isFinite(qtyScale))) throw new RangeError(`log queue qtyScale must be a positive finite number, got ${qtyScale}`);
}

function logShare(qtyScale: number, front: number, back: number): number {
  const fb = Math.log1p(back / qtyScale);
  return fb / (fb + Math.log1p(front / qtyScale));
}

class ProbabilisticQueue implements QueueModel {
  constructor(
    private readonly prob: QueueProbability | null,
    readonly name: string,
  ) {}

  /** The share of a decrease from behind us (the built-in families override it: no closure per run). */
  protected share(front: number, back: number): number {
    return this.prob!(front, back);
  }

  newOrder(pos: QueuePosition, levelQty: number): void {
    pos.ahead = levelQty;
    pos.tradedSinceDepth = 0;
  }

  trade(pos: QueuePosition, qty: number): void {
    pos.ahead -= qty;
    pos.tradedSinceDepth += qty;
  }

  depth(pos: QueuePosition, prevQty: number, newQty: number): void {
    // Decrease not yet accounted for by trades at our price (qty units).
    const chg = prevQty - newQty - pos.tradedSinceDepth;
    pos.tradedSinceDepth = 0;
    if (chg <= 0) {
      if (pos.ahead > newQty) pos.ahead = newQty;
      return;
    }
    const front = pos.ahead > 0 ? pos.ahead : 0;
    const back = prevQty - front > 0 ? prevQty - front : 0;
    let p = this.share(front, back);
    if (!Number.isFinite(p)) p = 1; // 0/0 when both sides are empty: nothing ahead to remove
    const fromBehindShortfall = back - p * chg;
    let est = front - (1 - p) * chg + (fromBehindShortfall < 0 ? fromBehindShortfall : 0);
    if (est > newQty) est = newQty;
    pos.ahead = est > 0 ? est : 0;
  }

  takeFilled(pos: QueuePosition): number {
    return takeFilled(pos);
  }
}

/**
 * Probabilistic (hftbacktest ProbQueueModel): a level decrease not explained by trades is split
 * between ahead and behind us with `prob` = the share from behind; we advance by the expected
 * share from ahead (no random draw: the expected value, deterministic). Increases join behind us.
 */
export function probabilisticQueue(prob: QueueProbability, name = 'probabilistic'): QueueModel {
  return new ProbabilisticQueue(prob, name);
}

/** The power family as a class (its share is a prototype method, the same function in every run). */
class PowerProbQueue extends ProbabilisticQueue {
  constructor(private readonly n: number) {
    super(null, `power-prob(n=${n})`);
  }

  protected override share(front: number, back: number): number {
    return powerShare(this.n, front, back);
  }
}

/** The log family as a class (its share is a prototype method, the same function in every run). */
class LogProbQueue extends ProbabilisticQueue {
  constructor(
    private readonly qtyScale: number,
    name: string,
  ) {
    super(null, name);
  }

  protected override share(front: number, back: number): number {
    return logShare(this.qtyScale, front, back);
  }
}

/** Probabilistic queue with the power family f(x) = x^n. */
export function powerProbQueue(n: number): QueueModel {
  checkExponent(n);
  return new PowerProbQueue(n);
}

/** A queue model built per instrument, for models whose parameter is in base-asset units. */
export type QueueModelOf = (instrument: Instrument) => QueueModel;

/**
 * Probabilistic queue with the log family f(x) = ln(1 + x / scale), x in base-asset units
 * (contracts for contract instruments): `scaleBaseQty` base units count as "1", converted to qty
 * units with each instrument's sizeDecimals, so the same market gives the same queue progress
 * whatever precision its sizes are recorded in. hftbacktest applies ln(1 + x) to quantities in
 * coins: scaleBaseQty = 1 reproduces it.
 */
export function logProbQueue(scaleBaseQty: number): QueueModelOf {
  if (!(scaleBaseQty > 0 && Number.isFinite(scaleBaseQty))) throw new RangeError(`log queue scale must be a positive finite base-asset quantity, got ${scaleBaseQty}`);
  return (instrument) => {
    const qtyScale = scaleBaseQty * 10 ** instrument.sizeDecimals;
    checkScale(qtyScale);
    return new LogProbQueue(qtyScale, `log-prob(scale=${scaleBaseQty} base)`);
  };
}

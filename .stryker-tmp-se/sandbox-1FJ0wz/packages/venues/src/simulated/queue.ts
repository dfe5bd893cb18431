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
// @ts-nocheck


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

/**
 * Conservative (hftbacktest RiskAdverseQueueModel): only trades at our price advance us. A
 * level that shrinks below our estimate caps it (we cannot have more ahead than the level
 * holds), but cancellations are otherwise assumed to come from behind us.
 */
export function conservativeQueue(): QueueModel {
  return {
    name: 'conservative',
    newOrder(pos, levelQty) {
      pos.ahead = levelQty;
      pos.tradedSinceDepth = 0;
    },
    trade(pos, qty) {
      pos.ahead -= qty;
    },
    depth(pos, _prevQty, newQty) {
      if (pos.ahead > newQty) pos.ahead = newQty;
    },
    takeFilled,
  };
}

/**
 * The share of a level decrease that came from BEHIND us, given `front` (ahead) and `back`
 * (behind) qty: hftbacktest's f(back) / (f(back) + f(front)).
 */
export type QueueProbability = (front: number, back: number) => number;

/** Power family f(x) = x^n. n = 1 splits proportionally; larger n pushes decreases toward the bigger side. */
export function powerProbability(n: number): QueueProbability {
  if (!(n > 0 && Number.isFinite(n))) throw new RangeError(`power queue exponent must be a positive finite number, got ${n}`);
  return (front, back) => {
    const fb = Math.pow(back, n);
    return fb / (fb + Math.pow(front, n));
  };
}

/**
 * Log family f(x) = ln(1 + x / qtyScale). Unlike the power family it depends on the scale of
 * the quantities: `qtyScale` is how many qty units count as "1" (hftbacktest applies ln(1 + x)
 * to quantities in coins, so use 10^sizeDecimals to reproduce it).
 */
export function logProbability(qtyScale: number): QueueProbability {
  if (!(qtyScale > 0 && Number.isFinite(qtyScale))) throw new RangeError(`log queue qtyScale must be a positive finite number, got ${qtyScale}`);
  return (front, back) => {
    const fb = Math.log1p(back / qtyScale);
    return fb / (fb + Math.log1p(front / qtyScale));
  };
}

/**
 * Probabilistic (hftbacktest ProbQueueModel): a level decrease not explained by trades is split
 * between ahead and behind us with `prob` = the share from behind; we advance by the expected
 * share from ahead (no random draw: the expected value, deterministic). Increases join behind us.
 */
export function probabilisticQueue(prob: QueueProbability, name = 'probabilistic'): QueueModel {
  return {
    name,
    newOrder(pos, levelQty) {
      pos.ahead = levelQty;
      pos.tradedSinceDepth = 0;
    },
    trade(pos, qty) {
      pos.ahead -= qty;
      pos.tradedSinceDepth += qty;
    },
    depth(pos, prevQty, newQty) {
      // Decrease not yet accounted for by trades at our price (qty units).
      const chg = prevQty - newQty - pos.tradedSinceDepth;
      pos.tradedSinceDepth = 0;
      if (chg <= 0) {
        if (pos.ahead > newQty) pos.ahead = newQty;
        return;
      }
      const front = pos.ahead > 0 ? pos.ahead : 0;
      const back = prevQty - front > 0 ? prevQty - front : 0;
      let p = prob(front, back);
      if (!Number.isFinite(p)) p = 1; // 0/0 when both sides are empty: nothing ahead to remove
      const fromBehindShortfall = back - p * chg;
      let est = front - (1 - p) * chg + (fromBehindShortfall < 0 ? fromBehindShortfall : 0);
      if (est > newQty) est = newQty;
      pos.ahead = est > 0 ? est : 0;
    },
    takeFilled,
  };
}

/** Probabilistic queue with the power family f(x) = x^n. */
export function powerProbQueue(n: number): QueueModel {
  return probabilisticQueue(powerProbability(n), `power-prob(n=${n})`);
}

/** Probabilistic queue with the log family f(x) = ln(1 + x / qtyScale). */
export function logProbQueue(qtyScale: number): QueueModel {
  return probabilisticQueue(logProbability(qtyScale), `log-prob(scale=${qtyScale})`);
}

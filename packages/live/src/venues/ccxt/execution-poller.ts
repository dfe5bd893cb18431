/**
 * Execution answers by polling (why polling: ccxt-venue-adapter.ts). Every `intervalMs`, per
 * instrument:
 * 1. account trades since the trade cursor (minus a 2 s overlap for trades stamped before they
 *    became visible), oldest first → `order_filled` for each trade id not answered before
 *    (final when the order's answered fills reach its quantity). A trade of an order this adapter
 *    has not acknowledged yet waits for the next poll; a trade of a foreign order is skipped.
 * 2. when acknowledged orders are still live: the open orders; a live order no longer listed is
 *    fetched, and once its venue filled quantity equals the fills answered, its end is answered
 *    (`order_cancelled` / `order_expired`); a filled order ends with its final fill.
 * A failed poll (network) reports the link `disconnected`; the next good one `reconnected`, and
 * that same poll, resuming from the cursor, answers what happened during the gap, once each.
 */
import type { Order } from 'ccxt';
import type { CcxtVenueAdapter } from './ccxt-venue-adapter.ts';
import { toVenueFill } from './order-mapping.ts';
import type { TrackedOrder } from './tracked-orders.ts';
import { isUncertain } from './uncertain-outcome.ts';
import { numberToUnits } from './units.ts';

const CURSOR_OVERLAP_MS = 2_000;

export class ExecutionPoller {
  private readonly cursorMs = new Map<string, number>();
  private readonly answeredFills = new Set<string>();
  private readonly tradeRuns = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private stopped = true;
  private linkDown = false;

  constructor(
    private readonly adapter: CcxtVenueAdapter,
    private readonly intervalMs: number,
  ) {}

  /** Starts polling; trades before `venueTimeMs` are the session's (recentFills), not answers. */
  start(venueTimeMs: bigint): Promise<void> {
    for (const id of this.adapter.instrumentIds) this.cursorMs.set(id, Number(venueTimeMs));
    this.stopped = false;
    this.schedule();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await this.polling;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = this.pollOnce().finally(() => {
        this.polling = null;
        this.schedule();
      });
    }, this.intervalMs);
  }

  async pollOnce(): Promise<void> {
    try {
      for (const id of this.adapter.instrumentIds) await this.pollInstrument(id);
      if (this.linkDown) {
        this.linkDown = false;
        this.adapter.link({
          type: 'reconnected',
          reason: 'venue answering again; fills and order ends of the gap answered from the trade cursor',
        });
      }
    } catch (err) {
      if (!isUncertain(err)) {
        this.adapter.log('execution poll failed', { error: String(err) });
        return;
      }
      if (!this.linkDown) {
        this.linkDown = true;
        this.adapter.link({ type: 'disconnected', reason: String(err).slice(0, 200) });
      }
    }
  }

  private async pollInstrument(instrumentId: string): Promise<void> {
    await this.answerTrades(instrumentId);
    await this.answerEnds(instrumentId, this.adapter.symbol(instrumentId));
  }

  /**
   * Answers the account trades of an instrument not answered yet. Runs one at a time per
   * instrument (the poll and a cancel answer may both ask), so a trade is never answered twice.
   */
  answerTrades(instrumentId: string): Promise<void> {
    const run = (this.tradeRuns.get(instrumentId) ?? Promise.resolve()).then(() => this.answerTradesNow(instrumentId));
    this.tradeRuns.set(
      instrumentId,
      run.catch(() => undefined),
    );
    return run;
  }

  private async answerTradesNow(instrumentId: string): Promise<void> {
    const inst = this.adapter.instrument(instrumentId);
    const symbol = this.adapter.symbol(instrumentId);
    const since = (this.cursorMs.get(instrumentId) ?? 0) - CURSOR_OVERLAP_MS;
    const trades = await this.adapter.exchange.fetchMyTrades(symbol, since);
    for (const trade of trades.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))) {
      const key = `${symbol}:${trade.id}`;
      if (this.answeredFills.has(key)) continue;
      const order = await this.orderOfTrade(String(trade.order), instrumentId);
      if (order === 'foreign') {
        this.answeredFills.add(key);
        continue;
      }
      if (order === null) continue;
      this.answeredFills.add(key);
      const fill = toVenueFill(trade, inst, order.orderId, order.clientOrderId);
      order.filledUnits += fill.qtyUnits;
      const final = order.filledUnits >= order.qtyUnits;
      if (final) order.terminal = true;
      this.adapter.push({
        kind: 'order_filled',
        orderId: order.orderId,
        requestSeq: -1,
        fillId: fill.fillId,
        priceUnits: fill.priceUnits,
        qtyUnits: fill.qtyUnits,
        liquidity: fill.liquidity,
        feeUnits: fill.feeUnits,
        final,
        tsEventNs: fill.tsEventNs,
      });
      this.cursorMs.set(instrumentId, Math.max(this.cursorMs.get(instrumentId) ?? 0, trade.timestamp ?? 0));
    }
  }

  /** The tracked order a trade belongs to; 'foreign' if not ours; null if ours but not acknowledged yet. */
  private async orderOfTrade(venueOrderId: string, instrumentId: string): Promise<TrackedOrder | 'foreign' | null> {
    const known = this.adapter.tracked.byVenueOrderId(venueOrderId);
    if (known !== undefined) return known;
    const owner = await this.adapter.ownerOf(venueOrderId, this.adapter.instrument(instrumentId));
    if (owner.orderId === null) return 'foreign';
    const ours = this.adapter.tracked.get(owner.orderId);
    return ours === undefined || ours.venueOrderId === null ? null : ours;
  }

  private async answerEnds(instrumentId: string, symbol: string): Promise<void> {
    const live = this.adapter.tracked.live(instrumentId);
    if (live.length === 0) return;
    const open = new Set((await this.adapter.exchange.fetchOpenOrders(symbol)).map((o) => String(o.id)));
    const inst = this.adapter.instrument(instrumentId);
    for (const order of live) {
      if (open.has(order.venueOrderId!)) continue;
      const venueOrder: Order = await this.adapter.exchange.fetchOrder(order.venueOrderId!, symbol);
      if (
        order.terminal ||
        numberToUnits(venueOrder.filled ?? 0, inst.sizeDecimals, `filled of order ${venueOrder.id}`) !==
          order.filledUnits
      )
        continue;
      const requestSeq = order.inflight?.request === 'cancel' ? order.inflight.requestSeq : -1;
      const atMs = venueOrder.lastUpdateTimestamp ?? venueOrder.timestamp;
      if (venueOrder.status === 'expired') {
        order.terminal = true;
        order.inflight = null;
        this.adapter.push({
          kind: 'order_expired',
          orderId: order.orderId,
          requestSeq,
          tsEventNs: this.adapter.venueTimeNs(atMs),
        });
      } else if (venueOrder.status === 'canceled' || venueOrder.status === 'rejected') {
        this.adapter.cancelled(order, requestSeq, venueOrder.status === 'canceled' ? 'venue' : 'rejected', atMs);
      }
    }
  }
}

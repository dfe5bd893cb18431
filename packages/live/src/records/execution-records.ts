/**
 * orders.jsonl and fills.jsonl: the session's execution records, appended as it runs (after
 * each event is processed) so they can be read while it trades.
 * - orders.jsonl: one line per change of one of our orders (a request sent for it, or a venue
 *   answer / disposition about it) holding the order as the engine sees it after the event;
 *   the last line of an order id is its current state.
 * - fills.jsonl: one line per fill applied, with the position after it. A fill whose
 *   (orderId, fillId) was already recorded is a duplicate the core counts and never applies;
 *   it is not written again.
 * Both are derived from the journal: on recovery they are rewritten from the replayed events.
 */
import { z } from 'zod';
import { EXECUTION_EVENT_KINDS, type Event, type StateView } from '@chassis/core';
import { JsonlAppender, readJsonl } from './jsonl-file.ts';
import { sessionPaths } from './session-paths.ts';

const intText = z.string().regex(/^-?\d+$/);

export const orderRecordSchema = z.strictObject({
  seq: z.number().int().positive(),
  tsLocalNs: intText,
  /** The event kind that changed the order (request_sent, order_accepted, ...). */
  event: z.string(),
  /** request_sent only: new | replace | cancel. */
  request: z.string().optional(),
  /** Reason text of rejects, cancels and dispositions. */
  reason: z.string().optional(),
  orderId: z.number().int(),
  instrument: z.string(),
  side: z.string(),
  orderType: z.string(),
  timeInForce: z.string(),
  postOnly: z.boolean(),
  reduceOnly: z.boolean(),
  clientTag: z.string(),
  priceUnits: z.number().int(),
  qtyUnits: z.number().int(),
  filledQtyUnits: z.number().int(),
  status: z.string(),
});

export const fillRecordSchema = z.strictObject({
  seq: z.number().int().positive(),
  tsLocalNs: intText,
  tsEventNs: intText,
  orderId: z.number().int(),
  fillId: z.string(),
  instrument: z.string(),
  side: z.string(),
  priceUnits: z.number().int(),
  qtyUnits: z.number().int(),
  liquidity: z.string(),
  /** Fee in settlement units of feeCurrency (negative = rebate). */
  feeUnits: intText,
  feeCurrency: z.string(),
  final: z.boolean(),
  /** Position after the fill, qty units. */
  positionQtyUnits: z.number().int(),
  /** Realised PnL of the instrument after the fill, settlement units. */
  realizedPnlUnits: intText,
});

export type OrderRecord = z.infer<typeof orderRecordSchema>;
export type FillRecord = z.infer<typeof fillRecordSchema>;

/** Events that change one of our orders: its requests, the venue's answers, a disposition. */
const ORDER_KINDS = new Set<string>(['request_sent', ...EXECUTION_EVENT_KINDS, 'order_disposition']);

export class ExecutionRecords {
  private readonly orders: JsonlAppender;
  private readonly fills: JsonlAppender;
  private readonly fillKeys = new Set<string>();

  /** `fresh`: start both files empty (a new session, or records rebuilt while replaying the journal). */
  constructor(dir: string, options: { fresh: boolean }) {
    const p = sessionPaths(dir);
    this.orders = new JsonlAppender(p.orders, { fresh: options.fresh });
    this.fills = new JsonlAppender(p.fills, { fresh: options.fresh });
  }

  /** Records what `e` changed; call after the engine processed it (`view` is the state after it). */
  record(e: Event, view: StateView): void {
    if (!ORDER_KINDS.has(e.kind)) return;
    const orderId = (e as { orderId: number }).orderId;
    const o = view.execution.order(orderId);
    if (!o) return;
    if (e.kind === 'order_filled') {
      const key = `${orderId}\u0000${e.fillId}`;
      if (this.fillKeys.has(key)) return;
      this.fillKeys.add(key);
      const p = view.execution.position(o.instrument);
      this.fills.append({
        seq: e.seq,
        tsLocalNs: e.tsLocalNs,
        tsEventNs: e.tsEventNs,
        orderId,
        fillId: e.fillId,
        instrument: o.instrument,
        side: o.side,
        priceUnits: e.priceUnits,
        qtyUnits: e.qtyUnits,
        liquidity: e.liquidity,
        feeUnits: e.feeUnits,
        feeCurrency: p.settlementCurrency,
        final: e.final,
        positionQtyUnits: p.qtyUnits,
        realizedPnlUnits: p.realizedPnlUnits,
      });
    }
    const reason = 'reason' in e ? e.reason : undefined;
    this.orders.append({
      seq: e.seq,
      tsLocalNs: e.tsLocalNs,
      event: e.kind,
      request: e.kind === 'request_sent' ? e.request : undefined,
      reason,
      orderId,
      instrument: o.instrument,
      side: o.side,
      orderType: o.orderType,
      timeInForce: o.timeInForce,
      postOnly: o.postOnly,
      reduceOnly: o.reduceOnly,
      clientTag: o.clientTag,
      priceUnits: o.priceUnits,
      qtyUnits: o.qtyUnits,
      filledQtyUnits: o.filledQtyUnits,
      status: o.status,
    });
  }

  close(): void {
    this.orders.close();
    this.fills.close();
  }
}

export function readOrderRecords(dir: string): OrderRecord[] {
  return readJsonl(sessionPaths(dir).orders, orderRecordSchema).rows;
}

export function readFillRecords(dir: string): FillRecord[] {
  return readJsonl(sessionPaths(dir).fills, fillRecordSchema).rows;
}

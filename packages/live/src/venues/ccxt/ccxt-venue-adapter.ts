/**
 * The generic live venue adapter over ccxt (the LiveVenueAdapter contract of contracts.ts, like
 * the native Binance USD-M adapter), for any venue ccxt covers; `binanceusdm` is the one tested
 * end to end (against test/binance-usdm-emulator).
 *
 * Flow:
 * - start: the exchange is built with the credentials, pinned to the configured endpoint
 *   (endpoint.ts: every URL rewritten, any other request refused), markets loaded from it, the
 *   session's instruments matched to ccxt symbols by venue symbol (market id), then polling starts.
 * - submit: new → createOrder with the deterministic client order id; replace → editOrder;
 *   cancel → cancelOrder. A venue refusal is an answer (rejected / cancel_replace_rejected). An
 *   uncertain outcome (timeout, dropped connection, 503 "unknown status": ccxt OperationFailed other
 *   than a rate-limit refusal) is resolved by fetching the order by client id — never by sending
 *   again (uncertain-outcome.ts).
 * - execution answers come from polling (execution-poller.ts), not from ccxt.pro's watchOrders /
 *   watchMyTrades: one code path for every ccxt venue (their private streams differ in
 *   authentication and coverage), fills deduplicated by trade id, gap recovery for free after a
 *   reconnect (the poll resumes from its trade cursor). Cost: up to one poll interval of latency
 *   (default 1000 ms; openOrders weight 1 + userTrades weight 5 per instrument per poll on Binance).
 */
import ccxt from 'ccxt';
import type { Exchange, Order } from 'ccxt';
import { ChassisError } from '@chassis/core';
import type { EventDraft, ExecutionEvent, Instrument, RateBucketConfig, RequestSentEvent } from '@chassis/core';
import type {
  LiveClock,
  LiveVenueAdapter,
  VenueAccountState,
  VenueFill,
  VenueLinkEvent,
  VenueOrderState,
} from '../../contracts.ts';
import type { VenueAnswer } from '@chassis/venues';
import { clientOrderIds } from '../../client-order-id.ts';
import type { ClientOrderIds } from '../../client-order-id.ts';
import type { CcxtCredentials } from './credentials.ts';
import { pinToEndpoint } from './endpoint.ts';
import { ExecutionPoller } from './execution-poller.ts';
import { toVenueFill, toVenueOrderState } from './order-mapping.ts';
import { TrackedOrders } from './tracked-orders.ts';
import type { TrackedOrder } from './tracked-orders.ts';
import { isUncertain, refusalReason, resolveByQuery } from './uncertain-outcome.ts';
import { numberToUnits, unitsToNumber } from './units.ts';
import { venueProfile } from './venue-profile.ts';

export interface CcxtVenueAdapterOptions {
  /** Chassis venue id of the instruments (`binance-usdm`). */
  readonly venue: string;
  /** ccxt exchange id (`binanceusdm`). */
  readonly exchangeId: string;
  /** Origin every ccxt request goes to (`http://127.0.0.1:PORT` for the emulator, the venue's API origin live). */
  readonly endpoint: string;
  readonly instruments: readonly Instrument[];
  /** Seeds the client order ids (client-order-id.ts). */
  readonly sessionId: string;
  /** From the environment (credentials.ts). */
  readonly credentials: CcxtCredentials;
  readonly clock: LiveClock;
  /** Execution polling interval, ms (default 1000). */
  readonly pollIntervalMs?: number;
  /** Queries made to resolve an uncertain outcome, and the wait before the first (doubling), ms. */
  readonly queryAttempts?: number;
  readonly queryBackoffMs?: number;
  /** ccxt's own client-side throttle (default on). */
  readonly enableRateLimit?: boolean;
  /** ccxt request timeout, ms (default 10 000): past it a request's outcome is uncertain. */
  readonly timeoutMs?: number;
  /** Operational log (no credentials are ever passed to it). */
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

type ExchangeConstructor = new (config: Record<string, unknown>) => Exchange;

export class CcxtVenueAdapter implements LiveVenueAdapter {
  readonly venue: string;
  readonly exchange: Exchange;
  readonly ids: ClientOrderIds;
  readonly tracked = new TrackedOrders();
  private readonly instruments = new Map<string, Instrument>();
  private readonly symbols = new Map<string, string>();
  private readonly answerSinks: ((answer: VenueAnswer) => void)[] = [];
  private readonly linkListeners: ((event: VenueLinkEvent) => void)[] = [];
  private readonly poller: ExecutionPoller;
  private running = false;
  private starting: Promise<void> | null = null;

  constructor(private readonly options: CcxtVenueAdapterOptions) {
    this.venue = options.venue;
    this.ids = clientOrderIds(options.sessionId);
    const ctor = (ccxt as unknown as Record<string, ExchangeConstructor | undefined>)[options.exchangeId];
    if (typeof ctor !== 'function')
      throw new ChassisError('E_CCXT_EXCHANGE', `ccxt has no exchange "${options.exchangeId}"`);
    const profile = venueProfile(options.exchangeId);
    this.exchange = new ctor({
      apiKey: options.credentials.apiKey,
      secret: options.credentials.secret,
      enableRateLimit: options.enableRateLimit ?? true,
      timeout: options.timeoutMs ?? 10_000,
      options: { ...profile.options },
    });
    pinToEndpoint(this.exchange as unknown as Parameters<typeof pinToEndpoint>[0], options.endpoint);
    for (const inst of options.instruments) this.instruments.set(inst.id, inst);
    this.poller = new ExecutionPoller(this, options.pollIntervalMs ?? 1000);
  }

  // ------------------------------------------------------------------------ lifecycle

  start(): Promise<void> {
    this.starting ??= this.open();
    return this.starting;
  }

  private async open(): Promise<void> {
    await this.exchange.loadMarkets();
    const byId = new Map(Object.values(this.exchange.markets ?? {}).map((m) => [m?.id, m?.symbol]));
    for (const inst of this.instruments.values()) {
      const symbol = byId.get(inst.symbol);
      if (symbol === undefined)
        throw new ChassisError(
          'E_CCXT_UNKNOWN_SYMBOL',
          `${this.options.exchangeId} at ${this.options.endpoint} lists no market ${inst.symbol} (instrument ${inst.id})`,
        );
      this.symbols.set(inst.id, symbol);
    }
    this.running = true;
    await this.poller.start(BigInt((await this.exchange.fetchTime()) ?? 0));
    this.link({ type: 'connected', reason: `${this.options.exchangeId} markets loaded from ${this.options.endpoint}` });
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.poller.stop();
  }

  onAnswer(sink: (answer: VenueAnswer) => void): void {
    this.answerSinks.push(sink);
  }

  onLink(listener: (event: VenueLinkEvent) => void): void {
    this.linkListeners.push(listener);
  }

  /** Pushes an answer to the session (nothing after stop). */
  push(draft: DistributiveOmit<EventDraft<ExecutionEvent>, 'tsLocalNs'>): void {
    if (!this.running) return;
    const answer = { ...draft, tsLocalNs: this.options.clock.nowNs() } as VenueAnswer;
    for (const sink of this.answerSinks) sink(answer);
  }

  link(event: VenueLinkEvent): void {
    for (const listener of this.linkListeners) listener(event);
  }

  log(message: string, fields?: Record<string, unknown>): void {
    this.options.log?.(message, fields);
  }

  instrument(id: string): Instrument {
    const inst = this.instruments.get(id);
    if (inst === undefined)
      throw new ChassisError('E_CCXT_UNKNOWN_INSTRUMENT', `instrument ${id} is not one of this adapter's`);
    return inst;
  }

  symbol(instrumentId: string): string {
    const symbol = this.symbols.get(instrumentId);
    if (symbol === undefined)
      throw new ChassisError('E_CCXT_NOT_STARTED', `no ccxt symbol for ${instrumentId}: start() the adapter first`);
    return symbol;
  }

  get instrumentIds(): readonly string[] {
    return [...this.instruments.keys()];
  }

  // --------------------------------------------------------------------------- orders

  submit(request: RequestSentEvent): void {
    const handled =
      request.request === 'new'
        ? this.sendNew(request)
        : request.request === 'replace'
          ? this.sendReplace(request)
          : this.sendCancel(request);
    handled.catch((err: unknown) =>
      this.log('ccxt request failed unexpectedly', {
        orderId: request.orderId,
        request: request.request,
        error: String(err),
      }),
    );
  }

  private async sendNew(r: RequestSentEvent): Promise<void> {
    const inst = this.instrument(r.instrument);
    const order = this.tracked.add({
      orderId: r.orderId,
      clientOrderId: this.ids.encode(r.orderId),
      instrument: inst.id,
      side: r.side,
      qtyUnits: r.qtyUnits,
    });
    order.inflight = { request: 'new', requestSeq: r.seq };
    const params: Record<string, unknown> = { clientOrderId: order.clientOrderId };
    if (r.orderType === 'limit') params['timeInForce'] = r.timeInForce;
    if (r.postOnly) params['postOnly'] = true;
    if (r.reduceOnly) params['reduceOnly'] = true;
    const price = r.orderType === 'limit' ? unitsToNumber(r.priceUnits, inst.priceDecimals) : undefined;
    try {
      const placed = await this.exchange.createOrder(
        this.symbol(inst.id),
        r.orderType,
        r.side,
        unitsToNumber(r.qtyUnits, inst.sizeDecimals),
        price,
        params,
      );
      this.accepted(order, String(placed.id), r.seq, placed.timestamp);
    } catch (err) {
      if (!isUncertain(err)) return this.rejected(order, r.seq, refusalReason(err));
      this.log('new order outcome uncertain: querying it by client id', { orderId: r.orderId, error: String(err) });
      const found = await resolveByQuery(() => this.fetchByClientId(order), this.queryPolicy());
      if (found !== null) this.accepted(order, String(found.id), r.seq, found.timestamp);
      // Not found: the order stays in flight; the session's timeout declares it lost.
    }
  }

  private accepted(
    order: TrackedOrder,
    venueOrderId: string,
    requestSeq: number,
    timestampMs: number | undefined,
  ): void {
    if (order.venueOrderId !== null) return;
    this.tracked.setVenueOrderId(order, venueOrderId);
    order.inflight = null;
    this.push({
      kind: 'order_accepted',
      orderId: order.orderId,
      requestSeq,
      venueOrderId,
      tsEventNs: this.venueTimeNs(timestampMs),
    });
  }

  private rejected(order: TrackedOrder, requestSeq: number, reason: string): void {
    order.terminal = true;
    order.inflight = null;
    this.push({
      kind: 'order_rejected',
      orderId: order.orderId,
      requestSeq,
      reason,
      tsEventNs: this.venueTimeNs(undefined),
    });
  }

  private async sendReplace(r: RequestSentEvent): Promise<void> {
    const inst = this.instrument(r.instrument);
    const order = await this.knownOrder(r);
    if (order === null) return;
    order.inflight = { request: 'replace', requestSeq: r.seq };
    try {
      const edited = await this.exchange.editOrder(
        order.venueOrderId!,
        this.symbol(inst.id),
        'limit',
        r.side,
        unitsToNumber(r.qtyUnits, inst.sizeDecimals),
        unitsToNumber(r.priceUnits, inst.priceDecimals),
      );
      this.replaced(order, r, edited);
    } catch (err) {
      if (!isUncertain(err)) return this.replaceRefused(order, r, 'replace', refusalReason(err));
      const found = await resolveByQuery(() => this.fetchByClientId(order), this.queryPolicy());
      if (found === null || venueStatusIsTerminal(found)) return; // the poller answers a terminal order
      const state = toVenueOrderState(found, inst, this.ids);
      if (state.priceUnits === r.priceUnits && state.qtyUnits === r.qtyUnits) this.replaced(order, r, found);
      else this.replaceRefused(order, r, 'replace', 'not applied (uncertain outcome resolved by query)');
    }
  }

  private replaced(order: TrackedOrder, r: RequestSentEvent, answer: Order): void {
    order.qtyUnits = r.qtyUnits;
    order.inflight = null;
    this.push({
      kind: 'order_replaced',
      orderId: order.orderId,
      requestSeq: r.seq,
      priceUnits: r.priceUnits,
      qtyUnits: r.qtyUnits,
      tsEventNs: this.venueTimeNs(answer.lastUpdateTimestamp ?? answer.timestamp),
    });
  }

  private replaceRefused(
    order: TrackedOrder,
    r: RequestSentEvent,
    request: 'cancel' | 'replace',
    reason: string,
  ): void {
    order.inflight = null;
    this.push({
      kind: 'cancel_replace_rejected',
      orderId: order.orderId,
      requestSeq: r.seq,
      request,
      reason,
      tsEventNs: this.venueTimeNs(undefined),
    });
  }

  private async sendCancel(r: RequestSentEvent): Promise<void> {
    const order = await this.knownOrder(r);
    if (order === null) return;
    order.inflight = { request: 'cancel', requestSeq: r.seq };
    try {
      const cancelled = await this.exchange.cancelOrder(order.venueOrderId!, this.symbol(order.instrument));
      await this.fillsBeforeEnd(order, cancelled);
      this.cancelled(order, r.seq, 'requested', cancelled.lastUpdateTimestamp ?? cancelled.timestamp);
    } catch (err) {
      if (!isUncertain(err)) return this.replaceRefused(order, r, 'cancel', refusalReason(err));
      const found = await resolveByQuery(() => this.fetchByClientId(order), this.queryPolicy());
      if (found === null) return;
      if (found.status === 'canceled') {
        await this.fillsBeforeEnd(order, found);
        this.cancelled(order, r.seq, 'requested', found.lastUpdateTimestamp ?? found.timestamp);
      } else if (found.status === 'open')
        this.replaceRefused(order, r, 'cancel', 'not applied (uncertain outcome resolved by query)');
    }
  }

  /**
   * Before an order's end is answered, the fills the venue says it had are answered (a fill after
   * the end would reach the engine for a terminal order: recorded, never applied). Asks for the
   * account trades up to 3 times, 100 ms apart, while the venue's filled quantity is ahead.
   */
  private async fillsBeforeEnd(order: TrackedOrder, venueOrder: Order): Promise<void> {
    const inst = this.instrument(order.instrument);
    const venueFilled = numberToUnits(venueOrder.filled ?? 0, inst.sizeDecimals, `filled of order ${venueOrder.id}`);
    for (let attempt = 0; attempt < 3 && order.filledUnits < venueFilled; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      await this.poller.answerTrades(order.instrument);
    }
  }

  /** Ends an order as cancelled, once (the poller and a cancel answer may both see it). */
  cancelled(order: TrackedOrder, requestSeq: number, reason: string, timestampMs: number | undefined): void {
    if (order.terminal) return;
    order.terminal = true;
    order.inflight = null;
    this.push({
      kind: 'order_cancelled',
      orderId: order.orderId,
      requestSeq,
      reason,
      tsEventNs: this.venueTimeNs(timestampMs),
    });
  }

  /** The tracked order a replace/cancel is about, its venue id learnt by query if this adapter has not seen it (e.g. after a restart). */
  private async knownOrder(r: RequestSentEvent): Promise<TrackedOrder | null> {
    const order =
      this.tracked.get(r.orderId) ??
      this.tracked.add({
        orderId: r.orderId,
        clientOrderId: this.ids.encode(r.orderId),
        instrument: r.instrument,
        side: r.side,
        qtyUnits: r.qtyUnits,
      });
    if (order.venueOrderId !== null) return order;
    const found = await this.queryOrder(r.orderId, r.instrument);
    if (found !== null) {
      this.tracked.setVenueOrderId(order, found.venueOrderId);
      order.qtyUnits = found.qtyUnits;
      order.filledUnits = found.filledQtyUnits;
      return order;
    }
    this.replaceRefused(order, r, r.request === 'cancel' ? 'cancel' : 'replace', 'order unknown to the venue');
    return null;
  }

  private fetchByClientId(order: TrackedOrder): Promise<Order | null> {
    return this.exchange
      .fetchOrder(undefined as unknown as string, this.symbol(order.instrument), { clientOrderId: order.clientOrderId })
      .catch((err: unknown) => {
        if (err instanceof ccxt.OrderNotFound) return null;
        throw err;
      });
  }

  private queryPolicy(): { attempts: number; backoffMs: number } {
    return { attempts: this.options.queryAttempts ?? 5, backoffMs: this.options.queryBackoffMs ?? 200 };
  }

  venueTimeNs(timestampMs: number | undefined): bigint {
    return timestampMs === undefined || timestampMs === null
      ? this.options.clock.nowNs()
      : BigInt(timestampMs) * 1_000_000n;
  }

  // ------------------------------------------------------------- reconciliation queries

  async fetchAccountState(): Promise<VenueAccountState> {
    const symbols = this.instrumentIds.map((id) => this.symbol(id));
    const [timeMs, openLists, positions, balance] = await Promise.all([
      this.exchange.fetchTime(),
      Promise.all(symbols.map((s) => this.exchange.fetchOpenOrders(s))),
      this.exchange.fetchPositions(symbols),
      this.exchange.fetchBalance(),
    ]);
    const instOf = new Map(this.instrumentIds.map((id) => [this.symbol(id), this.instrument(id)]));
    const openOrders = openLists.flat().map((o) => toVenueOrderState(o, instOf.get(o.symbol!)!, this.ids));
    return {
      openOrders,
      positions: positions
        .filter((p) => p.symbol !== undefined && instOf.has(p.symbol))
        .map((p) => {
          const inst = instOf.get(p.symbol!)!;
          const qty = numberToUnits(p.contracts ?? 0, inst.sizeDecimals, `position ${p.symbol}`);
          return { instrument: inst.id, qtyUnits: p.side === 'short' ? -qty : qty };
        }),
      balances: venueProfile(this.options.exchangeId).walletBalances(balance),
      asOfNs: BigInt(timeMs ?? 0) * 1_000_000n,
    };
  }

  async queryOrder(orderId: number, instrument: string): Promise<VenueOrderState | null> {
    const inst = this.instrument(instrument);
    const found = await this.fetchByClientId({
      orderId,
      clientOrderId: this.ids.encode(orderId),
      instrument: inst.id,
    } as TrackedOrder);
    return found === null ? null : toVenueOrderState(found, inst, this.ids);
  }

  async recentFills(sinceNs: bigint, instrument: string): Promise<readonly VenueFill[]> {
    const inst = this.instrument(instrument);
    const trades = await this.exchange.fetchMyTrades(this.symbol(inst.id), Number(sinceNs / 1_000_000n));
    const fills: VenueFill[] = [];
    for (const t of trades.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))) {
      const owner = await this.ownerOf(String(t.order), inst);
      fills.push(toVenueFill(t, inst, owner.orderId, owner.clientOrderId));
    }
    return fills;
  }

  /** Whose order a venue order id is: a tracked order, else asked of the venue (its client id). */
  async ownerOf(venueOrderId: string, inst: Instrument): Promise<{ orderId: number | null; clientOrderId: string }> {
    const known = this.tracked.byVenueOrderId(venueOrderId);
    if (known !== undefined) return known;
    const order = await this.exchange.fetchOrder(venueOrderId, this.symbol(inst.id));
    const clientOrderId = order.clientOrderId ?? '';
    return { orderId: this.ids.decode(clientOrderId), clientOrderId };
  }

  async cancelForeign(order: VenueOrderState): Promise<void> {
    await this.exchange.cancelOrder(order.venueOrderId, this.symbol(order.instrument));
  }

  /**
   * ccxt's own throttle as an execution-control bucket: `rateLimit` ms per request unit, 10 s of
   * requests as burst, every request weight 1. (The native adapter reads the venue's exact limits.)
   */
  rateBuckets(): readonly RateBucketConfig[] {
    const msPerRequest = Math.max(1, Math.round(this.exchange.rateLimit ?? 50));
    return [
      {
        scope: this.venue,
        capacity: Math.max(1, Math.floor(10_000 / msPerRequest)),
        refillTokens: 1,
        refillIntervalNs: BigInt(msPerRequest) * 1_000_000n,
        weights: { new: 1, replace: 1, cancel: 1 },
      },
    ];
  }
}

function venueStatusIsTerminal(order: Order): boolean {
  return order.status !== 'open';
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The native Binance USDⓈ-M futures LiveVenueAdapter (contracts.ts): requests go out as signed
 * REST (rest-client.ts), answers come back from the REST answer and the user-data stream
 * (user-stream.ts), and the order tracker (order-tracker.ts) passes each on to the session once.
 *
 * Flow of one request: `submit(RequestSent)` → client order id from the core's order id →
 * POST (new) / PUT (replace = modify) / DELETE (cancel) /fapi/v1/order →
 * - answer: observed like a stream update (accepted, replaced, cancelled);
 * - refusal: order_rejected / cancel_replace_rejected with the venue's `code msg`;
 * - rate limited (429/418, or our back-off still running): refused the same way, nothing sent —
 *   except cancels, which wait for the back-off to end and then go out (they reduce exposure);
 * - uncertain (timeout, dropped connection, 503 unknown): the request stays in flight and is
 *   resolved by GET /fapi/v1/order?origClientOrderId=… (and its account trades), never by
 *   sending it again; unresolved after `resolveDelaysMs`, it stays in flight for the session's
 *   disposition timeout.
 * After every reconnect or listen-key rotation, open orders, the account trades since the last
 * fill seen and a query of every order we still consider open are observed, so what happened
 * while the stream was down reaches the session once; only then is `reconnected` /
 * `stream-rotated` reported (the session reconciles on it).
 */
import {
  ChassisError,
  parseDecimalUnits,
  type Instrument,
  type RateBucketConfig,
  type RequestSentEvent,
} from '@chassis/core';
import type { BackoffPolicy, VenueAnswer } from '@chassis/venues';
import { clientOrderIds, type ClientOrderIds } from '../../client-order-id.ts';
import type {
  LiveVenueAdapter,
  VenueAccountState,
  VenueBalance,
  VenueFill,
  VenueLinkEvent,
  VenueOrderState,
  VenuePosition,
} from '../../contracts.ts';
import {
  isOrderLimiter,
  instrumentMismatches,
  parseExchangeInfo,
  rateBucketFor,
  symbolFilters,
  type VenueRateLimit,
} from './exchange-info.ts';
import {
  modifyOrderParams,
  newOrderParams,
  orderRefParams,
  snapshotFromRest,
  snapshotFromUpdate,
  tradeFromUpdate,
  tradeFromUserTrade,
  venueFill,
  venueOrderState,
} from './order-mapping.ts';
import { OrderTracker } from './order-tracker.ts';
import { BinanceRestClient, type Logger, type RateLimitNotice, type RestOutcome } from './rest-client.ts';
import { credentialsFromEnv, type BinanceCredentials } from './signing.ts';
import { UserStream, type StreamOpenKind } from './user-stream.ts';
import { StreamedAccount } from './streamed-account.ts';
import {
  accountUpdateSchema,
  balanceSchema,
  orderTradeUpdateSchema,
  positionRiskSchema,
  restOrderSchema,
  userTradeSchema,
  type RestOrder,
  type UserTrade,
} from './wire.ts';

export const BINANCE_USDM_VENUE = 'binance-usdm';
export const BINANCE_USDM_REST = 'https://fapi.binance.com';
export const BINANCE_USDM_WS = 'wss://fstream.binance.com';

/** Binance's production USD-M limits (General Info "LIMITS"), used until exchangeInfo is read. */
export const BINANCE_USDM_RATE_LIMITS: readonly VenueRateLimit[] = [
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
  { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
  { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
];

const ORDER_DOES_NOT_EXIST = -2013;

export interface BinanceUsdmAdapterOptions {
  /** Session id: the client order ids are derived from it (client-order-id.ts). */
  readonly sessionId: string;
  readonly instruments: readonly Instrument[];
  readonly restBaseUrl?: string;
  readonly wsBaseUrl?: string;
  /** Default: CHASSIS_BINANCE_API_KEY / CHASSIS_BINANCE_API_SECRET from the environment. */
  readonly credentials?: BinanceCredentials;
  readonly venue?: string;
  readonly recvWindowMs?: number;
  readonly requestTimeoutMs?: number;
  readonly keepAliveMs?: number;
  readonly pingIntervalMs?: number;
  readonly reconnectBackoff?: BackoffPolicy;
  /** Waits before each query resolving an uncertain request, ms. */
  readonly resolveDelaysMs?: readonly number[];
  /** How long a fill the REST answer counts may take to arrive on the stream before it is read from userTrades, ms. */
  readonly fillGraceMs?: number;
  /** Every this many ms, open orders are compared with what was passed on (a silently lossy stream); 0 = never. */
  readonly auditIntervalMs?: number;
  /** The first connection must open within this, ms. */
  readonly startTimeoutMs?: number;
  readonly nowMs?: () => number;
  readonly random?: () => number;
  readonly log?: Logger;
  /** Observation hook (the live-tick-to-request bench): each signed REST request as it is handed to fetch. */
  readonly onRequest?: (method: string, path: string) => void;
}

/** One venue limiter's use as the last answer's headers state it. */
export interface RateLimitHeadroom {
  /** `REQUEST_WEIGHT_1M`, `ORDERS_10S`, `ORDERS_1M` (the `bucket` label of chassis_live_rate_limit_headroom_ratio). */
  readonly limiter: string;
  /** The response header it is read from: `X-MBX-USED-WEIGHT-1M`, `X-MBX-ORDER-COUNT-10S`, … */
  readonly header: string;
  readonly limit: number;
  readonly used: number;
  readonly headroom: number;
}

export function createBinanceUsdmAdapter(options: BinanceUsdmAdapterOptions): BinanceUsdmAdapter {
  return new BinanceUsdmAdapter(options);
}

export class BinanceUsdmAdapter implements LiveVenueAdapter {
  readonly venue: string;
  readonly rest: BinanceRestClient;
  private readonly stream: UserStream;
  private readonly tracker: OrderTracker;
  private readonly ids: ClientOrderIds;
  private readonly bySymbol = new Map<string, Instrument>();
  private readonly byId = new Map<string, Instrument>();
  /** Venue order id → client order id, for account trades (which carry only the venue's id). */
  private readonly clientIdByVenueId = new Map<string, string>();
  /** Latest venue time of a fill seen per symbol, ms: where the repair's userTrades query starts. */
  private readonly lastFillMs = new Map<string, number>();
  /** Positions and balances as the stream's ACCOUNT_UPDATE events last stated them (no execution events: see streamed-account.ts). */
  readonly account = new StreamedAccount();
  private answerSinks: ((a: VenueAnswer) => void)[] = [];
  private linkListeners: ((e: VenueLinkEvent) => void)[] = [];
  private rateLimitListeners: ((n: RateLimitNotice) => void)[] = [];
  private rateLimits: readonly VenueRateLimit[] = BINANCE_USDM_RATE_LIMITS;
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = false;
  private auditTimer: NodeJS.Timeout | null = null;
  /** The repair or audit in progress: one at a time. */
  private repairing: Promise<void> | null = null;
  private firstOpen: { resolve: () => void } | null = null;
  /** Counters for monitoring and the drills. */
  readonly stats = {
    ordersSent: 0,
    replacesSent: 0,
    cancelsSent: 0,
    uncertain: 0,
    resolvedByQuery: 0,
    repairs: 0,
    audits: 0,
  };

  constructor(private readonly opts: BinanceUsdmAdapterOptions) {
    this.venue = opts.venue ?? BINANCE_USDM_VENUE;
    for (const inst of opts.instruments) {
      this.bySymbol.set(inst.symbol, inst);
      this.byId.set(inst.id, inst);
    }
    this.ids = clientOrderIds(opts.sessionId);
    this.tracker = new OrderTracker((draft) => {
      if (!this.running) return;
      for (const sink of this.answerSinks) sink(draft);
    });
    this.rest = new BinanceRestClient({
      baseUrl: opts.restBaseUrl ?? BINANCE_USDM_REST,
      credentials: opts.credentials ?? credentialsFromEnv(),
      recvWindowMs: opts.recvWindowMs,
      timeoutMs: opts.requestTimeoutMs,
      nowMs: opts.nowMs,
      log: opts.log,
      onRateLimited: (n) => this.rateLimitListeners.forEach((l) => l(n)),
      ...(opts.onRequest ? { onRequest: opts.onRequest } : {}),
    });
    this.stream = new UserStream({
      rest: this.rest,
      wsBaseUrl: opts.wsBaseUrl ?? BINANCE_USDM_WS,
      keepAliveMs: opts.keepAliveMs,
      pingIntervalMs: opts.pingIntervalMs,
      backoff: opts.reconnectBackoff,
      random: opts.random,
      log: opts.log,
      onMessage: (m) => this.onStreamMessage(m),
      onOpen: (kind, reason) => void this.onStreamOpen(kind, reason),
      onDown: (reason) => this.link({ type: 'disconnected', reason }),
    });
  }

  onAnswer(sink: (answer: VenueAnswer) => void): void {
    this.answerSinks.push(sink);
  }

  onLink(listener: (event: VenueLinkEvent) => void): void {
    this.linkListeners.push(listener);
  }

  /** A 429/418 from the venue: how long we back off (monitoring: rate-limit headroom). */
  onRateLimited(listener: (notice: RateLimitNotice) => void): void {
    this.rateLimitListeners.push(listener);
  }

  /** Venue clock sync, exchangeInfo (filters checked, limits read), then the user stream; resolves once it is open. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const sync = await this.rest.syncTime();
    if (sync.type !== 'ok') throw this.unavailable('GET /fapi/v1/time', sync);
    const info = await this.rest.publicRequest('GET', '/fapi/v1/exchangeInfo');
    if (info.type !== 'ok') throw this.unavailable('GET /fapi/v1/exchangeInfo', info);
    const parsed = parseExchangeInfo(info.body);
    this.rateLimits = parsed.rateLimits;
    const filters = symbolFilters(parsed);
    const problems = this.opts.instruments.flatMap((inst) => {
      const f = filters.get(inst.symbol);
      return f === undefined ? [`${inst.id}: the venue lists no symbol ${inst.symbol}`] : instrumentMismatches(inst, f);
    });
    if (problems.length > 0) {
      this.running = false;
      throw new ChassisError(
        'E_INSTRUMENT_MISMATCH',
        `configured instruments disagree with GET /fapi/v1/exchangeInfo: ${problems.join('; ')}`,
      );
    }
    const opened = new Promise<void>((resolve) => (this.firstOpen = { resolve }));
    this.stream.start();
    const auditMs = this.opts.auditIntervalMs ?? 30_000;
    if (auditMs > 0) this.auditTimer = setInterval(() => void this.audit(), auditMs);
    const timeoutMs = this.opts.startTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const first = await Promise.race([opened, timedOut]);
    clearTimeout(timer);
    if (first === 'timeout') {
      await this.stop();
      throw new ChassisError(
        'E_VENUE_UNAVAILABLE',
        `binance-usdm: the user-data stream did not open within ${timeoutMs} ms (${this.opts.wsBaseUrl ?? BINANCE_USDM_WS})`,
      );
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.auditTimer !== null) clearInterval(this.auditTimer);
    this.auditTimer = null;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.stream.stop();
  }

  rateBuckets(): readonly RateBucketConfig[] {
    const bucket = rateBucketFor(this.rateLimits, this.venue);
    return bucket === null ? [] : [bucket];
  }

  /** Each published limiter against the use the venue's last `X-MBX-*` headers reported. */
  headroom(): RateLimitHeadroom[] {
    return this.rateLimits.flatMap((l) => {
      const kind =
        l.rateLimitType === 'REQUEST_WEIGHT'
          ? ['REQUEST_WEIGHT', 'USED-WEIGHT']
          : isOrderLimiter(l)
            ? ['ORDERS', 'ORDER-COUNT']
            : null;
      if (kind === null) return [];
      const suffix = `${l.intervalNum}${l.interval[0]}`;
      const used = this.rest.used.get(`${kind[1]}-${suffix}`) ?? 0;
      return [
        {
          limiter: `${kind[0]}_${suffix}`,
          header: `X-MBX-${kind[1]}-${suffix}`,
          limit: l.limit,
          used,
          headroom: Math.max(0, l.limit - used),
        },
      ];
    });
  }

  /** Drops the user-data connection as a network fault would (drills, operator). */
  dropUserStream(reason: string): void {
    this.stream.drop(reason);
  }

  submit(request: RequestSentEvent): void {
    const inst = this.byId.get(request.instrument);
    if (inst === undefined) {
      this.opts.log?.warn(
        { orderId: request.orderId, instrument: request.instrument },
        'binance-usdm: request for an instrument this adapter was not given',
      );
      return;
    }
    const cid = this.ids.encode(request.orderId);
    this.tracker.begin(request, cid, inst);
    void this.dispatch(request, inst, cid);
  }

  private async dispatch(request: RequestSentEvent, inst: Instrument, cid: string): Promise<void> {
    let out: RestOutcome;
    if (request.request === 'new') {
      this.stats.ordersSent++;
      out = await this.rest.signedRequest('POST', '/fapi/v1/order', newOrderParams(request, inst, cid));
    } else if (request.request === 'replace') {
      this.stats.replacesSent++;
      out = await this.rest.signedRequest('PUT', '/fapi/v1/order', modifyOrderParams(request, inst, cid));
    } else {
      const waitMs = this.rest.backoffUntilMs - (this.opts.nowMs ?? Date.now)();
      if (waitMs > 0) {
        this.after(waitMs, () => void this.dispatch(request, inst, cid));
        return;
      }
      this.stats.cancelsSent++;
      out = await this.rest.signedRequest('DELETE', '/fapi/v1/order', orderRefParams(inst, cid));
    }
    this.onRequestOutcome(out, request, inst, cid);
  }

  private onRequestOutcome(out: RestOutcome, request: RequestSentEvent, inst: Instrument, cid: string): void {
    const nowMs = this.rest.venueNowMs();
    switch (out.type) {
      case 'ok': {
        const order = restOrderSchema.safeParse(out.body);
        if (order.success) {
          this.observeRestOrder(order.data, inst);
          this.fetchFillsIfLate(order.data, inst);
        } else {
          this.tracker.markUncertain(cid);
          void this.resolve(cid, inst, 'answer not understood');
        }
        return;
      }
      case 'refused':
        this.tracker.refuse(cid, `${out.code} ${out.msg}`, nowMs);
        return;
      case 'rate_limited':
        if (request.request === 'cancel') {
          this.after(out.retryAfterMs, () => void this.dispatch(request, inst, cid));
          return;
        }
        this.tracker.refuse(
          cid,
          `rate_limited: ${out.status === 0 ? out.msg : `HTTP ${out.status} ${out.code} ${out.msg}`}`,
          nowMs,
        );
        return;
      case 'uncertain':
        this.stats.uncertain++;
        this.tracker.markUncertain(cid);
        this.opts.log?.warn(
          { orderId: request.orderId, request: request.request, reason: out.reason },
          'binance-usdm: outcome unknown, resolving by query',
        );
        void this.resolve(cid, inst, out.reason);
    }
  }

  private observeRestOrder(o: RestOrder, inst: Instrument): void {
    this.clientIdByVenueId.set(o.orderId, o.clientOrderId);
    this.tracker.observeOrder(snapshotFromRest(o, inst));
  }

  /**
   * A REST answer showing fills the stream has not brought yet (IOC, market, a paused stream):
   * if they are still missing after `fillGraceMs`, they are read from the order's account trades.
   */
  private fetchFillsIfLate(o: RestOrder, inst: Instrument): void {
    const executed = parseDecimalUnits(o.executedQty, inst.sizeDecimals);
    const behind = (): boolean => {
      const order = this.tracker.get(o.clientOrderId);
      return order !== undefined && !order.terminal && order.filledQtyUnits < executed;
    };
    if (!behind()) return;
    this.after(this.opts.fillGraceMs ?? 1000, () => {
      if (!this.running || !behind()) return;
      void this.userTrades([
        ['symbol', inst.symbol],
        ['orderId', o.orderId],
      ]).then((trades) => trades.forEach((t) => this.observeUserTrade(t, inst)));
    });
  }

  /** Resolves an uncertain request by querying the order, never by sending it again. */
  private async resolve(cid: string, inst: Instrument, why: string): Promise<void> {
    const delays = this.opts.resolveDelaysMs ?? [250, 500, 1000, 2000, 4000];
    for (const delayMs of delays) {
      await new Promise<void>((r) => this.after(delayMs, r));
      if (!this.running) return;
      const order = this.tracker.get(cid);
      if (order === undefined || order.terminal || order.inflight === null) return;
      const out = await this.rest.signedRequest('GET', '/fapi/v1/order', orderRefParams(inst, cid));
      if (out.type === 'refused' && out.code === ORDER_DOES_NOT_EXIST) {
        if (order.inflight?.request !== 'new') {
          this.tracker.refuse(cid, `${out.code} ${out.msg}`, this.rest.venueNowMs());
          return;
        }
        continue; // may not be visible yet: ask again
      }
      if (out.type !== 'ok') continue;
      const parsed = restOrderSchema.safeParse(out.body);
      if (!parsed.success) continue;
      await this.settle(parsed.data, inst);
      const after = this.tracker.get(cid);
      if (after?.inflight && !after.terminal)
        this.tracker.refuse(
          cid,
          `not applied: the venue shows the order ${parsed.data.status} at price ${parsed.data.price} qty ${parsed.data.origQty}`,
          this.rest.venueNowMs(),
        );
      this.stats.resolvedByQuery++;
      return;
    }
    this.opts.log?.warn(
      { clientOrderId: cid, why },
      'binance-usdm: outcome still unknown after every query; left in flight for the session disposition',
    );
  }

  /** Observes a queried order and, when the venue counted fills not passed on yet, its account trades. */
  private async settle(o: RestOrder, inst: Instrument): Promise<void> {
    this.observeRestOrder(o, inst);
    const order = this.tracker.get(o.clientOrderId);
    if (order === undefined || order.terminal) return;
    if (parseDecimalUnits(o.executedQty, inst.sizeDecimals) <= order.filledQtyUnits) return;
    const trades = await this.userTrades([
      ['symbol', inst.symbol],
      ['orderId', o.orderId],
    ]);
    for (const t of trades) this.observeUserTrade(t, inst);
  }

  private async userTrades(params: readonly (readonly [string, string])[]): Promise<UserTrade[]> {
    const out = await this.rest.signedRequest('GET', '/fapi/v1/userTrades', params);
    if (out.type !== 'ok' || !Array.isArray(out.body)) return [];
    return out.body.flatMap((t) => {
      const p = userTradeSchema.safeParse(t);
      return p.success ? [p.data] : [];
    });
  }

  private observeUserTrade(t: UserTrade, inst: Instrument): void {
    const cid = this.clientIdByVenueId.get(t.orderId);
    if (cid === undefined) return;
    this.noteFill(inst.symbol, t.time);
    this.tracker.observeTrade(tradeFromUserTrade(t, cid, inst));
  }

  private noteFill(symbol: string, tsMs: number): void {
    if (tsMs > (this.lastFillMs.get(symbol) ?? 0)) this.lastFillMs.set(symbol, tsMs);
  }

  private onStreamMessage(message: unknown): void {
    const e = (message as { e?: unknown }).e;
    if (e === 'ACCOUNT_UPDATE') {
      const account = accountUpdateSchema.safeParse(message);
      if (account.success) this.account.apply(account.data, this.bySymbol);
      return;
    }
    if (e !== 'ORDER_TRADE_UPDATE') return;
    const parsed = orderTradeUpdateSchema.safeParse(message);
    if (!parsed.success) {
      this.opts.log?.warn(
        { issue: parsed.error.issues[0]?.message },
        'binance-usdm: ORDER_TRADE_UPDATE not understood, ignored',
      );
      return;
    }
    const u = parsed.data;
    const inst = this.bySymbol.get(u.o.s);
    const orderId = this.ids.decode(u.o.c);
    if (inst === undefined || orderId === null) return;
    const snapshot = snapshotFromUpdate(u, inst);
    const trade = tradeFromUpdate(u, inst);
    this.clientIdByVenueId.set(u.o.i, u.o.c);
    if (this.tracker.get(u.o.c) === undefined) {
      const filledBefore = snapshot.executedQtyUnits - (trade?.qtyUnits ?? 0);
      this.tracker.adopt(orderId, u.o.c, inst, u.o.S === 'BUY' ? 'buy' : 'sell', snapshot, filledBefore);
    }
    if (trade !== null) {
      this.noteFill(inst.symbol, trade.tsMs);
      this.tracker.observeTrade(trade);
    }
    this.tracker.observeOrder(snapshot);
  }

  private async onStreamOpen(kind: StreamOpenKind, reason: string): Promise<void> {
    if (kind === 'connected') {
      this.firstOpen?.resolve();
      this.firstOpen = null;
      this.link({ type: 'connected', reason });
      return;
    }
    this.stats.repairs++;
    await this.exclusive(() => this.repair());
    this.link({ type: kind, reason });
  }

  /** Periodic check that nothing the venue did was lost without a disconnect (a stream that drops events). */
  private async audit(): Promise<void> {
    if (!this.running || !this.stream.connected || this.repairing !== null || this.tracker.open().length === 0) return;
    this.stats.audits++;
    await this.exclusive(() => this.repair());
  }

  private async exclusive(work: () => Promise<void>): Promise<void> {
    while (this.repairing !== null) await this.repairing;
    this.repairing = work().finally(() => (this.repairing = null));
    await this.repairing;
  }

  /** After a gap in the stream: open orders, account trades since the last fill seen, and a query of each order still open here. */
  private async repair(): Promise<void> {
    const symbols = new Set(this.tracker.open().map((o) => o.instrument.symbol));
    for (const symbol of this.lastFillMs.keys()) symbols.add(symbol);
    for (const symbol of symbols) {
      const inst = this.bySymbol.get(symbol)!;
      const open = await this.rest.signedRequest('GET', '/fapi/v1/openOrders', [['symbol', symbol]]);
      const openIds = new Set<string>();
      if (open.type === 'ok' && Array.isArray(open.body)) {
        for (const raw of open.body) {
          const o = restOrderSchema.safeParse(raw);
          if (!o.success || this.ids.decode(o.data.clientOrderId) === null) continue;
          openIds.add(o.data.clientOrderId);
          await this.settle(o.data, inst);
        }
      }
      const since = this.lastFillMs.get(symbol);
      if (since !== undefined)
        for (const t of await this.userTrades([
          ['symbol', symbol],
          ['startTime', String(since)],
        ]))
          this.observeUserTrade(t, inst);
      for (const order of this.tracker.open().filter((o) => o.instrument.symbol === symbol)) {
        if (openIds.has(order.clientOrderId) && order.inflight === null) continue;
        const q = await this.rest.signedRequest('GET', '/fapi/v1/order', orderRefParams(inst, order.clientOrderId));
        const parsed = q.type === 'ok' ? restOrderSchema.safeParse(q.body) : null;
        if (parsed?.success) await this.settle(parsed.data, inst);
        const now = this.tracker.get(order.clientOrderId);
        if (now?.inflight?.uncertain && !now.terminal)
          void this.resolve(order.clientOrderId, inst, 'still in flight after reconnect');
      }
    }
  }

  async fetchAccountState(): Promise<VenueAccountState> {
    const openOrders: VenueOrderState[] = [];
    for (const inst of this.bySymbol.values()) {
      const out = await this.rest.signedRequest('GET', '/fapi/v1/openOrders', [['symbol', inst.symbol]]);
      for (const o of this.listOf(out, 'GET /fapi/v1/openOrders', restOrderSchema))
        openOrders.push(venueOrderState(o, inst, this.ids.decode(o.clientOrderId)));
    }
    const positionsOut = await this.rest.signedRequest('GET', '/fapi/v2/positionRisk', []);
    const qty = new Map<string, number>();
    for (const p of this.listOf(positionsOut, 'GET /fapi/v2/positionRisk', positionRiskSchema)) {
      const inst = this.bySymbol.get(p.symbol);
      if (inst !== undefined)
        qty.set(inst.id, (qty.get(inst.id) ?? 0) + parseDecimalUnits(p.positionAmt, inst.sizeDecimals));
    }
    const positions: VenuePosition[] = [...this.bySymbol.values()].map((inst) => ({
      instrument: inst.id,
      qtyUnits: qty.get(inst.id) ?? 0,
    }));
    const balancesOut = await this.rest.signedRequest('GET', '/fapi/v2/balance', []);
    const balances: VenueBalance[] = this.listOf(balancesOut, 'GET /fapi/v2/balance', balanceSchema).map((b) => ({
      asset: b.asset,
      amount: b.balance,
    }));
    return { openOrders, positions, balances, asOfNs: BigInt(this.rest.venueNowMs()) * 1_000_000n };
  }

  async queryOrder(orderId: number, instrument: string): Promise<VenueOrderState | null> {
    const inst = this.instrument(instrument);
    const out = await this.rest.signedRequest('GET', '/fapi/v1/order', orderRefParams(inst, this.ids.encode(orderId)));
    if (out.type === 'refused' && out.code === ORDER_DOES_NOT_EXIST) return null;
    if (out.type !== 'ok') throw this.unavailable('GET /fapi/v1/order', out);
    return venueOrderState(restOrderSchema.parse(out.body), inst, orderId);
  }

  async recentFills(sinceNs: bigint, instrument: string): Promise<readonly VenueFill[]> {
    const inst = this.instrument(instrument);
    const out = await this.rest.signedRequest('GET', '/fapi/v1/userTrades', [
      ['symbol', inst.symbol],
      ['startTime', String(sinceNs / 1_000_000n)],
    ]);
    const fills: VenueFill[] = [];
    for (const t of this.listOf(out, 'GET /fapi/v1/userTrades', userTradeSchema)) {
      const cid = this.clientIdByVenueId.get(t.orderId) ?? (await this.clientIdOf(inst, t.orderId));
      fills.push(venueFill(tradeFromUserTrade(t, cid, inst), this.ids.decode(cid), inst));
    }
    return fills.sort((a, b) => (a.tsEventNs < b.tsEventNs ? -1 : a.tsEventNs > b.tsEventNs ? 1 : 0));
  }

  async cancelForeign(order: VenueOrderState): Promise<void> {
    const inst = this.instrument(order.instrument);
    const out = await this.rest.signedRequest('DELETE', '/fapi/v1/order', [
      ['symbol', inst.symbol],
      ['orderId', order.venueOrderId],
    ]);
    if (out.type !== 'ok') throw this.unavailable(`DELETE /fapi/v1/order orderId=${order.venueOrderId}`, out);
  }

  /** Cancels every open order of one instrument (DELETE /fapi/v1/allOpenOrders); answers arrive on the stream. */
  async cancelAll(instrument: string): Promise<void> {
    const inst = this.instrument(instrument);
    const out = await this.rest.signedRequest('DELETE', '/fapi/v1/allOpenOrders', [['symbol', inst.symbol]]);
    if (out.type !== 'ok') throw this.unavailable('DELETE /fapi/v1/allOpenOrders', out);
  }

  private async clientIdOf(inst: Instrument, venueOrderId: string): Promise<string> {
    const out = await this.rest.signedRequest('GET', '/fapi/v1/order', [
      ['symbol', inst.symbol],
      ['orderId', venueOrderId],
    ]);
    const parsed = out.type === 'ok' ? restOrderSchema.safeParse(out.body) : null;
    const cid = parsed?.success ? parsed.data.clientOrderId : '';
    if (cid !== '') this.clientIdByVenueId.set(venueOrderId, cid);
    return cid;
  }

  private listOf<T>(
    out: RestOutcome,
    what: string,
    schema: { safeParse(x: unknown): { success: true; data: T } | { success: false } },
  ): T[] {
    if (out.type !== 'ok') throw this.unavailable(what, out);
    if (!Array.isArray(out.body)) throw new ChassisError('E_VENUE_SCHEMA', `${what}: expected a list`);
    return out.body.flatMap((x) => {
      const p = schema.safeParse(x);
      return p.success ? [p.data] : [];
    });
  }

  private instrument(id: string): Instrument {
    const inst = this.byId.get(id);
    if (inst === undefined)
      throw new ChassisError(
        'E_UNKNOWN_INSTRUMENT',
        `binance-usdm adapter: no instrument ${id} (configured: ${[...this.byId.keys()].join(', ')})`,
      );
    return inst;
  }

  private unavailable(what: string, out: RestOutcome): ChassisError {
    const detail =
      out.type === 'uncertain'
        ? out.reason
        : out.type === 'ok'
          ? 'unexpected answer'
          : `HTTP ${out.status} ${out.code} ${out.msg}`;
    return new ChassisError('E_VENUE_UNAVAILABLE', `binance-usdm ${what}: ${detail}`);
  }

  private link(event: VenueLinkEvent): void {
    if (!this.running) return;
    for (const l of this.linkListeners) l(event);
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        fn();
      },
      Math.max(0, ms),
    );
    this.timers.add(t);
  }
}

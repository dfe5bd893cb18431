/**
 * A small loopback stand-in for Binance USD-M's order side, for this adapter's tests until the
 * full emulator (test/binance-usdm-emulator) is used: signed REST checked with its own HMAC
 * (node:crypto, not the adapter's code) and recvWindow, the order endpoints the adapter calls,
 * listen keys and the user-data WebSocket with ORDER_TRADE_UPDATE in the documented shape, and
 * the faults of the drills. Orders rest until a test fills or cancels them (`fill`), so every
 * drill says exactly what the venue did.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const TEST_KEY = 'test-api-key';
export const TEST_SECRET = 'test-api-secret';

interface VenueOrder {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  type: string;
  timeInForce: string;
  price: string;
  origQty: string;
  executedQty: string;
  status: string;
  updateTime: number;
}

interface VenueTrade {
  id: number;
  orderId: number;
  symbol: string;
  side: 'BUY' | 'SELL';
  price: string;
  qty: string;
  commission: string;
  commissionAsset: string;
  maker: boolean;
  time: number;
}

export interface TestVenueFaults {
  /** Act on the next N order requests (POST/PUT/DELETE /fapi/v1/order) but destroy the connection instead of answering. */
  loseAnswers: number;
  /** Act on the next N order requests but answer 503 "Unknown error…". */
  unknownStatus: number;
  /** Answer the next N requests 429 with Retry-After: `retryAfterSeconds`, acting on none. */
  rateLimit: number;
  retryAfterSeconds: number;
  /** While true, stream events are not delivered (kept from the client, as in an outage). */
  streamOutage: boolean;
}

export class TestVenue {
  readonly received: { method: string; path: string; params: URLSearchParams }[] = [];
  readonly orders = new Map<string, VenueOrder>();
  readonly trades: VenueTrade[] = [];
  readonly faults: TestVenueFaults = {
    loseAnswers: 0,
    unknownStatus: 0,
    rateLimit: 0,
    retryAfterSeconds: 1,
    streamOutage: false,
  };
  listenKey = 'lk-1';
  listenKeysCreated = 0;
  private keyExpired = false;
  keepAlives = 0;
  private nextOrderId = 1000;
  private nextTradeId = 1;
  private readonly sockets = new Set<WebSocket>();
  private server!: Server;
  private wss!: WebSocketServer;
  restUrl = '';
  wsUrl = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      if (req.url !== `/ws/${this.listenKey}` || this.keyExpired) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.sockets.add(ws);
        ws.on('close', () => this.sockets.delete(ws));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const { port } = this.server.address() as AddressInfo;
    this.restUrl = `http://127.0.0.1:${port}`;
    this.wsUrl = `ws://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Order requests the venue received (each counted once, whatever happened to the answer). */
  count(method: string): number {
    return this.received.filter((r) => r.method === method && r.path === '/fapi/v1/order').length;
  }

  /** Drops every user-data connection (the venue side of a disconnect). */
  dropStream(): void {
    for (const s of this.sockets) s.terminate();
  }

  /** Invalidates the key without telling the client (its expiry event lost). */
  forgetListenKey(): void {
    this.keyExpired = true;
  }

  /** Sends listenKeyExpired and invalidates the key. */
  expireListenKey(): void {
    this.push({ e: 'listenKeyExpired', E: Date.now(), listenKey: this.listenKey });
    this.keyExpired = true;
  }

  /** Fills `qty` of an order at its price (or `price`), as a maker unless `taker`. */
  fill(
    clientOrderId: string,
    qty: string,
    opts: { price?: string; taker?: boolean; commission?: string } = {},
  ): VenueTrade {
    const o = this.orders.get(clientOrderId)!;
    const executed = (Number(o.executedQty) * 1e6 + Number(qty) * 1e6) / 1e6;
    o.executedQty = String(executed);
    o.status = executed >= Number(o.origQty) ? 'FILLED' : 'PARTIALLY_FILLED';
    o.updateTime = Date.now();
    const t: VenueTrade = {
      id: this.nextTradeId++,
      orderId: o.orderId,
      symbol: o.symbol,
      side: o.side,
      price: opts.price ?? o.price,
      qty,
      commission: opts.commission ?? '0.01',
      commissionAsset: 'USDT',
      maker: !opts.taker,
      time: o.updateTime,
    };
    this.trades.push(t);
    this.pushOrder(o, 'TRADE', t);
    return t;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const params = url.searchParams;
    const method = req.method ?? 'GET';
    const path = url.pathname;
    req.resume();
    req.on('end', () => {
      this.received.push({ method, path, params });
      if (this.faults.rateLimit > 0 && path !== '/fapi/v1/time') {
        this.faults.rateLimit--;
        return this.send(
          res,
          429,
          { code: -1003, msg: 'Too many requests; current limit of IP is 2400 requests per minute.' },
          { 'Retry-After': String(this.faults.retryAfterSeconds), 'X-MBX-USED-WEIGHT-1M': '2400' },
        );
      }
      if (path === '/fapi/v1/time') return this.send(res, 200, { serverTime: Date.now() });
      if (path === '/fapi/v1/exchangeInfo') return this.send(res, 200, EXCHANGE_INFO);
      if (path === '/fapi/v1/listenKey') return this.listenKeyRoute(method, req, res);
      const auth = this.checkSignature(req, url);
      if (auth !== null) return this.send(res, auth.status, auth.body);
      this.route(method, path, params, res);
    });
  }

  private listenKeyRoute(method: string, req: IncomingMessage, res: ServerResponse): void {
    if (req.headers['x-mbx-apikey'] !== TEST_KEY)
      return this.send(res, 401, { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' });
    if (method === 'POST') {
      if (this.keyExpired) this.listenKey = `lk-${this.listenKeysCreated + 1}`;
      this.keyExpired = false;
      this.listenKeysCreated++;
      return this.send(res, 200, { listenKey: this.listenKey });
    }
    if (method === 'PUT') {
      this.keepAlives++;
      if (this.keyExpired) return this.send(res, 400, { code: -1125, msg: 'This listenKey does not exist.' });
      return this.send(res, 200, { listenKey: this.listenKey });
    }
    return this.send(res, 200, {});
  }

  /** Independent check of the signature: HMAC-SHA256 of the query text before `&signature=`. */
  private checkSignature(req: IncomingMessage, url: URL): { status: number; body: object } | null {
    if (req.headers['x-mbx-apikey'] !== TEST_KEY)
      return { status: 401, body: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' } };
    const raw = url.search.slice(1);
    const at = raw.lastIndexOf('&signature=');
    const expected = createHmac('sha256', TEST_SECRET).update(raw.slice(0, at)).digest('hex');
    if (at < 0 || raw.slice(at + '&signature='.length) !== expected)
      return { status: 400, body: { code: -1022, msg: 'Signature for this request is not valid.' } };
    const ts = Number(url.searchParams.get('timestamp'));
    const recv = Number(url.searchParams.get('recvWindow') ?? 5000);
    if (!(ts < Date.now() + 1000 && Date.now() - ts <= recv))
      return { status: 400, body: { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' } };
    return null;
  }

  private route(method: string, path: string, p: URLSearchParams, res: ServerResponse): void {
    const order = (): VenueOrder | undefined => {
      const cid = p.get('origClientOrderId');
      if (cid !== null) return this.orders.get(cid);
      const id = Number(p.get('orderId'));
      return [...this.orders.values()].find((o) => o.orderId === id);
    };
    if (path === '/fapi/v1/order') {
      if (method === 'GET') {
        const o = order();
        return o === undefined
          ? this.send(res, 400, { code: -2013, msg: 'Order does not exist.' })
          : this.send(res, 200, o);
      }
      let answer: { status: number; body: object };
      if (method === 'POST') answer = this.newOrder(p);
      else if (method === 'PUT') answer = this.modify(order(), p);
      else answer = this.cancel(order());
      return this.answerOrder(res, answer);
    }
    if (path === '/fapi/v1/openOrders')
      return this.send(
        res,
        200,
        [...this.orders.values()].filter(
          (o) => o.symbol === p.get('symbol') && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'),
        ),
      );
    if (path === '/fapi/v1/userTrades') {
      const start = Number(p.get('startTime') ?? 0);
      const oid = p.get('orderId');
      return this.send(
        res,
        200,
        this.trades.filter(
          (t) => t.symbol === p.get('symbol') && t.time >= start && (oid === null || String(t.orderId) === oid),
        ),
      );
    }
    if (path === '/fapi/v2/positionRisk')
      return this.send(res, 200, [{ symbol: 'BTCUSDT', positionAmt: '0.000', positionSide: 'BOTH' }]);
    if (path === '/fapi/v2/balance') return this.send(res, 200, [{ asset: 'USDT', balance: '1000.00000000' }]);
    return this.send(res, 404, { code: -1000, msg: `no route ${method} ${path}` });
  }

  private answerOrder(res: ServerResponse, answer: { status: number; body: object }): void {
    if (this.faults.loseAnswers > 0) {
      this.faults.loseAnswers--;
      res.socket?.destroy();
      return;
    }
    if (this.faults.unknownStatus > 0) {
      this.faults.unknownStatus--;
      return this.send(res, 503, { code: -1000, msg: 'Unknown error, please check your request or try again later.' });
    }
    this.send(
      res,
      answer.status,
      answer.body,
      answer.status === 200
        ? { 'X-MBX-ORDER-COUNT-10S': String(this.count('POST')), 'X-MBX-ORDER-COUNT-1M': String(this.count('POST')) }
        : {},
    );
  }

  private newOrder(p: URLSearchParams): { status: number; body: object } {
    const cid = p.get('newClientOrderId')!;
    if (this.orders.has(cid)) return { status: 400, body: { code: -4116, msg: 'ClientOrderId is duplicated.' } };
    if (p.get('timeInForce') === 'GTX' && p.get('price') === '1')
      return {
        status: 400,
        body: {
          code: -5022,
          msg: 'Due to the order could not be executed as maker, the Post Only order will be rejected. The order will not be recorded in the order history',
        },
      };
    const o: VenueOrder = {
      orderId: this.nextOrderId++,
      clientOrderId: cid,
      symbol: p.get('symbol')!,
      side: p.get('side') as 'BUY' | 'SELL',
      type: p.get('type')!,
      timeInForce: p.get('timeInForce') ?? 'GTC',
      price: p.get('price') ?? '0',
      origQty: p.get('quantity')!,
      executedQty: '0',
      status: 'NEW',
      updateTime: Date.now(),
    };
    this.orders.set(cid, o);
    this.pushOrder(o, 'NEW');
    return { status: 200, body: { ...o } };
  }

  private modify(o: VenueOrder | undefined, p: URLSearchParams): { status: number; body: object } {
    if (o === undefined || (o.status !== 'NEW' && o.status !== 'PARTIALLY_FILLED'))
      return { status: 400, body: { code: -2013, msg: 'Order does not exist.' } };
    o.price = p.get('price')!;
    o.origQty = p.get('quantity')!;
    o.updateTime = Date.now();
    this.pushOrder(o, 'AMENDMENT');
    return { status: 200, body: { ...o } };
  }

  private cancel(o: VenueOrder | undefined): { status: number; body: object } {
    if (o === undefined || (o.status !== 'NEW' && o.status !== 'PARTIALLY_FILLED'))
      return { status: 400, body: { code: -2011, msg: 'Unknown order sent.' } };
    o.status = 'CANCELED';
    o.updateTime = Date.now();
    this.pushOrder(o, 'CANCELED');
    return { status: 200, body: { ...o } };
  }

  private pushOrder(o: VenueOrder, x: string, t?: VenueTrade): void {
    this.push({
      e: 'ORDER_TRADE_UPDATE',
      E: o.updateTime,
      T: o.updateTime,
      o: {
        s: o.symbol,
        c: o.clientOrderId,
        S: o.side,
        o: o.type,
        f: o.timeInForce,
        q: o.origQty,
        p: o.price,
        ap: '0',
        sp: '0',
        x,
        X: o.status,
        i: o.orderId,
        l: t?.qty ?? '0',
        z: o.executedQty,
        L: t?.price ?? '0',
        N: 'USDT',
        n: t?.commission ?? '0',
        T: o.updateTime,
        t: t?.id ?? 0,
        b: '0',
        a: '0',
        m: t?.maker ?? false,
        R: false,
        wt: 'CONTRACT_PRICE',
        ot: o.type,
        ps: 'BOTH',
        cp: false,
        rp: '0',
        pP: false,
        si: 0,
        ss: 0,
      },
    });
  }

  private push(event: object): void {
    if (this.faults.streamOutage) return;
    const text = JSON.stringify(event);
    for (const s of this.sockets) s.send(text);
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'X-MBX-USED-WEIGHT-1M': String(this.received.length),
      ...headers,
    });
    res.end(JSON.stringify(body));
  }
}

const EXCHANGE_INFO = {
  rateLimits: [
    { interval: 'MINUTE', intervalNum: 1, limit: 2400, rateLimitType: 'REQUEST_WEIGHT' },
    { interval: 'MINUTE', intervalNum: 1, limit: 1200, rateLimitType: 'ORDERS' },
    { interval: 'SECOND', intervalNum: 10, limit: 300, rateLimitType: 'ORDERS' },
  ],
  symbols: [
    {
      symbol: 'BTCUSDT',
      status: 'TRADING',
      baseAsset: 'BTC',
      quoteAsset: 'USDT',
      marginAsset: 'USDT',
      contractType: 'PERPETUAL',
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: '556.80', maxPrice: '4529764', tickSize: '0.10' },
        { filterType: 'LOT_SIZE', stepSize: '0.001', maxQty: '1000', minQty: '0.001' },
        { filterType: 'MIN_NOTIONAL', notional: '100' },
      ],
    },
  ],
};

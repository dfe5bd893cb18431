/**
 * The REST endpoints: each route's security type (NONE, USER_STREAM = API key, SIGNED = key +
 * signature + timestamp), its request weight, and its handler. Every answer carries
 * `X-MBX-USED-WEIGHT-1M`; order placements and modifications also `X-MBX-ORDER-COUNT-10S/1M`.
 */
import type { IncomingMessage } from 'node:http';
import type { HttpAnswer } from '../venue-server/venue-protocol.ts';
import { futuresDepthWeight } from '../venue-server/request-weight.ts';
import { ERRORS, mandatory, type BinanceError } from './binance-error.ts';
import { isOpen, type Account } from './account.ts';
import {
  accountInfo,
  accountInfoV3,
  balance,
  positionRisk,
  positionRiskV3,
  queriedOrder,
  userTrade,
} from './binance-shapes.ts';
import { exchangeInfo, leverageBrackets } from './exchange-info.ts';
import type { OrderEntry, Outcome } from './order-entry.ts';
import { ENDPOINT_WEIGHT, OPEN_ORDERS_ALL_SYMBOLS_WEIGHT, type RateLimits } from './rate-limits.ts';
import { checkApiKey, checkSigned, requestParams, type Credentials, type RawRequest } from './signed-request.ts';
import { SYMBOL } from './symbol-spec.ts';
import type { UserStream } from './user-stream.ts';

export interface RestAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

type Security = 'NONE' | 'USER_STREAM' | 'SIGNED';
type Params = ReadonlyMap<string, string>;

interface Route {
  readonly security: Security;
  /** Counts against the order-rate limits (new order, modify). */
  readonly countsOrder?: boolean;
  readonly handle: (p: Params) => Outcome;
}

export interface RestApiDeps {
  readonly credentials: Credentials;
  readonly limits: RateLimits;
  readonly orders: OrderEntry;
  readonly account: Account;
  readonly userStream: UserStream;
  readonly nowMs: () => number;
  /** test/venue-server's REST depth answer. */
  readonly depth: (req: IncomingMessage, url: URL) => HttpAnswer | null;
}

const ok = (body: object): Outcome => ({ ok: body });
const USER_TRADES_DEFAULT_LIMIT = 500;
const USER_TRADES_MAX_LIMIT = 1000;

export class RestApi {
  private readonly routes: Readonly<Record<string, Route>>;

  constructor(private readonly d: RestApiDeps) {
    const o = d.orders;
    this.routes = {
      'GET /fapi/v1/time': { security: 'NONE', handle: () => ok({ serverTime: d.nowMs() }) },
      'GET /fapi/v1/exchangeInfo': { security: 'NONE', handle: () => ok(exchangeInfo(d.limits, d.nowMs())) },
      'POST /fapi/v1/order': { security: 'SIGNED', countsOrder: true, handle: (p) => o.newOrder(p) },
      'PUT /fapi/v1/order': { security: 'SIGNED', countsOrder: true, handle: (p) => o.modifyOrder(p) },
      'DELETE /fapi/v1/order': { security: 'SIGNED', handle: (p) => o.cancelOrder(p) },
      'GET /fapi/v1/order': { security: 'SIGNED', handle: (p) => this.queryOrder(p) },
      'GET /fapi/v1/openOrder': { security: 'SIGNED', handle: (p) => this.queryOpenOrder(p) },
      'DELETE /fapi/v1/allOpenOrders': { security: 'SIGNED', handle: (p) => o.cancelAll(p) },
      'GET /fapi/v1/openOrders': { security: 'SIGNED', handle: (p) => this.openOrders(p) },
      'GET /fapi/v1/userTrades': { security: 'SIGNED', handle: (p) => this.userTrades(p) },
      'POST /fapi/v1/listenKey': { security: 'USER_STREAM', handle: () => ok({ listenKey: d.userStream.create() }) },
      'PUT /fapi/v1/listenKey': { security: 'USER_STREAM', handle: () => this.keepAlive() },
      'DELETE /fapi/v1/listenKey': { security: 'USER_STREAM', handle: () => this.closeKey() },
      'GET /fapi/v2/positionRisk': {
        security: 'SIGNED',
        handle: (p) => this.bySymbol(p, () => [positionRisk(d.account, o.markPriceUnits())]),
      },
      'GET /fapi/v2/balance': { security: 'SIGNED', handle: () => ok([balance(d.account, o.markPriceUnits())]) },
      'GET /fapi/v2/account': { security: 'SIGNED', handle: () => ok(accountInfo(d.account, o.markPriceUnits())) },
      // v3 (what ccxt 4.5 calls): the same account; v3 positionRisk adds margin fields, v3 account lists only open positions.
      'GET /fapi/v3/positionRisk': {
        security: 'SIGNED',
        handle: (p) =>
          this.bySymbol(p, () =>
            d.account.positionUnits === 0 ? [] : [positionRiskV3(d.account, o.markPriceUnits())],
          ),
      },
      'GET /fapi/v1/leverageBracket': {
        security: 'SIGNED',
        handle: (p) => this.bySymbol(p, () => [leverageBrackets()]),
      },
      'GET /fapi/v3/balance': { security: 'SIGNED', handle: () => ok([balance(d.account, o.markPriceUnits())]) },
      'GET /fapi/v3/account': { security: 'SIGNED', handle: () => ok(accountInfoV3(d.account, o.markPriceUnits())) },
    };
  }

  /** True if the request is a known route whose security checks pass (faults act only on such requests). */
  authorises(req: IncomingMessage, url: URL, body: string): boolean {
    const route = this.routes[`${req.method} ${url.pathname}`];
    return route !== undefined && this.security(route.security, raw(req, url, body)) === null;
  }

  handle(req: IncomingMessage, url: URL, body: string): RestAnswer {
    const key = `${req.method} ${url.pathname}`;
    if (key === 'GET /fapi/v1/depth') return this.depth(req, url);
    const route = this.routes[key];
    if (route === undefined)
      return {
        status: 404,
        headers: {},
        body: JSON.stringify({ code: -5000, msg: `Path ${url.pathname}, Method ${req.method} is invalid` }),
      };
    const r = raw(req, url, body);
    const params = requestParams(r);
    const weight =
      key === 'GET /fapi/v1/openOrders' && !params.has('symbol')
        ? OPEN_ORDERS_ALL_SYMBOLS_WEIGHT
        : ENDPOINT_WEIGHT[key]!;
    const admitted = this.d.limits.takeWeight(weight);
    let headers: Record<string, string> = admitted.headers;
    if (admitted.error !== null) return errorAnswer(admitted.error, headers);
    const refused = this.security(route.security, r);
    if (refused !== null) return errorAnswer(refused, headers);
    if (route.countsOrder === true) {
      const orders = this.d.limits.takeOrder();
      headers = { ...headers, ...orders.headers };
      if (orders.error !== null) return errorAnswer(orders.error, headers);
    }
    const outcome = route.handle(params);
    return 'error' in outcome
      ? errorAnswer(outcome.error, headers)
      : { status: 200, headers, body: JSON.stringify(outcome.ok) };
  }

  /** HTTP 503 "Unknown error …" (execution status unknown). */
  unknownStatus(): RestAnswer {
    return errorAnswer(ERRORS.unknownStatus, {});
  }

  private security(security: Security, r: RawRequest): BinanceError | null {
    if (security === 'NONE') return null;
    if (security === 'USER_STREAM') return checkApiKey(r, this.d.credentials);
    return checkSigned(r, this.d.credentials, this.d.nowMs());
  }

  private depth(req: IncomingMessage, url: URL): RestAnswer {
    const limit = Number(url.searchParams.get('limit') ?? '500');
    const admitted = this.d.limits.takeWeight(futuresDepthWeight(Number.isFinite(limit) ? limit : 500));
    if (admitted.error !== null) return errorAnswer(admitted.error, admitted.headers);
    const answer = this.d.depth(req, url)!;
    return { status: answer.status, headers: { ...answer.headers, ...admitted.headers }, body: answer.body };
  }

  private queryOrder(p: Params): Outcome {
    const found = this.d.orders.find(p, ERRORS.noSuchOrder);
    return 'error' in found ? found : ok(queriedOrder(found.order));
  }

  /** GET openOrder: the order only while it is open (-2013 once it is filled, cancelled or expired). */
  private queryOpenOrder(p: Params): Outcome {
    const found = this.d.orders.find(p, ERRORS.noSuchOrder);
    if ('error' in found) return found;
    return isOpen(found.order) ? ok(queriedOrder(found.order)) : { error: ERRORS.noSuchOrder };
  }

  private openOrders(p: Params): Outcome {
    return this.bySymbol(p, () => this.d.account.openOrders().map(queriedOrder), true);
  }

  /** An array answer for the one symbol; `optional`: the symbol may be omitted (all symbols). */
  private bySymbol(p: Params, list: () => object[], optional = true): Outcome {
    const symbol = p.get('symbol');
    if (symbol === undefined && !optional) return { error: mandatory('symbol') };
    if (symbol !== undefined && symbol !== SYMBOL) return { error: ERRORS.invalidSymbol };
    return ok(list());
  }

  /** GET userTrades: by fromId (trade id ≥), else startTime/endTime (ms), oldest first, at most `limit`. */
  private userTrades(p: Params): Outcome {
    const symbol = p.get('symbol');
    if (symbol === undefined) return { error: mandatory('symbol') };
    if (symbol !== SYMBOL) return { error: ERRORS.invalidSymbol };
    const limit = Math.min(Number(p.get('limit') ?? USER_TRADES_DEFAULT_LIMIT), USER_TRADES_MAX_LIMIT);
    const fromId = p.get('fromId');
    const start = Number(p.get('startTime') ?? 0);
    const end = Number(p.get('endTime') ?? Number.MAX_SAFE_INTEGER);
    const orderId = p.get('orderId');
    const trades = this.d.account.trades.filter(
      (t) =>
        (fromId !== undefined ? t.id >= Number(fromId) : t.timeMs >= start && t.timeMs <= end) &&
        (orderId === undefined || t.orderId === Number(orderId)),
    );
    return ok(trades.slice(0, limit).map(userTrade));
  }

  private keepAlive(): Outcome {
    const key = this.d.userStream.listenKey;
    return key !== null && this.d.userStream.keepAlive(key)
      ? ok({ listenKey: key })
      : { error: ERRORS.invalidListenKey };
  }

  private closeKey(): Outcome {
    const key = this.d.userStream.listenKey;
    return key !== null && this.d.userStream.close(key) ? ok({}) : { error: ERRORS.invalidListenKey };
  }
}

function raw(req: IncomingMessage, url: URL, body: string): RawRequest {
  const header = req.headers['x-mbx-apikey'];
  return { apiKeyHeader: Array.isArray(header) ? header[0] : header, query: url.search.slice(1), body };
}

function errorAnswer(e: BinanceError, headers: Readonly<Record<string, string>>): RestAnswer {
  return {
    status: e.status,
    headers: { ...headers, ...e.headers },
    body: JSON.stringify({ code: e.code, msg: e.msg }),
  };
}

/**
 * Binance's error answers: an HTTP status and the JSON body `{"code":<negative int>,"msg":<text>}`
 * (USDⓈ-M "General Info" → "Error Codes and Messages"; the codes and messages below are the
 * documented ones, USDⓈ-M "Error Codes"). 4XX = the sender's fault, 429 = a rate limit, 418 = an
 * IP banned for ignoring 429s, 401 = the API key, 503 = Binance's side (see faults.ts).
 */
export interface BinanceError {
  readonly status: number;
  readonly code: number;
  readonly msg: string;
  /** Extra response headers (Retry-After on 429 / 418). */
  readonly headers?: Readonly<Record<string, string>>;
}

const err = (status: number, code: number, msg: string): BinanceError => ({ status, code, msg });

export const ERRORS = {
  /** -1021: outside recvWindow, or more than 1000 ms ahead of the server. */
  timestampOutsideWindow: err(400, -1021, 'Timestamp for this request is outside of the recvWindow.'),
  timestampAhead: err(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  badSignature: err(400, -1022, 'Signature for this request is not valid.'),
  badApiKeyFormat: err(401, -2014, 'API-key format invalid.'),
  rejectedApiKey: err(401, -2015, 'Invalid API-key, IP, or permissions for action, request ip: 127.0.0.1'),
  unknownOrderSent: err(400, -2011, 'Unknown order sent.'),
  noSuchOrder: err(400, -2013, 'Order does not exist.'),
  reduceOnlyRejected: err(400, -2022, 'ReduceOnly Order is rejected.'),
  invalidSymbol: err(400, -1121, 'Invalid symbol.'),
  invalidListenKey: err(400, -1125, 'This listenKey does not exist.'),
  badPrecision: err(400, -1111, 'Precision is over the maximum defined for this asset.'),
  priceNotOnTick: err(400, -4014, 'Price not increased by tick size.'),
  qtyNotPositive: err(400, -4003, 'Quantity less than or equal to zero.'),
  qtyBelowMin: err(400, -4005, 'Quantity greater than max quantity.'),
  priceBelowMin: err(400, -4001, 'Price less than 0.'),
  clientOrderIdDuplicated: err(400, -4116, 'ClientOrderId is duplicated.'),
  clientOrderIdInvalid: err(400, -4015, 'Client order id is not valid.'),
  gtxWouldTake: err(
    400,
    -5022,
    'Due to the order could not be executed as maker, the Post Only order will be rejected. The order will not be recorded in the order history',
  ),
  fokWouldNotFill: err(
    400,
    -5021,
    'Due to the order could not be filled immediately, the FOK order has been rejected. The order will not be recorded in the order history',
  ),
  modifyNotLimit: err(400, -4149, 'Only limit order is supported.'),
  modifyNothing: err(400, -5027, 'No need to modify the order.'),
  unknownStatus: err(503, -1000, 'Unknown error, please check your request or try again later.'),
} as const;

export const mandatory = (name: string): BinanceError =>
  err(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
export const illegal = (name: string): BinanceError =>
  err(400, -1100, `Illegal characters found in parameter '${name}'.`);
export const invalidEnum = (code: -1115 | -1116 | -1117, what: string): BinanceError =>
  err(
    400,
    code,
    code === -1115
      ? 'Invalid timeInForce.'
      : code === -1116
        ? 'Invalid orderType.'
        : `Invalid side.${what === '' ? '' : ` (${what})`}`,
  );
export const minNotional = (notional: string): BinanceError =>
  err(400, -4164, `Order's notional must be no smaller than ${notional} (unless you choose reduce only).`);
export const paramsBothSent = (): BinanceError =>
  err(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");

export function tooManyRequests(status: 429 | 418, retryAfterS: number, limit: number): BinanceError {
  const msg =
    status === 418
      ? 'Way too many requests; IP(127.0.0.1) banned until the Retry-After time. Please use the websocket for live updates to avoid bans.'
      : `Too many requests; current limit of IP(127.0.0.1) request weight per minute is ${limit}. Please use WebSocket Streams for live updates to avoid bans.`;
  return { status, code: -1003, msg, headers: { 'retry-after': String(retryAfterS) } };
}

export function tooManyOrders(limit: number, interval: 'TEN_SECONDS' | 'MINUTE', retryAfterS: number): BinanceError {
  return {
    status: 429,
    code: -1015,
    msg: `Too many new orders; current limit is ${limit} orders per ${interval}.`,
    headers: { 'retry-after': String(retryAfterS) },
  };
}

/**
 * Pins a ccxt exchange to one endpoint: every URL of its `urls.api` table (REST bases of every
 * API family, nested tables included) is rewritten onto the given origin, keeping its path, and
 * every request ccxt makes is checked against that origin before it leaves: a request anywhere
 * else is refused with E_CCXT_OFF_ENDPOINT and never reaches the network. ccxt's market loading
 * (exchangeInfo) therefore asks the endpoint too, and nothing "phones home".
 */
import { ChassisError } from '@chassis/core';

/** The slice of a ccxt Exchange this touches. */
export interface PinnableExchange {
  urls: { api?: unknown };
  fetch(url: string, method?: string, headers?: unknown, body?: unknown): Promise<unknown>;
}

function rewrite(value: unknown, origin: string): unknown {
  if (typeof value === 'string') return value.replace(/^[a-z]+:\/\/[^/]+/i, origin);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, origin)]));
  return value;
}

export function pinToEndpoint(exchange: PinnableExchange, endpoint: string): void {
  const origin = new URL(endpoint).origin;
  exchange.urls.api = rewrite(exchange.urls.api, origin);
  const send = exchange.fetch.bind(exchange);
  exchange.fetch = (url, method, headers, body) => {
    let target: string;
    try {
      target = new URL(url).origin;
    } catch {
      target = url;
    }
    if (target !== origin)
      return Promise.reject(
        new ChassisError(
          'E_CCXT_OFF_ENDPOINT',
          `ccxt tried ${method ?? 'GET'} ${url}, outside the configured endpoint ${origin}: refused`,
        ),
      );
    return send(url, method, headers, body);
  };
}

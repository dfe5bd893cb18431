/**
 * Shared test material: Binance's documented examples (fixtures/*.json, each with its source)
 * and a BTCUSDT instrument with the venue's filters (tick 0.10, step 0.001).
 */
import { readFileSync } from 'node:fs';
import type { Instrument, RequestSentEvent } from '@chassis/core';

export function documented<T = unknown>(name: string): T {
  const json = JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
  const { _source, ...rest } = json;
  void _source;
  return ('body' in rest ? rest.body : rest) as T;
}

/** BTCUSDT perpetual: tick 0.10 (10 units of 0.01), step 0.001 (1 unit), min notional 100 USDT. */
export const BTCUSDT: Instrument = {
  id: 'binance-usdm:BTCUSDT',
  venue: 'binance-usdm',
  symbol: 'BTCUSDT',
  contractType: 'linear',
  baseCurrency: 'BTC',
  quoteCurrency: 'USDT',
  priceDecimals: 2,
  sizeDecimals: 3,
  tickUnits: 10,
  lotUnits: 1,
  minNotionalUnits: 10_000_000n,
  multiplier: 1,
  makerFeePpm: 200,
  takerFeePpm: 500,
};

export function requestSent(
  p: Partial<RequestSentEvent> & Pick<RequestSentEvent, 'seq' | 'request' | 'orderId'>,
): RequestSentEvent {
  return {
    kind: 'request_sent',
    tsEventNs: 0n,
    tsLocalNs: 0n,
    instrument: BTCUSDT.id,
    side: 'buy',
    orderType: 'limit',
    priceUnits: 6_000_000,
    qtyUnits: 10,
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: false,
    clientTag: '',
    ...p,
  };
}

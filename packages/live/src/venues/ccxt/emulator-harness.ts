/**
 * Test support: the Binance USD-M emulator (test/binance-usdm-emulator, market replay stepped by
 * the test) with a ccxt adapter pointed at it, the answers it pushes collected, and RequestSent
 * events built the way the core records them. Used by tests only.
 */
import type { Instrument, RequestSentEvent } from '@chassis/core';
import type { VenueAnswer } from '@chassis/venues';
import { INSTRUMENT, startBinanceUsdmEmulator } from '../../../../../test/binance-usdm-emulator/index.ts';
import type { BinanceUsdmEmulator } from '../../../../../test/binance-usdm-emulator/index.ts';
import { signedClient } from '../../../../../test/binance-usdm-emulator/signed-client.ts';
import type { VenueLinkEvent } from '../../contracts.ts';
import { CcxtVenueAdapter } from './ccxt-venue-adapter.ts';
import type { CcxtVenueAdapterOptions } from './ccxt-venue-adapter.ts';

export { INSTRUMENT };
export type { BinanceUsdmEmulator };

export const wallClock = { nowNs: (): bigint => BigInt(Date.now()) * 1_000_000n };

/** An emulator whose replay the test steps (2000 entries in: a book and recent trades exist). */
export async function steppedEmulator(): Promise<BinanceUsdmEmulator> {
  const emulator = await startBinanceUsdmEmulator({ speed: 'manual', start: 'manual' });
  emulator.market.step(2000);
  return emulator;
}

export interface AdapterUnderTest {
  readonly adapter: CcxtVenueAdapter;
  readonly answers: VenueAnswer[];
  readonly links: VenueLinkEvent[];
  readonly logs: string[];
}

export async function ccxtAdapterOn(
  emulator: BinanceUsdmEmulator,
  overrides: Partial<CcxtVenueAdapterOptions> = {},
): Promise<AdapterUnderTest> {
  const logs: string[] = [];
  const adapter = new CcxtVenueAdapter({
    venue: 'binance-usdm',
    exchangeId: 'binanceusdm',
    endpoint: emulator.restBaseUrl,
    instruments: [INSTRUMENT],
    sessionId: 'emulator-session',
    credentials: { apiKey: emulator.apiKey, secret: emulator.apiSecret },
    clock: wallClock,
    pollIntervalMs: 100,
    queryBackoffMs: 50,
    enableRateLimit: false,
    log: (message, fields) => logs.push(`${message} ${JSON.stringify(fields ?? {})}`),
    ...overrides,
  });
  const answers: VenueAnswer[] = [];
  const links: VenueLinkEvent[] = [];
  adapter.onAnswer((a) => answers.push(a));
  adapter.onLink((l) => links.push(l));
  await adapter.start();
  return { adapter, answers, links, logs };
}

/** Best bid and ask of the emulator's book, in price units of INSTRUMENT. */
export async function bestQuotesUnits(emulator: BinanceUsdmEmulator): Promise<{ bid: number; ask: number }> {
  const depth = (await signedClient(emulator).get('/fapi/v1/depth?symbol=BTCUSDT&limit=5')).json as {
    bids: [string, string][];
    asks: [string, string][];
  };
  const units = (text: string): number => Math.round(Number(text) * 10 ** INSTRUMENT.priceDecimals);
  return { bid: units(depth.bids[0]![0]), ask: units(depth.asks[0]![0]) };
}

let nextSeq = 100;

/** A RequestSent as the core records it (seq fresh per call). */
export function requestSent(
  fields: Partial<RequestSentEvent> & Pick<RequestSentEvent, 'request' | 'orderId'>,
  inst: Instrument = INSTRUMENT,
): RequestSentEvent {
  return {
    kind: 'request_sent',
    seq: nextSeq++,
    tsEventNs: 0n,
    tsLocalNs: 0n,
    instrument: inst.id,
    side: 'buy',
    orderType: 'limit',
    priceUnits: 0,
    qtyUnits: 0,
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: false,
    clientTag: '',
    ...fields,
  };
}

/** Resolves once `condition` holds, polling every 20 ms; rejects after `timeoutMs` naming `what`. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export { signedClient };

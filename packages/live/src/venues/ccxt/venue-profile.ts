/**
 * What one ccxt exchange needs beyond its unified API to serve the LiveVenueAdapter contract:
 * options that keep it on the endpoints a venue (or the emulator) serves, and how to read the
 * wallet balance reconciliation compares (realised PnL and fees, not unrealised PnL).
 * `binanceusdm` has its own profile; any other ccxt exchange gets the generic one.
 */
import type { VenueBalance } from '../../contracts.ts';
import { numberToDecimalText } from './units.ts';

export interface CcxtVenueProfile {
  /** Merged into the exchange's `options`. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Wallet balances from a ccxt `fetchBalance` answer. */
  walletBalances(balance: { readonly total?: unknown; readonly info?: unknown }): VenueBalance[];
}

/** ccxt's `total` per currency: wallet plus unrealised PnL on venues that fold it in. */
const generic: CcxtVenueProfile = {
  options: { fetchCurrencies: false, adjustForTimeDifference: false },
  walletBalances(balance) {
    const total = (balance.total ?? {}) as Record<string, number | undefined>;
    return Object.entries(total)
      .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
      .map(([asset, amount]) => ({ asset, amount: numberToDecimalText(amount) }));
  },
};

/**
 * Binance USDⓈ-M: `walletBalance` of `/fapi/v2/account` assets (ccxt's `total` is
 * `marginBalance`, which includes unrealised PnL, and it skips assets never updated). Options:
 * no sapi currency call (it needs the spot API), no time sync call, v2 positionRisk and account
 * (the v3 paths are newer than the emulator), no leverage-bracket call before positions.
 */
const binanceusdm: CcxtVenueProfile = {
  options: {
    ...generic.options,
    leverageBrackets: {},
    fetchPositionsRisk: { useV2: true },
    fetchBalance: { useV2: true },
    warnOnFetchOpenOrdersWithoutSymbol: false,
  },
  walletBalances(balance) {
    const assets =
      (balance.info as { assets?: { asset?: unknown; walletBalance?: unknown }[] } | undefined)?.assets ?? [];
    return assets
      .filter(
        (a): a is { asset: string; walletBalance: string } =>
          typeof a.asset === 'string' && typeof a.walletBalance === 'string',
      )
      .map((a) => ({ asset: a.asset, amount: a.walletBalance }));
  },
};

const PROFILES: Readonly<Record<string, CcxtVenueProfile>> = { binanceusdm };

export function venueProfile(exchangeId: string): CcxtVenueProfile {
  return PROFILES[exchangeId] ?? generic;
}

/**
 * ccxt's exchange id for a Chassis venue id (the recording connectors' names). Only `binanceusdm`
 * is exercised end to end (against the emulator); the others are ccxt's own ids for those
 * * venues, untested here. Null: no ccxt exchange for the venue (BitMEX is not in ccxt 4.5.84).
 */
const CCXT_IDS: Readonly<Record<string, string>> = {
  'binance-usdm': 'binanceusdm',
  'binance-coinm': 'binancecoinm',
  'binance-spot': 'binance',
  okx: 'okx',
  bybit: 'bybit',
  deribit: 'deribit',
  kraken: 'kraken',
  coinbase: 'coinbase',
  kucoin: 'kucoin',
  hyperliquid: 'hyperliquid',
};

export function ccxtExchangeId(venue: string): string | null {
  return CCXT_IDS[venue] ?? null;
}

/**
 * Instrument metadata for the symbols in the data we ship and test with, and a derived
 * fallback for anything else. All numbers are decimal strings (no floats): tick and lot in
 * price/size units, fees as rates of notional ("0.0002" = 2 bps; negative = rebate).
 * Known specs are exchange filter values as published for these symbols at capture time.
 */
import type { ContractType } from '@chassis/core';
import type { VenueId } from './records.ts';

export interface InstrumentSpec {
  readonly venue: VenueId;
  readonly symbol: string;
  /** Minimum price increment, e.g. "0.10". */
  readonly tickSize: string;
  /** Minimum quantity increment (base units, or contracts for inverse), e.g. "0.001". */
  readonly lotSize: string;
  /** Decimal places canonical prices are stored with (>= the tick's decimals and any observed). */
  readonly priceDecimals: number;
  /** Decimal places canonical sizes are stored with. */
  readonly sizeDecimals: number;
  readonly contractType: ContractType;
  /**
   * Contract value per contract: 1 for spot and plain linear (qty in base units); base amount
   * per contract for linear contracts (OKX ctVal, e.g. 0.01 BTC); quote face value per contract
   * for inverse (Binance COIN-M BTCUSD 100 USD, others 10 USD). PnL and fees use it
   * (@chassis/core contract-value.ts). A derived (unknown) OKX linear swap gets 1, which is
   * only right for a contract of one base unit: add the symbol to the table.
   */
  readonly multiplier: string;
  readonly baseCurrency: string;
  readonly quoteCurrency: string;
  readonly makerFee: string;
  readonly takerFee: string;
  /** True if the spec came from the table below or a venue naming rule; false if derived from the symbol and observed decimals. */
  readonly known: boolean;
}

type Known = Omit<InstrumentSpec, 'venue' | 'symbol' | 'priceDecimals' | 'sizeDecimals' | 'known' | 'makerFee' | 'takerFee'>;

const k = (tickSize: string, lotSize: string, contractType: ContractType, baseCurrency: string, quoteCurrency: string, multiplier = '1'): Known => ({ tickSize, lotSize, contractType, baseCurrency, quoteCurrency, multiplier });

/** Known symbols, keyed `${venue}:${symbol}`: the hftbacktest and cryptofeed captures plus majors. */
const KNOWN: Readonly<Record<string, Known>> = {
  'binance-spot:BTCUSDT': k('0.01', '0.00001', 'spot', 'BTC', 'USDT'),
  'binance-spot:ETHUSDT': k('0.01', '0.0001', 'spot', 'ETH', 'USDT'),
  'binance-spot:NKNUSDT': k('0.0001', '0.1', 'spot', 'NKN', 'USDT'),
  'binance-spot:BLZETH': k('0.00000001', '1', 'spot', 'BLZ', 'ETH'),
  'binance-spot:LRCBTC': k('0.00000001', '1', 'spot', 'LRC', 'BTC'),
  'binance-spot:RUNEEUR': k('0.001', '0.1', 'spot', 'RUNE', 'EUR'),
  'binance-usdm:BTCUSDT': k('0.10', '0.001', 'linear', 'BTC', 'USDT'),
  'binance-usdm:ETHUSDT': k('0.01', '0.001', 'linear', 'ETH', 'USDT'),
  'binance-usdm:SUSHIUSDT': k('0.0010', '1', 'linear', 'SUSHI', 'USDT'),
  'binance-usdm:AKROUSDT': k('0.00001', '1', 'linear', 'AKRO', 'USDT'),
  'binance-usdm:KEEPUSDT': k('0.0001', '1', 'linear', 'KEEP', 'USDT'),
  'binance-usdm:CTKUSDT': k('0.00100', '1', 'linear', 'CTK', 'USDT'),
  'binance-coinm:BTCUSD_PERP': k('0.1', '1', 'inverse', 'BTC', 'USD', '100'),
  'binance-coinm:ETHUSD_PERP': k('0.01', '1', 'inverse', 'ETH', 'USD', '10'),
  'okx:BTC-USDT': k('0.1', '0.00000001', 'spot', 'BTC', 'USDT'),
  'okx:BTC-USD-220527': k('0.1', '1', 'inverse', 'BTC', 'USD', '100'),
  'okx:UNI-USD-SWAP': k('0.001', '1', 'inverse', 'UNI', 'USD', '10'),
  // OKX contract value (ctVal): BTC-USDT-SWAP 0.01 BTC, ETH-USDT-SWAP 0.1 ETH per contract (linear);
  // BTC-USD-SWAP 100 USD, ETH-USD-SWAP 10 USD per contract (inverse), per OKX /api/v5/public/instruments.
  'okx:BTC-USDT-SWAP': k('0.1', '0.01', 'linear', 'BTC', 'USDT', '0.01'),
  'okx:ETH-USDT-SWAP': k('0.01', '0.01', 'linear', 'ETH', 'USDT', '0.1'),
  'okx:BTC-USD-SWAP': k('0.1', '1', 'inverse', 'BTC', 'USD', '100'),
  'okx:ETH-USD-SWAP': k('0.01', '1', 'inverse', 'ETH', 'USD', '10'),
  'bybit-linear:BTCUSDT': k('0.10', '0.001', 'linear', 'BTC', 'USDT'),
  'bybit-spot:BTCUSDT': k('0.01', '0.000001', 'spot', 'BTC', 'USDT'),
  // Hyperliquid perps settle in USDC, qty in coins (lot = 10^-szDecimals). Prices carry at most 5
  // significant figures (integers always allowed): whole dollars for BTC above 10,000, 0.1 for ETH
  // between 1,000 and 10,000.
  'hyperliquid:BTC': k('1', '0.00001', 'linear', 'BTC', 'USDC'),
  'hyperliquid:ETH': k('0.1', '0.0001', 'linear', 'ETH', 'USDC'),
  // BitMEX, July 2021 (cryptofeed capture): multipliers checked against every trade's grossValue
  // (bitmex.test.ts). XBTUSD inverse, 1 USD a contract. Quanto perpetuals settle in XBT: value =
  // contracts × price × multiplier XBT, i.e. linear with XBT as settlement (quote) currency.
  // XRPU21/TRXU21 futures are priced in XBT per coin, one coin a contract.
  'bitmex:XBTUSD': k('0.5', '100', 'inverse', 'XBT', 'USD'),
  'bitmex:BCHUSD': k('0.05', '1', 'linear', 'BCH', 'XBT', '0.000001'),
  'bitmex:UNIUSDT': k('0.001', '1', 'linear', 'UNI', 'XBT', '0.00001'),
  'bitmex:ADAUSDT': k('0.00001', '1', 'linear', 'ADA', 'XBT', '0.01'),
  'bitmex:SOLUSDT': k('0.001', '1', 'linear', 'SOL', 'XBT', '0.00001'),
  'bitmex:EOSUSDT': k('0.0005', '1', 'linear', 'EOS', 'XBT', '0.0001'),
  'bitmex:TRXUSDT': k('0.00001', '1', 'linear', 'TRX', 'XBT', '0.001'),
  'bitmex:MATICUSDT': k('0.0001', '1', 'linear', 'MATIC', 'XBT', '0.0001'),
  'bitmex:XRPU21': k('0.00000001', '1', 'linear', 'XRP', 'XBT'),
  'bitmex:TRXU21': k('0.0000000001', '100', 'linear', 'TRX', 'XBT'),
  // Spot pairs of Coinbase, Kraken and KuCoin (each venue's products / AssetPairs / symbols
  // endpoints): quote_increment or pair_decimals as the tick, base_increment or lot_decimals as
  // the lot. Kraken pair names lose their slash (instrument names are path segments).
  'coinbase:BTC-USD': k('0.01', '0.00000001', 'spot', 'BTC', 'USD'),
  'coinbase:ETH-USD': k('0.01', '0.00000001', 'spot', 'ETH', 'USD'),
  'kraken:XBT-USD': k('0.1', '0.00000001', 'spot', 'XBT', 'USD'),
  'kraken:BTC-USD': k('0.1', '0.00000001', 'spot', 'BTC', 'USD'),
  'kraken:ETH-USD': k('0.01', '0.00000001', 'spot', 'ETH', 'USD'),
  'kucoin:BTC-USDT': k('0.1', '0.00000001', 'spot', 'BTC', 'USDT'),
  // The bundled cryptofeed capture (April 2021): prices with 3 decimals, sizes with 8.
  'kucoin:BCHSV-USDT': k('0.001', '0.00000001', 'spot', 'BCHSV', 'USDT'),
};

/**
 * Deribit option `{CCY}-{expiry}-{strike}-{C|P}` (e.g. BTC-24SEP21-8000-P): the premium is quoted
 * in the coin per coin of underlying and amounts are coins, so the value of a position is
 * amount × premium in the coin — linear with the coin as quote (settlement) currency and
 * multiplier 1. Tick 0.0001 (Deribit's finest step; 0.0005 above a premium of 0.005), lot 0.1 BTC
 * or 1 ETH (Deribit's minimum amounts).
 */
const DERIBIT_OPTION = /^([A-Z]+)-\d{1,2}[A-Z]{3}\d{2}-[\dd.]+-[CP]$/;

/**
 * Deribit inverse futures and perpetuals: `BTC-24SEP21`, `BTC-PERPETUAL`. Amounts are USD (the
 * venue's unit), so one qty unit is 1 USD of face value (multiplier 1) and the contract — 10 USD
 * on BTC, 1 USD on ETH — is the lot.
 */
const DERIBIT_INVERSE_FUTURE = /^([A-Z]+)-(PERPETUAL|\d{1,2}[A-Z]{3}\d{2})$/;

/** Specs that follow from a venue's naming rule rather than one table row (Deribit BTC and ETH options and futures). */
function ruleSpec(venue: VenueId, symbol: string): Known | undefined {
  if (venue !== 'deribit') return undefined;
  const option = DERIBIT_OPTION.exec(symbol);
  if (option && (option[1] === 'BTC' || option[1] === 'ETH')) return k('0.0001', option[1] === 'BTC' ? '0.1' : '1', 'linear', symbol, option[1]);
  const future = DERIBIT_INVERSE_FUTURE.exec(symbol);
  if (future && future[1] === 'BTC') return k('0.5', '10', 'inverse', 'BTC', 'USD');
  if (future && future[1] === 'ETH') return k('0.05', '1', 'inverse', 'ETH', 'USD');
  return undefined;
}

/** Default (lowest-tier, no discount) fee rates per venue and contract type. */
function defaultFees(venue: VenueId, contractType: ContractType, symbol: string): { makerFee: string; takerFee: string } {
  switch (venue) {
    case 'binance-spot':
      return { makerFee: '0.001', takerFee: '0.001' };
    case 'binance-usdm':
      return { makerFee: '0.0002', takerFee: '0.0005' };
    case 'binance-coinm':
      return { makerFee: '0.0002', takerFee: '0.0005' };
    case 'okx':
      return contractType === 'spot' ? { makerFee: '0.0008', takerFee: '0.001' } : { makerFee: '0.0002', takerFee: '0.0005' };
    case 'bybit-spot':
      return { makerFee: '0.001', takerFee: '0.001' };
    case 'bybit-linear':
      return { makerFee: '0.0002', takerFee: '0.00055' };
    case 'hyperliquid':
      // Base tier perps (Hyperliquid docs, fees).
      return { makerFee: '0.00015', takerFee: '0.00045' };
    case 'deribit':
      // Options: 0.0003 coin a contract capped at 12.5% of the premium. A rate of notional cannot
      // say "per contract", so options carry the cap: exact for premiums up to 0.0024, an upper
      // bound (never an undercharge) above. Futures and perpetuals: maker 0, taker 0.05%.
      return DERIBIT_OPTION.test(symbol) ? { makerFee: '0.125', takerFee: '0.125' } : { makerFee: '0', takerFee: '0.0005' };
    case 'bitmex':
      // Perpetuals and futures at capture time (2021): maker rebate 0.025%, taker 0.075%.
      return { makerFee: '-0.00025', takerFee: '0.00075' };
    case 'coinbase':
      // Advanced Trade, lowest volume tier.
      return { makerFee: '0.006', takerFee: '0.012' };
    case 'kraken':
      // Kraken Pro spot, lowest volume tier.
      return { makerFee: '0.0025', takerFee: '0.004' };
    case 'kucoin':
      // Spot class A pairs, VIP 0.
      return { makerFee: '0.001', takerFee: '0.001' };
  }
}

const QUOTES = ['FDUSD', 'USDT', 'USDC', 'BUSD', 'TUSD', 'USD', 'EUR', 'TRY', 'BTC', 'ETH', 'BNB'];

function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

function unitOf(decimals: number): string {
  return decimals === 0 ? '1' : `0.${'0'.repeat(decimals - 1)}1`;
}

/** Contract type, base and quote read from the symbol's shape on each venue. */
function deriveFromSymbol(venue: VenueId, symbol: string): Pick<Known, 'contractType' | 'baseCurrency' | 'quoteCurrency' | 'multiplier'> {
  if (venue === 'hyperliquid') {
    // Spot pairs are `PURR/USDC` or `@{index}`; every other coin name is a USDC perp.
    if (symbol.includes('/')) return { contractType: 'spot', baseCurrency: symbol.split('/')[0]!, quoteCurrency: symbol.split('/')[1]!, multiplier: '1' };
    if (symbol.startsWith('@')) return { contractType: 'spot', baseCurrency: symbol, quoteCurrency: 'USDC', multiplier: '1' };
    return { contractType: 'linear', baseCurrency: symbol, quoteCurrency: 'USDC', multiplier: '1' };
  }
  // BitMEX XBT/USD-style contracts are inverse, 1 USD a contract. Other BitMEX names do not say
  // whether they are linear or quanto (settled in XBT): derived as linear with multiplier 1.
  if (venue === 'bitmex' && /^XBT(USD|EUR)/.test(symbol)) return { contractType: 'inverse', baseCurrency: 'XBT', quoteCurrency: symbol.slice(3, 6), multiplier: '1' };
  if (venue === 'deribit') {
    const option = DERIBIT_OPTION.exec(symbol);
    if (option) return { contractType: 'linear', baseCurrency: symbol, quoteCurrency: option[1]!, multiplier: '1' };
    const future = DERIBIT_INVERSE_FUTURE.exec(symbol);
    if (future) return { contractType: 'inverse', baseCurrency: future[1]!, quoteCurrency: 'USD', multiplier: '1' };
    const [base = symbol, rest = ''] = symbol.split('_');
    return { contractType: 'linear', baseCurrency: base, quoteCurrency: rest.split('-')[0] || 'USDC', multiplier: '1' };
  }
  if (venue === 'coinbase' || venue === 'kraken' || venue === 'kucoin') {
    // Spot only: BASE-QUOTE (Kraken's BASE/QUOTE is stored as BASE-QUOTE).
    const [base = symbol, quote = ''] = symbol.split('-');
    return { contractType: 'spot', baseCurrency: base, quoteCurrency: quote, multiplier: '1' };
  }
  if (venue === 'okx') {
    const parts = symbol.split('-');
    const base = parts[0] ?? symbol;
    const quote = parts[1] ?? '';
    if (parts.length === 2) return { contractType: 'spot', baseCurrency: base, quoteCurrency: quote, multiplier: '1' };
    if (quote === 'USD') return { contractType: 'inverse', baseCurrency: base, quoteCurrency: quote, multiplier: base === 'BTC' ? '100' : '10' };
    return { contractType: 'linear', baseCurrency: base, quoteCurrency: quote, multiplier: '1' };
  }
  const pair = symbol.split('_')[0] ?? symbol;
  const quote = QUOTES.find((q) => pair.endsWith(q) && pair.length > q.length) ?? '';
  const base = quote === '' ? pair : pair.slice(0, -quote.length);
  if (venue === 'binance-coinm') return { contractType: 'inverse', baseCurrency: base, quoteCurrency: quote || 'USD', multiplier: base === 'BTC' ? '100' : '10' };
  const contractType: ContractType = venue === 'binance-spot' || venue === 'bybit-spot' ? 'spot' : 'linear';
  return { contractType, baseCurrency: base, quoteCurrency: quote, multiplier: '1' };
}

/**
 * Metadata for a venue symbol. Known symbols use the table; others derive tick and lot from the
 * observed decimals (tick = 10^-priceDecimals). Storage precision is never below what was observed,
 * so every observed value is exactly representable.
 */
export function instrumentSpec(venue: VenueId, symbol: string, observed?: { priceDecimals: number; sizeDecimals: number }): InstrumentSpec {
  const known = KNOWN[`${venue}:${symbol}`] ?? ruleSpec(venue, symbol);
  if (known !== undefined) {
    return {
      venue,
      symbol,
      ...known,
      priceDecimals: Math.max(decimalsOf(known.tickSize), observed?.priceDecimals ?? 0),
      sizeDecimals: Math.max(decimalsOf(known.lotSize), observed?.sizeDecimals ?? 0),
      ...defaultFees(venue, known.contractType, symbol),
      known: true,
    };
  }
  const derived = deriveFromSymbol(venue, symbol);
  const priceDecimals = observed?.priceDecimals ?? 8;
  const sizeDecimals = observed?.sizeDecimals ?? 8;
  return {
    venue,
    symbol,
    ...derived,
    tickSize: unitOf(priceDecimals),
    lotSize: unitOf(sizeDecimals),
    priceDecimals,
    sizeDecimals,
    ...defaultFees(venue, derived.contractType, symbol),
    known: false,
  };
}

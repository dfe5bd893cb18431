/** The protocol of each supported venue. */
import { ChassisError } from '@chassis/core';
import type { VenueId } from '../formats/records.ts';
import { binanceProtocol } from './binance-protocol.ts';
import { bitmexProtocol } from './bitmex-protocol.ts';
import { bybitProtocol } from './bybit-protocol.ts';
import { coinbaseProtocol } from './coinbase-protocol.ts';
import { deribitProtocol } from './deribit-protocol.ts';
import { hyperliquidProtocol } from './hyperliquid-protocol.ts';
import { krakenProtocol } from './kraken-protocol.ts';
import { kucoinProtocol } from './kucoin-protocol.ts';
import { okxProtocol } from './okx-protocol.ts';
import type { VenueProtocol } from './venue-protocol.ts';

export function venueProtocol(venue: VenueId): VenueProtocol {
  switch (venue) {
    case 'binance-spot':
    case 'binance-usdm':
    case 'binance-coinm':
      return binanceProtocol(venue);
    case 'okx':
      return okxProtocol();
    case 'bybit-spot':
    case 'bybit-linear':
      return bybitProtocol(venue);
    case 'hyperliquid':
      return hyperliquidProtocol();
    case 'deribit':
      return deribitProtocol();
    case 'bitmex':
      return bitmexProtocol();
    case 'kraken':
      return krakenProtocol();
    case 'coinbase':
      return coinbaseProtocol();
    case 'kucoin':
      return kucoinProtocol();
    default:
      throw new ChassisError('E_UNSUPPORTED_VENUE', `no connector for venue "${String(venue)}"`);
  }
}

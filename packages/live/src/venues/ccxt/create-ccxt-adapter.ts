/**
 * The ccxt adapter, loaded on first use: importing ccxt costs ~0.8 CPU-s (its 100+ exchanges),
 * which every other `chassis` command would otherwise pay at start-up. Code that runs a ccxt
 * session creates the adapter through this; the class itself is exported as a type only.
 */
import type { CcxtVenueAdapter, CcxtVenueAdapterOptions } from './ccxt-venue-adapter.ts';

export async function createCcxtVenueAdapter(options: CcxtVenueAdapterOptions): Promise<CcxtVenueAdapter> {
  const { CcxtVenueAdapter: Adapter } = await import('./ccxt-venue-adapter.ts');
  return new Adapter(options);
}

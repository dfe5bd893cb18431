/**
 * Maker/taker fees of the simulated venue, exact in the instrument's settlement units: the
 * core's contract value (@chassis/core contract-value.ts) × rate, so the venue charges exactly
 * what the engine books. Linear/spot: fee = price × qty × multiplier × ppm / 10^6 in quote
 * units; inverse (Binance COIN-M, OKX coin-margined): fee = qty × multiplier / price × ppm /
 * 10^6 in base units of 10^-settlementDecimals. Rounded toward +∞ — in the venue's favour: a fee
 * is never undercharged and a rebate (negative ppm) never overpaid.
 * Example (linear, m = 1): 3 notional units at 100 ppm = 0.0003 → 1; at -100 ppm = -0.0003 → 0.
 */
import { contractFeeUnits } from '@chassis/core';

/** The venue's fee is the core's contract fee: one implementation, so venue and engine never disagree. */
export const feeUnits = contractFeeUnits;

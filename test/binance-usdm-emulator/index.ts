/**
 * A local Binance USDⓈ-M futures venue for tests and demos (README.md): signed REST, the user data
 * stream, rate limits and faults, market data replayed from the real capture.
 *
 *   const venue = await startBinanceUsdmEmulator({ speed: 1 });
 *   // REST at venue.restBaseUrl, market data at venue.wsBaseUrl, user stream at venue.userStreamBaseUrl
 *   venue.faults.dropNextOrderAnswer();
 *   await venue.stop();
 */
export { startBinanceUsdmEmulator, DOCS_API_KEY, DOCS_API_SECRET } from './emulator.ts';
export type { BinanceUsdmEmulator, BinanceUsdmEmulatorOptions } from './emulator.ts';
export type { EmulatorFaults } from './faults.ts';
export { hmacSha256Hex } from './signed-request.ts';
export { SYMBOL, INSTRUMENT } from './symbol-spec.ts';

// Where the bundled real market captures live (copied byte-for-byte from their public
// sources with their LICENSE files; sha256 list in README.md). Tests and benchmarks read
// them from here so a fresh clone needs nothing outside the repository.
import { resolve } from 'node:path';

export const dataFixturesDir: string = resolve(import.meta.dirname);
export const hftbacktestDir: string = resolve(dataFixturesDir, 'binance-hftbacktest');
export const cryptofeedDir: string = resolve(dataFixturesDir, 'cryptofeed');
export const leanDir: string = resolve(dataFixturesDir, 'lean');
/** Coinbase, Kraken and KuCoin fixtures: a real KuCoin excerpt and messages written from each venue's documentation (README.md there). */
export const venueDocsDir: string = resolve(dataFixturesDir, 'venue-docs');

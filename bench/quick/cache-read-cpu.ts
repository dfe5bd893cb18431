/**
 * One fresh process's read of every dataset of a data root through the columnar decode cache (not
 * a bench section): CPU seconds and GB/s of cache bytes, the first read in the process, so every
 * chunk's CRC-32 is checked (cache-checks.ts) as in a backtest's single pass. Builds the cache
 * first when missing. For A/B run it alternately from two checkouts.
 *   node --import tsx bench/quick/cache-read-cpu.ts /tmp/chassis-bench-synthetic-<hash>/data
 */
import { execFileSync } from 'node:child_process';
import { openCatalog, openStorage, readCanonical, crc32Implementation } from '@chassis/storage';

const root = process.argv[2] ?? '/tmp/chassis-quick/data';
const storage = openStorage(root);
const metas = await openCatalog(storage).list();
const bytes = Number(execFileSync('du', ['-sb', `${root}/derived/columnar`], { encoding: 'utf8' }).split('\t')[0]);
const c0 = process.cpuUsage();
const t0 = performance.now();
let rows = 0;
for (const m of metas) for await (const b of readCanonical(storage, m)) rows += b.length;
const cu = process.cpuUsage(c0);
const cpu = (cu.user + cu.system) / 1e6;
console.log(`${rows} rows, ${(bytes / 1e9).toFixed(2)} GB of cache: CPU ${cpu.toFixed(2)} s (${(bytes / 1e9 / cpu).toFixed(2)} GB/CPU-s), wall ${((performance.now() - t0) / 1000).toFixed(2)} s; CRC-32 by ${crc32Implementation()} at the end`);

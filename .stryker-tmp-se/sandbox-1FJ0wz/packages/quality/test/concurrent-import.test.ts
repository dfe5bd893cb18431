// @ts-nocheck
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openCatalog, openStorage } from '@chassis/storage';
import { dataFixturesDir } from '../../../examples/data/index.ts';

const run = promisify(execFile);
const CHILD = join(import.meta.dirname, 'import-child.ts');
const HFT = `${dataFixturesDir}/binance-hftbacktest`;

interface Reported {
  readonly id: string;
  readonly outcome: string;
  readonly version: number;
}

async function importIn(root: string, file: string): Promise<Reported[]> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, root, file], { cwd: join(import.meta.dirname, '../../..'), maxBuffer: 1 << 24 });
  return JSON.parse(stdout) as Reported[];
}

describe('two chassis imports running at the same time against one data root', () => {
  it('both land completely in the catalog when they import different captures', async () => {
    const root = mkdtempSync(join(tmpdir(), 'chassis-conc-'));
    const [btc, eth] = await Promise.all([importIn(root, `${HFT}/spot_btcusdt_20240808.gz`), importIn(root, `${HFT}/spot_ethusdt_20240808.gz`)]);
    expect([...btc, ...eth].every((d) => d.outcome === 'promoted')).toBe(true);
    const ids = (await openCatalog(openStorage(root)).list()).map((d) => d.id).sort();
    expect(ids).toEqual([...btc, ...eth].map((d) => d.id).sort());
    // both captures cross midnight UTC: book_delta, trade and bbo for two days each, minus empty ones
    expect(new Set(ids).size).toBe(btc.length + eth.length);
  });

  it('record each dataset once, at version 1, when they import the same capture', async () => {
    const root = mkdtempSync(join(tmpdir(), 'chassis-conc-'));
    const [a, b] = await Promise.all([importIn(root, `${HFT}/spot_ethusdt_20240808.gz`), importIn(root, `${HFT}/spot_ethusdt_20240808.gz`)]);
    expect(a.map((d) => d.id)).toEqual(b.map((d) => d.id));
    // each dataset was written by exactly one of the two processes
    for (let i = 0; i < a.length; i++) expect([a[i]!.outcome, b[i]!.outcome].sort()).toEqual(['already_present', 'promoted']);
    const all = await openCatalog(openStorage(root)).list();
    expect(all.map((d) => d.id).sort()).toEqual(a.map((d) => d.id).sort());
    expect(all.every((d) => d.version === 1)).toBe(true);
  });
});

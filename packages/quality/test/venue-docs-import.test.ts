/**
 * Coinbase, Kraken and KuCoin through the quality gate: each fixture of examples/data/venue-docs
 * (a real KuCoin excerpt, messages written from Coinbase's and Kraken's documentation) imports
 * with every dataset promoted, and a tampered copy has its book dataset split or quarantined at
 * the tampered message, named by raw file and line.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStorage } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { venueDocsDir } from '../../../examples/data/index.ts';

const FIXTURES = [
  ['coinbase', 'coinbase-advanced-btcusd.raw.jsonl', ['BTC-USD']],
  ['coinbase', 'coinbase-exchange-ethusd.jsonl', ['ETH-USD']],
  ['kraken', 'kraken-v1-xbtusd.txt', ['XBT-USD']],
  ['kraken', 'kraken-v2-btcusd.jsonl', ['BTC-USD']],
  ['kucoin', 'KUCOIN.ws.1.0', ['BCHSV-USDT']],
] as const;

describe.each(FIXTURES)('%s fixture %s', (venue, name, symbols) => {
  it('imports through the quality gate with every dataset promoted and 0 gaps', async () => {
    const r = await importCapture(openStorage(mkdtempSync(join(tmpdir(), 'chassis-vd-'))), join(venueDocsDir, name));
    expect(r.datasets.length).toBeGreaterThanOrEqual(2);
    for (const d of r.datasets) {
      expect(d.outcome).toBe('promoted');
      expect(d.meta.venue).toBe(venue);
      expect(d.meta.gaps).toEqual([]);
    }
    expect(new Set(r.datasets.map((d) => d.meta.symbol))).toEqual(new Set(symbols));
  });
});

/** A copy of a fixture with `edit` applied to its lines (0-based), beside copies of `companions`. */
function tampered(name: string, edit: (lines: string[]) => string[], companions: readonly string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'chassis-vd-tamper-'));
  for (const c of companions) copyFileSync(join(venueDocsDir, c), join(dir, c));
  const path = join(dir, name);
  writeFileSync(path, edit(readFileSync(join(venueDocsDir, name), 'utf8').split('\n')).join('\n'));
  return path;
}

const nth = (lines: readonly string[], pattern: RegExp, n: number): number => lines.map((l, i) => (pattern.test(l) ? i : -1)).filter((i) => i >= 0)[n]!;

const CASES = [
  {
    venue: 'coinbase', instrument: 'BTC-USD', kind: 'a removed l2_data message (sequence_num gap)',
    file: tampered('coinbase-advanced-btcusd.raw.jsonl', (lines) => lines.filter((_, i) => i !== nth(lines, /"l2_data"/, 20))),
    line: (lines: string[]) => nth(lines, /"l2_data"/, 20) + 1,
  },
  {
    venue: 'kraken', instrument: 'XBT-USD', kind: 'a changed volume (checksum)',
    file: tampered('kraken-v1-xbtusd.txt', (lines) => {
      const i = nth(lines, /"c":"\d+"/, 10);
      lines[i] = lines[i]!.replace(/"(\d+\.\d{8})"/, (_, v: string) => `"${(Number(v) + 0.00000001).toFixed(8)}"`);
      return lines;
    }),
    line: (lines: string[]) => nth(lines, /"c":"\d+"/, 10) + 1,
  },
  {
    venue: 'kucoin', instrument: 'BCHSV-USDT', kind: 'two swapped updates (sequence)',
    file: tampered('KUCOIN.ws.1.0', (lines) => {
      const i = nth(lines, /"sequenceStart":1613277183920/, 0);
      [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
      return lines;
    }, ['KUCOIN.http.0.0']),
    line: (lines: string[]) => nth(lines, /"sequenceStart":1613277183921/, 0) + 1,
  },
];

describe.each(CASES)('$venue fixture with $kind', ({ venue, instrument, file, line }) => {
  const at = line(readFileSync(file, 'utf8').split('\n'));

  it('is split at the tampered message under the split gap policy', async () => {
    const r = await importCapture(openStorage(mkdtempSync(join(tmpdir(), 'chassis-vd-'))), file);
    const book = r.datasets.filter((d) => d.meta.kind === 'book_delta' && d.meta.symbol === instrument);
    expect(book.length).toBeGreaterThan(0);
    expect(book[0]!.meta.venue).toBe(venue);
    expect(book[0]!.meta.gaps[0]!.location).toMatch(new RegExp(`/${file.split('/').pop()!.replace(/\./g, '\\.')}:${at}$`));
  });

  it('is quarantined, naming the line, under the quarantine gap policy', async () => {
    const r = await importCapture(openStorage(mkdtempSync(join(tmpdir(), 'chassis-vd-'))), file, { config: { gapPolicy: 'quarantine' } });
    const book = r.datasets.find((d) => d.meta.kind === 'book_delta' && d.meta.symbol === instrument)!;
    expect(book.outcome).toBe('quarantined');
    expect(book.reason).toContain(`:${at}`);
  });
});

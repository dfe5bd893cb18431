/**
 * The venue integrity checks of Hyperliquid, Deribit and BitMEX acting through the quality gate:
 * a tampered copy of each real capture imports with its book dataset split (gap policy `split`)
 * or quarantined (`quarantine`) at the tampered message, named by raw file and line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openStorage } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { cryptofeedDir, hftbacktestDir } from '../../../examples/data/index.ts';

/** A copy of `file` with `edit` applied to its lines, named like it (without .gz). */
function tampered(file: string, name: string, edit: (lines: string[]) => string[]): string {
  const bytes = readFileSync(file);
  const text = file.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  const path = join(mkdtempSync(join(tmpdir(), 'chassis-venue-tamper-')), name);
  writeFileSync(path, edit(text.split('\n')).join('\n'));
  return path;
}

const lineOf = (lines: readonly string[], pattern: RegExp, nth = 0): number => lines.map((l, i) => (pattern.test(l) ? i : -1)).filter((i) => i >= 0)[nth]!;

const CASES = [
  {
    venue: 'hyperliquid', instrument: 'BTC', kind: 'a size set to zero',
    file: tampered(`${hftbacktestDir}/hyperliquid_btcusd_20250126.gz`, 'hyperliquid.txt', (lines) => {
      const i = lineOf(lines, /"channel":"l2Book"/, 10);
      lines[i] = lines[i]!.replace(/"sz":"[\d.]+"/, '"sz":"0.0"');
      return lines;
    }),
    line: (lines: string[]) => lineOf(lines, /"channel":"l2Book"/, 10) + 1,
  },
  {
    venue: 'deribit', instrument: 'BTC-24SEP21-8000-P', kind: 'a removed change (tickers removed too)',
    file: tampered(`${cryptofeedDir}/DERIBIT.ws.1.0`, 'DERIBIT.ws.1.0', (lines) => {
      const kept = lines.filter((l) => !l.includes('"channel":"ticker.'));
      const i = lineOf(kept, /"book\.BTC-24SEP21-8000-P\.raw".*"type":"change"/, 3);
      return kept.filter((_, k) => k !== i);
    }),
    // The change after the removed one: the 4th change of the tampered file.
    line: (lines: string[]) => lineOf(lines, /"book\.BTC-24SEP21-8000-P\.raw".*"type":"change"/, 3) + 1,
  },
  {
    venue: 'bitmex', instrument: 'XBTUSD', kind: 'a removed insert',
    file: tampered(`${cryptofeedDir}/BITMEX.ws.1.0`, 'BITMEX.ws.1.0', (lines) => lines.filter((_, k) => k !== 74)),
    line: (lines: string[]) => lineOf(lines, /"action":"(update|delete)".*"id":8796765400/) + 1,
  },
];

describe.each(CASES)('$venue capture with $kind', ({ venue, instrument, file, line }) => {
  const at = line(readFileSync(file, 'utf8').split('\n'));

  it('is split at the tampered message under the split gap policy', async () => {
    const r = await importCapture(openStorage(mkdtempSync(join(tmpdir(), 'chassis-vi-'))), file);
    const book = r.datasets.filter((d) => d.meta.kind === 'book_delta' && d.meta.symbol === instrument);
    expect(book.length).toBeGreaterThan(0);
    expect(book[0]!.meta.venue).toBe(venue);
    expect(book[0]!.meta.gaps[0]!.location).toMatch(new RegExp(`/${file.split('/').pop()!.replace(/\./g, '\\.')}:${at}$`));
  });

  it('is quarantined, naming the line, under the quarantine gap policy', async () => {
    const r = await importCapture(openStorage(mkdtempSync(join(tmpdir(), 'chassis-vi-'))), file, { config: { gapPolicy: 'quarantine' } });
    const book = r.datasets.find((d) => d.meta.kind === 'book_delta' && d.meta.symbol === instrument)!;
    expect(book.outcome).toBe('quarantined');
    expect(book.reason).toContain(`:${at}`);
  });
});

import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsStorage, openCatalog } from '@chassis/storage';
import type { NormalizedRecord, SyncIssueRecord } from '@chassis/venues';
import { runGate } from './gate.ts';

const FILE = 'window.jsonl';
const T0 = 1_723_161_000_000_000_000n;

/** One line of a made-up feed: book, trade or quote of an instrument at line n (1 ms apart). */
function lineOf(n: number, instrument: string, kind: 'snapshot' | 'diff' | 'trade' | 'bbo'): NormalizedRecord {
  const head = { venue: 'binance-usdm' as const, instrument, tsEventNs: T0 + BigInt(n) * 1_000_000n, tsLocalNs: T0 + BigInt(n) * 1_000_000n, source: { file: FILE, line: n } };
  if (kind === 'trade') return { ...head, kind, tradeId: String(n), price: '100.5', size: '1', aggressor: 'buy' };
  if (kind === 'bbo') return { ...head, kind, updateId: BigInt(n), bidPrice: '100', bidSize: '1', askPrice: '101', askSize: '1' };
  return { ...head, kind: 'book_delta', updateId: BigInt(n), isSnapshot: kind === 'snapshot', bids: [['100', String(n)]], asks: [['101', '1']] };
}

async function gate(records: readonly NormalizedRecord[]) {
  const storage = new FsStorage(mkdtempSync(join(tmpdir(), 'chassis-gate-')));
  const provenance = { rawKeys: [FILE], sourceFiles: [FILE], sourceSha256: ['0'], tsLocalFromEvent: false };
  return runGate(storage, openCatalog(storage), { batches: (async function* () { yield records; })(), provenance, label: FILE }, { runId: 'gate-test' });
}

describe('the gate on a gap of the whole feed (instrument-less gap: a malformed frame from the venue)', () => {
  const gapLine = 5;
  const feedGap: SyncIssueRecord = {
    kind: 'sync_issue', venue: 'binance-usdm', instrument: '', tsEventNs: T0 + 5_000_000n, tsLocalNs: T0 + 5_000_000n,
    source: { file: FILE, line: gapLine }, issue: 'gap', message: `malformed frame from the venue: Unexpected end of JSON input (line ${gapLine} of ${FILE})`,
  };
  const records = [
    lineOf(1, 'AAA', 'snapshot'), lineOf(2, 'AAA', 'diff'), lineOf(3, 'AAA', 'trade'), lineOf(4, 'AAA', 'bbo'),
    feedGap,
    lineOf(6, 'AAA', 'diff'), lineOf(7, 'AAA', 'trade'), lineOf(8, 'AAA', 'bbo'), lineOf(9, 'AAA', 'snapshot'), lineOf(10, 'AAA', 'diff'),
    lineOf(11, 'BBB', 'snapshot'), lineOf(12, 'BBB', 'trade'),
  ];

  it('splits the book of an instrument seen before it there (the part after it starts with a diff: Incomplete) and quarantines nothing', async () => {
    const { datasets } = await gate(records);
    expect(datasets.filter((d) => d.outcome === 'quarantined')).toEqual([]);
    const books = datasets.filter((d) => d.meta.symbol === 'AAA' && d.meta.kind === 'book_delta').sort((a, b) => a.meta.segment - b.meta.segment);
    expect(books.map((d) => [d.meta.rows / 2, d.outcome, d.meta.gaps.map((g) => g.location)])).toEqual([
      [2, 'promoted', [`${FILE}:${gapLine}`]], // lines 1-2 up to the gap
      [3, 'incomplete', [`${FILE}:${gapLine}`]], // lines 6, 9, 10: starts with a diff after the gap
    ]);
    expect(books[0]!.meta.checks.find((c) => c.name === 'sequence')).toMatchObject({ status: 'warn', count: 1, location: `${FILE}:${gapLine}` });
  });

  it('keeps the trades and quotes of an instrument seen before it whole, with the gap in their gaps list and a feed_gaps warning', async () => {
    const { datasets } = await gate(records);
    for (const kind of ['trade', 'bbo'] as const) {
      const [only, ...more] = datasets.filter((d) => d.meta.symbol === 'AAA' && d.meta.kind === kind);
      expect(more).toEqual([]);
      expect(only).toMatchObject({ outcome: 'promoted', meta: { rows: 2, gaps: [{ atNs: feedGap.tsEventNs, location: `${FILE}:${gapLine}` }] } });
      expect(only!.meta.checks.find((c) => c.name === 'feed_gaps')).toMatchObject({ status: 'warn', count: 1 });
    }
  });

  it('leaves an instrument first seen after it untouched and lists the gap once for the whole source', async () => {
    const { datasets, sourceGaps } = await gate(records);
    const bbb = datasets.filter((d) => d.meta.symbol === 'BBB');
    expect(bbb.map((d) => [d.meta.kind, d.outcome, d.meta.gaps])).toEqual([['book_delta', 'promoted', []], ['trade', 'promoted', []]]);
    expect(sourceGaps).toEqual([{ atNs: feedGap.tsEventNs, location: `${FILE}:${gapLine}`, message: `gap: ${feedGap.message}` }]);
  });

  it('quarantines a gap with no instrument under gapPolicy quarantine only for the book, as a sequence gap', async () => {
    const storage = new FsStorage(mkdtempSync(join(tmpdir(), 'chassis-gate-')));
    const provenance = { rawKeys: [FILE], sourceFiles: [FILE], sourceSha256: ['0'], tsLocalFromEvent: false };
    const { datasets } = await runGate(storage, openCatalog(storage), { batches: (async function* () { yield records; })(), provenance, label: FILE }, { runId: 'gate-test', config: { gapPolicy: 'quarantine' } });
    const aaa = datasets.filter((d) => d.meta.symbol === 'AAA');
    expect(aaa.filter((d) => d.outcome === 'quarantined').map((d) => d.meta.kind)).toEqual(['book_delta', 'book_delta']);
    expect(aaa.filter((d) => d.meta.kind !== 'book_delta').map((d) => d.outcome)).toEqual(['promoted', 'promoted']);
  });
});

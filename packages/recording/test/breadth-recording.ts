/**
 * Issue 14, recording half: one instrument of a new venue recorded from the venue server
 * replaying its real capture in the venue's own protocol, promoted by the quality gate
 * (`chassis quality run`), then backtested with `chassis backtest`. Oracles: the server's own
 * log of what it sent (raw must hold every frame byte for byte), and a direct import
 * (`chassis import`) of those served messages written as a `<ns> <json>` capture: both
 * canonical datasets must hold the same records (every column but the local capture time,
 * which differs by construction).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCapture, runPendingManifests, type ManifestRun } from '@chassis/quality';
import { FsStorage, openCatalog, readCanonical, type CanonicalBatch, type Storage } from '@chassis/storage';
import type { RecordChannel, VenueId } from '@chassis/venues';
import {
  finishRecording,
  multisetDifferences,
  rawLines,
  removeRecordingRoots,
  startRecording,
  type Recording,
} from './venue-recording.ts';

const REPO_ROOT = join(import.meta.dirname, '../../..');
const run = promisify(execFile);
const CHANNELS: readonly RecordChannel[] = ['depth', 'trade', 'bbo'];

export interface BreadthCase {
  readonly venue: VenueId & ('hyperliquid' | 'deribit' | 'bitmex' | 'kraken' | 'coinbase');
  /** The canonical instrument name (path-safe: Kraken's `BTC/USD` is `BTC-USD`). */
  readonly instrument: string;
  /** The venue's own symbol to subscribe, when it differs from the instrument name. */
  readonly symbol?: string;
  /** Canonical kinds the served data holds, sorted. */
  readonly kinds: readonly string[];
}

/** Event time, or `local` where the venue gives none and the reader took the capture time (BitMEX orderBookL2). */
function eventTime(b: CanonicalBatch, i: number): string {
  return b.tsEventNs[i] === b.tsLocalNs[i] ? 'local' : String(b.tsEventNs[i]);
}

function rowText(b: CanonicalBatch, i: number): string {
  switch (b.kind) {
    case 'book_delta':
      return `${eventTime(b, i)} u${b.updateId[i]} b${b.batchId[i]} s${b.isSnapshot[i]} ${b.side[i]} ${b.price[i]}x${b.size[i]}`;
    case 'trade':
      return `${eventTime(b, i)} ${b.tradeId[i]} ${b.aggressor[i]} ${b.price[i]}x${b.size[i]}`;
    case 'bbo':
      return `${eventTime(b, i)} u${b.updateId[i]} ${b.bidPrice[i]}x${b.bidSize[i]} / ${b.askPrice[i]}x${b.askSize[i]}`;
  }
}

/** Every canonical record of an instrument, per kind, as text without its local capture time. */
export async function canonicalRecords(
  storage: Storage,
  venue: VenueId,
  instrument: string,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const ds of await openCatalog(storage).find({ venue, instrument })) {
    for await (const b of readCanonical(storage, ds) as AsyncIterable<CanonicalBatch>) {
      const rows = (out[b.kind] ??= []);
      for (let i = 0; i < b.length; i++) rows.push(rowText(b, i));
    }
  }
  return out;
}

/** `chassis backtest` (market-maker example) as a subprocess on a data root: completes, no diagnostic, >5 market events. */
export async function expectBacktestCompletes(root: string, venue: VenueId, instrument: string): Promise<void> {
  const args = ['packages/cli/bin/chassis.js', 'backtest', '--data', root, '--venue', venue, '--instrument', instrument, '--strategy', 'examples/strategies/market-maker.ts', '--json'];
  const { stdout } = await run('node', args, { cwd: REPO_ROOT, timeout: 60_000, maxBuffer: 1 << 24 });
  const r = JSON.parse(stdout) as { status: string; diagnostic: unknown; marketEvents: number };
  expect(r.diagnostic).toBeNull();
  expect(r.status).toBe('completed');
  expect(r.marketEvents).toBeGreaterThan(5);
}

const outcomes = (runs: readonly ManifestRun[]) =>
  runs.flatMap((r) => r.results.flatMap((g) => g.datasets.map((d) => d.outcome)));

/** The end-to-end specification of one venue; each venue's test file calls it (one file per venue keeps each under 30 s). */
export function describeVenueRecording({ venue, instrument, symbol = instrument, kinds: expectedKinds }: BreadthCase): void {
  describe(`recording ${venue} ${instrument} from the venue server (capture or fixture replayed at 10x)`, () => {
    let rec: Recording;
    let runs: ManifestRun[];
    let importRoot: string;
    let importStorage: FsStorage;

    beforeAll(async () => {
      rec = await startRecording({ venue, symbols: [symbol], channels: CHANNELS, server: { venue, speed: 10 } });
      await finishRecording(rec);
      runs = await runPendingManifests(rec.storage);
      // The oracle: what the server sent, as a `<ns> <json>` capture (JSON frames only; keep-alive replies are not market data).
      const served = rec.venue.served.map((f) => f.text).filter((t) => t.startsWith('{'));
      importRoot = mkdtempSync(join(tmpdir(), 'chassis-e2e-import-'));
      const file = join(importRoot, `${venue}-served.txt`);
      const t0 = rec.frames[0]!.tsCaptureNs;
      writeFileSync(file, served.map((t, i) => `${t0 + BigInt(i) * 1_000n} ${t}\n`).join(''));
      importStorage = new FsStorage(join(importRoot, 'data'));
      const imported = await importCapture(importStorage, file);
      expect(imported.datasets.map((d) => d.outcome)).not.toContain('rejected');
    }, 60_000);

    afterAll(() => {
      removeRecordingRoots();
      rmSync(importRoot, { recursive: true, force: true });
    });

    it('records every frame the server sent exactly once, byte for byte, in its own protocol', () => {
      const ws = rawLines(rec.root, venue, rec.feed).map((l) => l.frame);
      expect(rec.venue.served.filter((f) => f.kind === 'data').length).toBeGreaterThan(5);
      expect(
        multisetDifferences(
          rec.venue.served.map((f) => f.text),
          ws,
        ),
      ).toEqual([]);
      expect(rec.events.filter((e) => e.type === 'gap' || e.type === 'malformed')).toEqual([]);
    });

    it('is promoted by the quality gate, one dataset per kind of data served', async () => {
      expect(outcomes(runs).length).toBeGreaterThan(0);
      expect(outcomes(runs).every((o) => o === 'promoted')).toBe(true);
      const kinds = new Set((await openCatalog(rec.storage).find({ venue, instrument })).map((d) => d.kind));
      expect([...kinds].sort()).toEqual(expectedKinds);
    });

    it('verifies the venue integrity check on every message: no gap in any dataset or source', () => {
      const results = runs.flatMap((r) => r.results);
      expect(results.flatMap((g) => g.sourceGaps)).toEqual([]);
      expect(results.flatMap((g) => g.datasets.flatMap((d) => d.meta.gaps))).toEqual([]);
    });

    it('holds the same canonical records as a direct import of the messages the server sent', async () => {
      const recorded = await canonicalRecords(rec.storage, venue, instrument);
      const imported = await canonicalRecords(importStorage, venue, instrument);
      expect(recorded['book_delta']!.length).toBeGreaterThan(0);
      expect(recorded).toEqual(imported);
    });

    it('backtests on the recorded, promoted data with chassis backtest', async () => {
      await expectBacktestCompletes(rec.root, venue, instrument);
    }, 60_000);
  });
}

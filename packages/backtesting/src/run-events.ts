/**
 * The full event stream of a run directory, for consumers that need every event (replay, the
 * paper-vs-backtest comparison, tests). `readJournal` yields what journal.bin stores; a backtest
 * journal (format 2) stores only the run's own events and, per block, the seqs it stands for
 * and a digest of the market events among them. This reader regenerates those market events
 * from the run's datasets through the same feeder the run used (run-feed.ts), gives each the
 * seq of the next gap in the block, and checks the block's digest before yielding the block's
 * events in seq order. A session journal or an older run (format 1) is read as it is.
 *
 * Failures name what differs: E_RUN_DATASET_MISSING / E_RUN_DATASET_CHANGED (dataset id,
 * expected and actual content hash), E_RUN_MARKET_DIGEST (block index, its seq range, expected
 * and actual digest), E_RUN_MARKET_ENDED (the datasets hold fewer market events than the
 * journal stands for).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ChassisError, type Event, type MarketEvent } from '@chassis/core';
import { FORMAT_INLINE, journalBlocks, journalFormat, readJournal, type JournalBlock } from './journal/journal.ts';
import { MarketDigest } from './journal/market-digest.ts';
import { HistoricalFeeder } from './feeder.ts';
import { openRunDatasets, recordedRunFeed } from './run-feed.ts';
import { readRunManifest } from './run-manifest.ts';
import type { ResolvedRun } from './resolved-run.ts';

export interface RunEventsOptions {
  /** Data root holding the run's datasets (default: the manifest's `dataRoot`, else the root above `experiments/<run-id>`). */
  readonly dataRoot?: string | undefined;
  /** Recompute each dataset's content hash from its files before reading it (default true). */
  readonly verifyDatasets?: boolean;
}

/** Every event of the run in seq order, market events regenerated from its datasets (module comment). */
export async function* readRunEvents(runDir: string, options: RunEventsOptions = {}): AsyncGenerator<Event> {
  const path = join(runDir, 'journal.bin');
  if (journalFormat(path) === FORMAT_INLINE) {
    yield* readJournal(path);
    return;
  }
  const market = await openRunMarket(runDir, options);
  for (const block of journalBlocks(path)) yield* await market.blockEvents(block);
}

/** The data root of a run directory: given, recorded in its manifest, or the root its `experiments/<id>` directory lies in. */
export function runDataRoot(runDir: string, given?: string): string {
  if (given !== undefined) return given;
  const manifest = readRunManifest(runDir);
  if (manifest.status !== 'failed' && manifest.dataRoot !== undefined) {
    const recorded = isAbsolute(manifest.dataRoot) ? manifest.dataRoot : resolve(runDir, manifest.dataRoot);
    if (existsSync(recorded)) return recorded;
  }
  return resolve(runDir, '..', '..');
}

/** Regenerates a format-2 journal's market events block by block. */
export class RunMarket {
  private readonly digest = new MarketDigest();

  constructor(
    private readonly path: string,
    private readonly feeder: HistoricalFeeder,
    private readonly datasets: string,
  ) {}

  /** The block's events in seq order: its records, and the market events for the other seqs of its range, digest checked. */
  async blockEvents(block: JournalBlock): Promise<Event[]> {
    const ref = block.market;
    if (ref === null) return [...block.events];
    const out: Event[] = [];
    const records = block.events;
    let r = 0;
    this.digest.reset();
    for (let seq = ref.fromSeq; seq <= ref.toSeq; seq++) {
      const own = records[r];
      if (own !== undefined && own.seq === seq) {
        out.push(own);
        r++;
        continue;
      }
      const e = await this.next(block, seq);
      (e as { seq: number }).seq = seq;
      this.digest.add(e);
      out.push(e);
    }
    const digest = this.digest.hex();
    if (digest !== ref.digest)
      throw new ChassisError(
        'E_RUN_MARKET_DIGEST',
        `${this.path}: block ${block.index} (seqs ${ref.fromSeq}..${ref.toSeq}, ${ref.events} market events): the market events regenerated from ${this.datasets} digest to ${digest}, the run recorded ${ref.digest}; the first difference is at a market seq in ${ref.fromSeq}..${ref.toSeq}`,
        { details: { block: block.index, fromSeq: ref.fromSeq, toSeq: ref.toSeq, expected: ref.digest, actual: digest } },
      );
    return out;
  }

  private async next(block: JournalBlock, seq: number): Promise<MarketEvent> {
    for (;;) {
      const e = this.feeder.next();
      if (e !== null) return e;
      if (!this.feeder.needsRefill)
        throw new ChassisError(
          'E_RUN_MARKET_ENDED',
          `${this.path}: block ${block.index} stands for a market event at seq ${seq}, but the market data of ${this.datasets} ended after ${this.feeder.emitted} events`,
        );
      await this.feeder.refill();
    }
  }
}

/** Opens the datasets of a format-2 run (verified, run-feed.ts) and its feeder. */
export async function openRunMarket(runDir: string, options: RunEventsOptions = {}): Promise<RunMarket> {
  let run: ResolvedRun;
  try {
    run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as ResolvedRun;
  } catch (err) {
    throw new ChassisError('E_RUN_DIR', `${runDir} is not a completed run directory (run.json): ${(err as Error).message}`);
  }
  const manifest = readRunManifest(runDir);
  const repeat = manifest.status !== 'failed' ? (manifest.repeat ?? 1) : 1;
  const dataRoot = runDataRoot(runDir, options.dataRoot);
  const { storage, datasets } = await openRunDatasets(run, dataRoot, { verifyContent: options.verifyDatasets !== false });
  const feeder = await HistoricalFeeder.open(recordedRunFeed(run, storage, datasets, repeat).sources);
  const ids = run.datasets.map((d) => d.id).join(', ');
  return new RunMarket(join(runDir, 'journal.bin'), feeder, `datasets ${ids}${repeat > 1 ? ` ×${repeat}` : ''} in ${dataRoot}`);
}

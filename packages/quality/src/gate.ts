import type { NormalizedRecord, SourceRef, VenueId } from '@chassis/venues';
import {
  canonicalPrefix,
  contentHash,
  DatasetPartsWriter,
  utcDay,
  type CanonicalKind,
  type Catalog,
  type CheckResult,
  type DatasetMeta,
  type DatasetState,
  type GapRecord,
  type InstrumentMeta,
  type Provenance,
  type StateTransition,
  type Storage,
} from '@chassis/storage';
import { BookChecker } from './book-checker.ts';
import { CheckCounter } from './checks.ts';
import { ColumnBuilder } from './column-builder.ts';
import { RecordAdmission } from './record-admission.ts';
import { POW10, scan } from './decimal-scan.ts';
import { DEFAULT_GATE_CONFIG, type GateConfig } from './gate-config.ts';
import { defaultInstrumentMeta, type InstrumentResolver } from './instrument-meta.ts';

const KINDS: readonly CanonicalKind[] = ['book_delta', 'trade', 'bbo'];
const SIDE_ASK = 1;
const AGGRESSOR: Record<string, number> = { buy: 0, sell: 1, unknown: 2 };

interface Segment {
  /** Rows not yet written; replaced by a fresh builder after each spilled part. */
  builder: ColumnBuilder;
  /** Parts already written to staging (large segments only), with their first/last event time. */
  parts: DatasetPartsWriter | undefined;
  partsStartNs: bigint;
  partsEndNs: bigint;
  readonly index: number;
  readonly day: string;
  /** [dayStartNs, dayEndNs): the UTC day of the segment, so the per-record test is two compares. */
  readonly dayStartNs: bigint;
  readonly dayEndNs: bigint;
  /** Segment this one continues without a gap (split at a UTC day boundary). */
  readonly continuesFromIndex: number | undefined;
  startsWithSnapshot: boolean | undefined;
  readonly gapsBefore: GapRecord[];
  gapAfter: GapRecord | undefined;
  /** Gaps of the whole feed inside a trade or bbo segment, which goes on across them (no sequence to resync). */
  readonly gapsWithin: GapRecord[];
  /** Source of the first and last record (formatted to file:line only when written out). */
  first: SourceRef;
  last: SourceRef;
}

const DAY_NS = 86_400_000_000_000n;

/** Everything the gate tracks for one venue+instrument of a source. */
class InstrumentTrack {
  readonly segments: Record<CanonicalKind, Segment[]> = { book_delta: [], trade: [], bbo: [] };
  readonly book = new BookChecker();
  readonly admission = new RecordAdmission();
  lastTsLocal = -1n;
  bookMessages = 0;
  readonly c = {
    schema: new CheckCounter('schema', KINDS),
    sequence: new CheckCounter('sequence', ['book_delta']),
    checksum: new CheckCounter('checksum', ['book_delta']),
    ordering: new CheckCounter('ordering', KINDS),
    duplicates: new CheckCounter('duplicates', KINDS),
    staleDropped: new CheckCounter('stale_dropped', ['book_delta']),
    sizes: new CheckCounter('sizes', KINDS),
    crossed: new CheckCounter('crossed_book', ['book_delta']),
    tradeBand: new CheckCounter('trade_vs_book', ['trade']),
    spread: new CheckCounter('spread', ['bbo']),
    feedGaps: new CheckCounter('feed_gaps', ['trade', 'bbo']),
  };
  constructor(
    readonly venue: VenueId,
    readonly symbol: string,
  ) {}

  /** A sequence gap or checksum mismatch: the book is split here and resyncs at the next snapshot. */
  bookGap(counter: CheckCounter, gap: GapRecord, detail: string): void {
    counter.hit(gap.location, detail);
    this.book.synced = false;
    const last = this.segments.book_delta[this.segments.book_delta.length - 1];
    if (last && last.gapAfter === undefined) last.gapAfter = gap;
  }

  /**
   * A gap of the whole feed (a malformed frame from the venue: what it carried is unknown): the
   * book splits as at a sequence gap; trades and quotes go on, with the gap on record.
   */
  feedGap(gap: GapRecord, detail: string): void {
    this.bookGap(this.c.sequence, gap, detail);
    this.c.feedGaps.hit(gap.location, detail);
    for (const kind of ['trade', 'bbo'] as const) this.segments[kind][this.segments[kind].length - 1]?.gapsWithin.push(gap);
  }

  current(kind: CanonicalKind, tsEventNs: bigint, source: SourceRef): Segment {
    const list = this.segments[kind];
    const last = list[list.length - 1];
    if (last && last.gapAfter === undefined && tsEventNs >= last.dayStartNs && tsEventNs < last.dayEndNs) {
      last.last = source;
      return last;
    }
    const dayStartNs = tsEventNs - (((tsEventNs % DAY_NS) + DAY_NS) % DAY_NS);
    const seg: Segment = {
      builder: new ColumnBuilder(kind),
      parts: undefined,
      partsStartNs: 0n,
      partsEndNs: 0n,
      index: list.length,
      day: utcDay(tsEventNs),
      dayStartNs,
      dayEndNs: dayStartNs + DAY_NS,
      continuesFromIndex: last && last.gapAfter === undefined ? last.index : undefined,
      startsWithSnapshot: undefined,
      gapsBefore: last?.gapAfter ? [last.gapAfter] : [],
      gapAfter: undefined,
      gapsWithin: [],
      first: source,
      last: source,
    };
    list.push(seg);
    return seg;
  }
}

function segRows(s: Segment): number {
  return (s.parts?.rows ?? 0) + s.builder.length;
}

/** Writes the segment's rows so far as a staged part at the precision seen so far, and starts afresh. */
async function spill(storage: Storage, kind: CanonicalKind, seg: Segment): Promise<void> {
  const b = seg.builder;
  const batch = b.finish(b.priceDecimals, b.sizeDecimals);
  if (seg.parts === undefined) {
    seg.parts = new DatasetPartsWriter(storage, kind);
    seg.partsStartNs = batch.tsEventNs[0]!;
  }
  seg.partsEndNs = batch.tsEventNs[batch.length - 1]!;
  await seg.parts.append(batch, b.priceDecimals, b.sizeDecimals);
  b.release();
  seg.builder = new ColumnBuilder(kind);
}

export interface GateSource {
  /** Records in processing order, in arrays (e.g. readCaptureBatches of @chassis/venues). */
  readonly batches: AsyncIterable<readonly NormalizedRecord[]>;
  /** Storage key to report instead of a local file path in locations (raw copies). */
  readonly sourceKeys?: ReadonlyMap<string, string>;
  readonly provenance: Provenance;
  /** Venue/instrument override from the user (`--venue`, `--instrument`). */
  readonly label: string;
}

export interface GateDatasetOutcome {
  readonly meta: DatasetMeta;
  readonly outcome: 'promoted' | 'already_present' | 'quarantined' | 'incomplete';
  readonly reason: string;
}

export interface GateResult {
  readonly datasets: readonly GateDatasetOutcome[];
  /** Problems that concern the whole source (e.g. no usable record at all). */
  readonly rejected: readonly { readonly reason: string }[];
  /**
   * Gaps of every instrument of the source (malformed frames from the venue). Each is also on the
   * datasets of the instruments seen before it; an instrument first seen after it starts later anyway.
   */
  readonly sourceGaps: readonly GapRecord[];
  readonly messages: number;
}

function now(): string {
  return new Date().toISOString();
}

/** Records every state transition of a gate run in staging/quality/{runId}.json as it happens. */
class GateJournal {
  readonly transitions: StateTransition[] = [];
  private state: DatasetState | null = null;
  constructor(
    private readonly storage: Storage,
    private readonly key: string,
  ) {}
  async to(next: DatasetState, reason: string): Promise<void> {
    this.transitions.push({ from: this.state, to: next, at: now(), reason });
    this.state = next;
    await this.storage.put(
      this.key,
      new TextEncoder().encode(JSON.stringify({ transitions: this.transitions }, null, 2)),
    );
  }
}

/**
 * The quality gate: Discovered → In Validation → Validated → Normalized → Promotable →
 * Promoted, or Quarantined / Incomplete / Rejected, for every dataset a source yields (one per
 * venue, instrument, kind, UTC day and gap-free segment). Nothing reaches canonical/ otherwise.
 */
export async function runGate(
  storage: Storage,
  catalog: Catalog,
  source: GateSource,
  options: { config?: Partial<GateConfig>; instrumentMeta?: InstrumentResolver; runId: string },
): Promise<GateResult> {
  const config: GateConfig = { ...DEFAULT_GATE_CONFIG, ...options.config };
  const journal = new GateJournal(storage, `staging/quality/${options.runId}.json`);
  await journal.to('Discovered', `source ${source.label}`);
  await journal.to('InValidation', 'reading records');

  const tracks = new Map<string, InstrumentTrack>();
  const globalSchema = new CheckCounter('schema', KINDS);
  const sourceGaps: GapRecord[] = [];
  let messages = 0;
  let batchId = 0n;
  const keys = source.sourceKeys;
  const where = (ref: SourceRef): string => `${keys?.get(ref.file) ?? ref.file}:${ref.line}`;
  // Records of one instrument come in runs: remember the last track instead of a keyed lookup.
  let lastTrack: InstrumentTrack | undefined;
  const trackOf = (r: NormalizedRecord): InstrumentTrack => {
    if (lastTrack !== undefined && lastTrack.symbol === r.instrument && lastTrack.venue === r.venue) return lastTrack;
    const key = `${r.venue}|${r.instrument}`;
    let t = tracks.get(key);
    if (!t) tracks.set(key, (t = new InstrumentTrack(r.venue, r.instrument)));
    return (lastTrack = t);
  };
  /** The float value of the decimal just scanned by setPrice/setSize (for checks only), NaN if none. */
  const scanned = (ok: boolean): number => (ok ? scan.units / POW10[scan.decimals]! : NaN);

  try {
    for await (const batch of source.batches) {
      for (let k = 0; k < batch.length; k++) {
        const r = batch[k]!;
        messages++;
        if (r.kind === 'sync_issue') {
          const t = r.instrument ? trackOf(r) : undefined;
          switch (r.issue) {
            case 'parse_error':
            case 'unknown_field':
              (t?.c.schema ?? globalSchema).hit(where(r.source), `${r.issue}: ${r.message}`);
              break;
            case 'gap':
            case 'checksum_mismatch': {
              const gap = { atNs: r.tsEventNs, location: where(r.source), message: `${r.issue}: ${r.message}` };
              if (t) t.bookGap(r.issue === 'gap' ? t.c.sequence : t.c.checksum, gap, r.message);
              else if (r.issue === 'gap') {
                // No instrument: the gap concerns every instrument of the feed.
                sourceGaps.push(gap);
                for (const each of tracks.values()) if (each.venue === r.venue) each.feedGap(gap, r.message);
              }
              break;
            }
            case 'duplicate':
              t?.c.duplicates.hit(where(r.source), r.message);
              break;
            case 'stale_dropped':
              t?.c.staleDropped.hit(where(r.source), r.message);
              break;
          }
          continue;
        }
        const t = trackOf(r);
        if (r.tsLocalNs < t.lastTsLocal)
          t.c.ordering.hit(where(r.source), `ts_local_ns ${r.tsLocalNs} < previous ${t.lastTsLocal}`);
        else t.lastTsLocal = r.tsLocalNs;

        if (r.kind === 'book_delta') {
          const uid = r.updateId ?? -1n;
          const lastUid = t.admission.lastBookUpdateId;
          const admission = t.admission.admit(r);
          if (admission !== 'admit') {
            if (admission === 'repeated_book_update') t.c.duplicates.hit(where(r.source), `book update ${uid} repeated`);
            else t.c.sequence.hit(where(r.source), `book update ${uid} after ${lastUid}`);
            continue; // never store a repeated or backwards update: the book would apply it twice
          }
          const seg = t.current('book_delta', r.tsEventNs, r.source);
          seg.startsWithSnapshot ??= r.isSnapshot;
          const b = seg.builder;
          const id = batchId++;
          const snap = r.isSnapshot ? 1 : 0;
          t.bookMessages++;
          if (r.isSnapshot) {
            t.book.clear();
            t.book.synced = true;
          }
          for (let s = 0; s < 2; s++) {
            const levels = s === 0 ? r.bids : r.asks;
            for (let j = 0; j < levels.length; j++) {
              const level = levels[j]!;
              const i = b.row(r.tsEventNs, r.tsLocalNs);
              b.updateId.data[i] = uid;
              b.batchId.data[i] = id;
              b.isSnapshot.data[i] = snap;
              b.side.data[i] = s;
              const p = scanned(b.setPrice(0, i, level[0]));
              const q = scanned(b.setSize(0, i, level[1]));
              if (Number.isNaN(p) || Number.isNaN(q))
                t.c.schema.hit(where(r.source), `not a decimal: ${level[0]} ${level[1]}`);
              if (q < 0 || !(p > 0)) {
                t.c.sizes.hit(where(r.source), `book level ${level[0]} x ${level[1]}`);
                continue;
              }
              t.book.set(s === SIDE_ASK, p, q);
            }
          }
          if (t.book.synced && t.book.hasBothSides && t.book.bestBid >= t.book.bestAsk) {
            t.c.crossed.hit(
              where(r.source),
              `${t.book.bestBid === t.book.bestAsk ? 'locked' : 'crossed'} book bid ${t.book.bestBid} ask ${t.book.bestAsk} after update ${uid}`,
            );
          }
          if (b.length >= config.partRows) await spill(storage, 'book_delta', seg);
        } else if (r.kind === 'trade') {
          if (t.admission.admit(r) !== 'admit') {
            t.c.duplicates.hit(where(r.source), `trade ${r.tradeId} repeated`);
            continue;
          }
          const seg = t.current('trade', r.tsEventNs, r.source);
          const b = seg.builder;
          const i = b.row(r.tsEventNs, r.tsLocalNs);
          b.tradeId[i] = r.tradeId;
          b.aggressor.data[i] = AGGRESSOR[r.aggressor] ?? 2;
          const p = scanned(b.setPrice(0, i, r.price));
          const q = scanned(b.setSize(0, i, r.size));
          if (Number.isNaN(p) || Number.isNaN(q))
            t.c.schema.hit(where(r.source), `not a decimal: ${r.price} ${r.size}`);
          if (!(p > 0) || !(q > 0)) t.c.sizes.hit(where(r.source), `trade ${r.tradeId} ${r.price} x ${r.size}`);
          if (
            t.book.synced &&
            t.book.hasBothSides &&
            (p < t.book.bestBid * (1 - config.tradeBand) || p > t.book.bestAsk * (1 + config.tradeBand))
          ) {
            t.c.tradeBand.hit(
              where(r.source),
              `trade ${r.tradeId} at ${r.price} vs book ${t.book.bestBid}/${t.book.bestAsk}`,
            );
          }
          if (b.length >= config.partRows) await spill(storage, 'trade', seg);
        } else {
          const uid = r.updateId ?? -1n;
          if (t.admission.admit(r) !== 'admit') {
            t.c.duplicates.hit(where(r.source), `bbo update ${uid} repeated`);
            continue;
          }
          const seg = t.current('bbo', r.tsEventNs, r.source);
          const b = seg.builder;
          const i = b.row(r.tsEventNs, r.tsLocalNs);
          b.updateId.data[i] = uid;
          const bid = scanned(b.setPrice(0, i, r.bidPrice));
          const bidSize = scanned(b.setSize(0, i, r.bidSize));
          const ask = scanned(b.setPrice(1, i, r.askPrice));
          const askSize = scanned(b.setSize(1, i, r.askSize));
          if (Number.isNaN(bid) || Number.isNaN(bidSize) || Number.isNaN(ask) || Number.isNaN(askSize))
            t.c.schema.hit(where(r.source), `not a decimal in bbo`);
          if (!(bid > 0) || !(ask > 0) || bidSize < 0 || askSize < 0)
            t.c.sizes.hit(where(r.source), `bbo ${r.bidPrice}/${r.askPrice}`);
          else if (ask < bid || (ask - bid) / ((ask + bid) / 2) > config.maxSpreadRatio)
            t.c.spread.hit(where(r.source), `bbo ${r.bidPrice}/${r.askPrice}`);
          if (b.length >= config.partRows) await spill(storage, 'bbo', seg);
        }
      }
    }
  } catch (err) {
    // Nothing of a failed source stays behind, not even staged parts.
    for (const t of tracks.values()) for (const k of KINDS) for (const seg of t.segments[k]) await seg.parts?.abort();
    throw err;
  }

  const result: GateDatasetOutcome[] = [];
  const rejected: { reason: string }[] = [];
  if (tracks.size === 0) {
    const reason =
      globalSchema.count > 0
        ? `no usable record: ${globalSchema.count} schema problems, first at ${globalSchema.location}: ${globalSchema.firstDetail}`
        : 'no market records in source';
    await journal.to('Rejected', reason);
    rejected.push({ reason });
    return { datasets: result, rejected, sourceGaps, messages };
  }
  await journal.to('Validated', `${messages} records read, ${tracks.size} instrument(s)`);

  for (const t of tracks.values()) {
    if (globalSchema.count > 0) t.c.schema.hit(globalSchema.location!, globalSchema.firstDetail!);
    const checks = evaluate(t, config);
    let pd = 0;
    let sd = 0;
    for (const k of KINDS)
      for (const s of t.segments[k]) {
        if (s.builder.length > 0) {
          pd = Math.max(pd, s.builder.priceDecimals);
          sd = Math.max(sd, s.builder.sizeDecimals);
        }
        if (s.parts) {
          pd = Math.max(pd, s.parts.decimals.priceDecimals);
          sd = Math.max(sd, s.parts.decimals.sizeDecimals);
        }
      }
    const instrument: InstrumentMeta = (options.instrumentMeta ?? defaultInstrumentMeta)(t.venue, t.symbol, {
      priceDecimals: pd,
      sizeDecimals: sd,
    });
    await journal.to(
      'Normalized',
      `${t.venue} ${t.symbol}: decimal strings scaled to ${instrument.priceDecimals}/${instrument.sizeDecimals} decimals`,
    );
    for (const kind of KINDS) {
      const ids: string[] = [];
      for (const seg of t.segments[kind]) {
        if (segRows(seg) === 0) continue;
        const parts = seg.parts;
        const tail =
          seg.builder.length > 0 ? seg.builder.finish(instrument.priceDecimals, instrument.sizeDecimals) : undefined;
        let hash: string;
        let startNs: bigint;
        let endNs: bigint;
        if (parts) {
          // A large segment: the tail joins the staged parts; the hash is computed from the files.
          startNs = seg.partsStartNs;
          endNs = tail ? tail.tsEventNs[tail.length - 1]! : seg.partsEndNs;
          if (tail) await parts.append(tail, instrument.priceDecimals, instrument.sizeDecimals);
          hash = await parts.seal(instrument);
        } else {
          startNs = tail!.tsEventNs[0]!;
          endNs = tail!.tsEventNs[tail!.length - 1]!;
          hash = contentHash(tail!, instrument);
        }
        const rows = segRows(seg) - (parts && tail ? tail.length : 0);
        const id = `ds_${hash.slice(0, 24)}`;
        ids[seg.index] = id;
        const failing = checks.filter((c) => c.status === 'fail' && checkKinds(t, c.name).includes(kind));
        const continuesFrom = seg.continuesFromIndex !== undefined ? ids[seg.continuesFromIndex] : undefined;
        const incomplete = kind === 'book_delta' && !seg.startsWithSnapshot && continuesFrom === undefined;
        let state: DatasetState = 'Promoted';
        let reason = 'all checks passed';
        if (failing.length > 0) {
          state = 'Quarantined';
          reason = failing
            .map((c) => `${c.name} failed (${c.count}${c.location ? ` at ${c.location}` : ''}): ${c.detail}`)
            .join('; ');
        } else if (incomplete) {
          state = 'Incomplete';
          reason = `book_delta segment ${seg.index} does not start with a snapshot${seg.gapsBefore[0] ? ` (after ${seg.gapsBefore[0].message} at ${seg.gapsBefore[0].location})` : ''}: the book cannot be rebuilt from it`;
        }
        const base = { id, venue: t.venue, symbol: t.symbol, kind, day: seg.day };
        const transitions: StateTransition[] = [...journal.transitions];
        if (state === 'Promoted')
          transitions.push({ from: 'Normalized', to: 'Promotable', at: now(), reason: 'checks passed' });
        transitions.push({ from: state === 'Promoted' ? 'Promotable' : 'Normalized', to: state, at: now(), reason });
        const gaps = [...seg.gapsBefore, ...seg.gapsWithin, ...(seg.gapAfter ? [seg.gapAfter] : [])];
        const metaFor = (version: number): Omit<DatasetMeta, 'files'> => ({
          ...base,
          contentHash: hash,
          startNs,
          endNs,
          rows,
          version,
          segment: seg.index,
          state,
          prefix: canonicalPrefix(base, state === 'Promoted' ? 'canonical' : 'quarantine'),
          instrument,
          ...(kind === 'book_delta' ? { startsWithSnapshot: seg.startsWithSnapshot ?? false } : {}),
          ...(continuesFrom ? { continuesFrom } : {}),
          gaps,
          checks: checks.filter((c) => checkKinds(t, c.name).includes(kind)),
          transitions,
          provenance: { ...source.provenance, firstLine: where(seg.first), lastLine: where(seg.last) },
          createdAt: now(),
        });
        // Encoded to staging outside the catalog lock (skipped when the catalog already has this
        // content); version, commit and catalog entry under the lock: safe with concurrent imports.
        const writer = parts ?? new DatasetPartsWriter(storage, kind);
        if (!parts && (await catalog.get(id)) === undefined)
          await writer.append(tail!, instrument.priceDecimals, instrument.sizeDecimals);
        let created = false;
        const added = await catalog.record({ ...base, segment: seg.index, contentHash: hash }, async (version) => {
          if (writer.partCount === 0) await writer.append(tail!, instrument.priceDecimals, instrument.sizeDecimals);
          const written = await writer.commit(metaFor(version));
          created = written.created;
          return written.meta;
        });
        if (added.alreadyPresent) await writer.abort();
        seg.builder.release();
        const outcome: GateDatasetOutcome['outcome'] =
          added.alreadyPresent || !created
            ? 'already_present'
            : state === 'Promoted'
              ? 'promoted'
              : state === 'Quarantined'
                ? 'quarantined'
                : 'incomplete';
        result.push({
          meta: added.meta,
          outcome,
          reason: outcome === 'already_present' ? `already present (${added.meta.state})` : reason,
        });
      }
    }
  }
  const promoted = result.filter((d) => d.outcome === 'promoted' || d.outcome === 'already_present').length;
  await journal.to(
    promoted === result.length ? 'Promoted' : 'Quarantined',
    `${promoted}/${result.length} datasets promoted or already present`,
  );
  return { datasets: result, rejected, sourceGaps, messages };
}

function checkKinds(t: InstrumentTrack, name: string): readonly CanonicalKind[] {
  return Object.values(t.c).find((c) => c.name === name)?.kinds ?? KINDS;
}

function evaluate(t: InstrumentTrack, config: GateConfig): CheckResult[] {
  const c = t.c;
  const trades = t.segments.trade.reduce((n, s) => n + segRows(s), 0);
  const gapCount = c.sequence.count + c.checksum.count;
  const gapStatus = gapCount === 0 ? 'pass' : config.gapPolicy === 'split' ? 'warn' : 'fail';
  return [
    c.schema.result(c.schema.count ? 'fail' : 'pass', `${c.schema.count} unparseable or unknown-field messages`),
    c.sequence.result(
      c.sequence.count ? gapStatus : 'pass',
      `${c.sequence.count} sequence gaps${c.sequence.count && config.gapPolicy === 'split' ? ' (dataset split at each)' : ''}`,
    ),
    c.checksum.result(c.checksum.count ? gapStatus : 'pass', `${c.checksum.count} checksum mismatches`),
    c.ordering.result(
      c.ordering.count ? 'warn' : 'pass',
      `${c.ordering.count} records with capture time going backwards`,
    ),
    c.duplicates.result(c.duplicates.count ? 'warn' : 'pass', `${c.duplicates.count} duplicate messages dropped`),
    c.staleDropped.result('pass', `${c.staleDropped.count} diffs before the snapshot dropped (normal sync)`),
    c.sizes.result(c.sizes.count ? 'fail' : 'pass', `${c.sizes.count} negative or zero prices/sizes where not allowed`),
    c.crossed.result(
      c.crossed.count === 0 ? 'pass' : c.crossed.count > config.maxCrossedRatio * t.bookMessages ? 'fail' : 'warn',
      `${c.crossed.count} of ${t.bookMessages} book messages left the book crossed or locked after sync`,
    ),
    c.tradeBand.result(
      c.tradeBand.count === 0 ? 'pass' : c.tradeBand.count > config.maxTradesOutsideRatio * trades ? 'fail' : 'warn',
      `${c.tradeBand.count} of ${trades} trades more than ${config.tradeBand * 100}% outside the book`,
    ),
    c.spread.result(
      c.spread.count ? 'warn' : 'pass',
      `${c.spread.count} bbo with crossed or > ${config.maxSpreadRatio * 100}% spread`,
    ),
    c.feedGaps.result(
      c.feedGaps.count ? 'warn' : 'pass',
      `${c.feedGaps.count} gaps of the whole feed (malformed frames from the venue): data may be missing there`,
    ),
  ];
}

/**
 * Feed health per instrument, as the session must report it to the core (`feed_health`
 * control events; risk denies new quotes on a degraded feed, SPEC.md §5).
 *
 * An instrument becomes **degraded** on any sign that its data may be missing or its book may
 * be wrong: a gap, a silent or lost connection, a resync, a malformed frame, a record that could
 * not be read. It is **restored** only on evidence that the feed flows again and, when its book
 * is subscribed, that the book is in sync:
 * - book instruments: the book is in sync (a snapshot was applied since it was last lost) and a
 *   book sync completed after the degradation (a snapshot record, or the connector's `synced`
 *   for a book that never lost sync, e.g. a reconnect that missed nothing);
 * - trade/quote-only instruments: a market record arrived after the degradation.
 * Each transition is reported once (degraded while degraded adds nothing).
 */

export type FeedHealthListener = (instrumentId: string, state: 'degraded' | 'restored', reason: string) => void;

interface InstrumentHealth {
  degraded: boolean;
  /** The mapper's book is synchronised (a snapshot applied since the last break). */
  bookInSync: boolean;
  /** Evidence since the degradation that the feed flows (and the book synced) again. */
  evidence: string | null;
}

export class FeedHealth {
  private readonly byId = new Map<string, InstrumentHealth>();

  constructor(
    instrumentIds: readonly string[],
    /** Whether the book (depth channel) is subscribed: restoring then needs a synchronised book. */
    private readonly hasBook: boolean,
    private readonly listener: FeedHealthListener,
  ) {
    for (const id of instrumentIds) this.byId.set(id, { degraded: false, bookInSync: false, evidence: null });
  }

  isDegraded(instrumentId: string): boolean {
    return this.byId.get(instrumentId)?.degraded ?? false;
  }

  /** Data may be missing: `null` = every instrument of the feed. */
  degrade(instrumentId: string | null, reason: string): void {
    for (const [id, h] of this.targets(instrumentId)) {
      h.evidence = null;
      if (h.degraded) continue;
      h.degraded = true;
      this.listener(id, 'degraded', reason);
    }
  }

  /** The book lost sync (sequence gap, checksum mismatch, unreadable frame): degraded until a snapshot is applied. */
  bookLost(instrumentId: string | null, reason: string): void {
    for (const [, h] of this.targets(instrumentId)) h.bookInSync = false;
    this.degrade(instrumentId, reason);
  }

  /** A snapshot was applied to the instrument's book. */
  snapshotApplied(instrumentId: string): void {
    const h = this.byId.get(instrumentId);
    if (h === undefined) return;
    h.bookInSync = true;
    if (h.degraded) h.evidence = 'book snapshot applied';
  }

  /** The connector completed a book sync for the instrument (its snapshot is in the frames already handled). */
  bookSynced(instrumentId: string, reason: string): void {
    const h = this.byId.get(instrumentId);
    if (h?.degraded === true && h.bookInSync) h.evidence = `book in sync: ${reason}`;
  }

  /** A market record of the instrument arrived. */
  marketData(instrumentId: string): void {
    const h = this.byId.get(instrumentId);
    if (h?.degraded === true && !this.hasBook) h.evidence ??= 'market data flows again';
  }

  /** Reports `restored` for every degraded instrument whose evidence is complete (call after each frame or event). */
  settle(): void {
    for (const [id, h] of this.byId) {
      if (!h.degraded || h.evidence === null || (this.hasBook && !h.bookInSync)) continue;
      h.degraded = false;
      const reason = h.evidence;
      h.evidence = null;
      this.listener(id, 'restored', reason);
    }
  }

  private *targets(instrumentId: string | null): Iterable<[string, InstrumentHealth]> {
    if (instrumentId === null) {
      yield* this.byId;
      return;
    }
    const h = this.byId.get(instrumentId);
    if (h !== undefined) yield [instrumentId, h];
  }
}

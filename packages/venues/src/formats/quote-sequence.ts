/**
 * Book vs quote: checks that a venue's own best bid/ask messages (BitMEX `quote`, Deribit
 * `ticker`) describe states the rebuilt book really passed through.
 *
 * Venues publish these on another channel than the book, batched or ahead of it (BitMEX quotes
 * arrive in ~1 s batches after the book messages they describe; a Deribit ticker arrives just
 * before the book change with its timestamp), so a quote cannot be compared with the book as it
 * is when the quote arrives. The rule: the quotes of an instrument, in order, must be a
 * subsequence of the book's top-of-book states (best bid price and size, best ask price and
 * size, after each book message). Each quote must equal a state at or after the one the
 * previous quote matched; one with no such state yet waits for later book messages, and if none
 * matches within `waitNs` of capture time it is a mismatch. Quotes still waiting at the end of
 * the input are not judged, nor (the mappers' choice) quotes stamped before the book's snapshot.
 */
import type { L2Book } from './l2-book.ts';

/** Top-of-book states kept per instrument (older ones are forgotten). */
const MAX_STATES = 4096;

/** The comparable text of a best bid/ask; '' for an empty side. */
export function topKey(bidPrice: string, bidSize: string, askPrice: string, askSize: string): string {
  return `${bidPrice} x ${bidSize} / ${askPrice} x ${askSize}`;
}

export function bookTopKey(book: L2Book): string {
  const b = book.bestBid();
  const a = book.bestAsk();
  return topKey(b?.price ?? '', b?.size ?? '', a?.price ?? '', a?.size ?? '');
}

interface TopState {
  readonly key: string;
  /** Line of the book message that left the book in this state. */
  readonly line: number;
}

interface PendingQuote {
  readonly key: string;
  readonly line: number;
  readonly tsLocalNs: bigint;
}

/** A quote that matched no book state in time. */
export interface QuoteMismatch {
  readonly quoteKey: string;
  readonly quoteLine: number;
  /** Line of the first book state it could still have matched. */
  readonly sinceLine: number | null;
  /** The state sharing most of the quote's four fields (the latest on ties). */
  readonly closest: TopState | null;
}

export class QuoteSequenceCheck {
  /** States from the one the last quote matched (index 0) on. */
  private states: TopState[] = [];
  private readonly pending: PendingQuote[] = [];
  /** Quotes matched to a book state so far. */
  matched = 0;

  constructor(private readonly waitNs: bigint) {}

  /** After a book message: records the book's top and lets waiting quotes match it. */
  onBook(key: string, line: number, nowNs: bigint): QuoteMismatch | null {
    const last = this.states[this.states.length - 1];
    if (last === undefined || last.key !== key) {
      this.states.push({ key, line });
      if (this.states.length > MAX_STATES) this.states.splice(0, this.states.length - MAX_STATES);
    }
    while (this.pending.length > 0 && this.pending[0]!.key === key) {
      this.pending.shift();
      this.matched++;
      this.states.splice(0, this.states.length - 1);
    }
    return this.expire(nowNs);
  }

  /** A quote in arrival order. */
  onQuote(key: string, line: number, nowNs: bigint): QuoteMismatch | null {
    const at = this.pending.length === 0 ? this.states.findIndex((s) => s.key === key) : -1;
    if (at >= 0) {
      this.states.splice(0, at);
      this.matched++;
    } else this.pending.push({ key, line, tsLocalNs: nowNs });
    return this.expire(nowNs);
  }

  /** Forgets everything (a snapshot replaced the book, or the book lost sync). */
  reset(): void {
    this.states = [];
    this.pending.length = 0;
  }

  private expire(nowNs: bigint): QuoteMismatch | null {
    const head = this.pending[0];
    if (head === undefined || nowNs - head.tsLocalNs <= this.waitNs) return null;
    const mismatch = { quoteKey: head.key, quoteLine: head.line, sinceLine: this.states[0]?.line ?? null, closest: closest(this.states, head.key) };
    this.reset();
    return mismatch;
  }
}

/** Human text of a mismatch for a sync_issue message. */
export function describeMismatch(m: QuoteMismatch, what: string): string {
  return `${what} (${m.quoteKey}) matches no top of book rebuilt since ${m.sinceLine !== null ? `line ${m.sinceLine}` : 'the snapshot'}${m.closest !== null ? `; closest: line ${m.closest.line} (${m.closest.key})` : ''}`;
}

function closest(states: readonly TopState[], key: string): TopState | null {
  const want = key.split(/ x | \/ /);
  let best: TopState | null = null;
  let bestScore = -1;
  for (const s of states) {
    const have = s.key.split(/ x | \/ /);
    const score = want.reduce((n, v, i) => n + (v === have[i] ? 1 : 0), 0);
    if (score >= bestScore) {
      best = s;
      bestScore = score;
    }
  }
  return best;
}

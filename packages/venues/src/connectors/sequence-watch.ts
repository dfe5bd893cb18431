/**
 * Continuity of the book diffs received on one connection, checked on the frame text without a
 * JSON parse (a depth frame can hold hundreds of levels; we read only the few sequence fields):
 * - Binance spot `U == previous u + 1`, futures `pu == previous u` ("How to manage a local
 *   order book correctly", developers.binance.com spot and USDⓈ-M / COIN-M docs);
 * - OKX `books`: `prevSeqId == previous seqId`; a `snapshot` action restarts the sequence
 *   (okx.com/docs-v5 "Order book channel", seqId / prevSeqId);
 * - Bybit `orderbook.N`: `u == previous u + 1`; a `snapshot` (including the `u = 1` snapshot
 *   Bybit sends after a service restart) replaces the book and is not a gap
 *   (bybit-exchange.github.io/docs/v5/websocket/public/orderbook).
 * The frames themselves are never changed; the watcher only advises the book sync.
 */

export type SequenceStep =
  /** Not a book diff of the watched channel (trade, bbo, ack, pong, ...). */
  | { readonly kind: 'none' }
  /** First diff of a symbol on this connection (Binance: the moment to fetch the snapshot). */
  | { readonly kind: 'first'; readonly symbol: string }
  /** The venue's own snapshot (OKX, Bybit): the book restarts here. */
  | { readonly kind: 'snapshot'; readonly symbol: string }
  | { readonly kind: 'continuous'; readonly symbol: string }
  /** A diff before any snapshot of the symbol on this connection (OKX, Bybit): nothing to check against. */
  | { readonly kind: 'unsynced'; readonly symbol: string }
  | { readonly kind: 'gap'; readonly symbol: string; readonly detail: string };

export interface BookSequenceWatch {
  observe(text: string): SequenceStep;
  /** Forget a symbol's sequence (after a resubscribe: the next message must be a snapshot). */
  reset(symbol: string): void;
}

const NONE: SequenceStep = { kind: 'none' };

/**
 * The raw value of the first `"key":` in `text` at or after `from`: a string's content or a
 * number/literal's text; null when absent. Enough for the flat, escape-free fields we read.
 */
export function fieldText(text: string, key: string, from = 0): string | null {
  const at = text.indexOf(`"${key}":`, from);
  if (at < 0) return null;
  let i = at + key.length + 3;
  while (text.charCodeAt(i) === 32) i++;
  if (text[i] === '"') {
    const end = text.indexOf('"', i + 1);
    return end < 0 ? null : text.slice(i + 1, end);
  }
  let end = i;
  while (end < text.length && !',}] '.includes(text[end] as string)) end++;
  return end > i ? text.slice(i, end) : null;
}

function num(text: string | null): number | null {
  if (text === null) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** Binance diff-depth continuity; `futures` selects `pu` over `U`. */
export function binanceSequenceWatch(futures: boolean): BookSequenceWatch {
  const lastU = new Map<string, number>();
  return {
    observe(text) {
      if (!text.includes('"depthUpdate"')) return NONE;
      const symbol = fieldText(text, 's');
      const U = num(fieldText(text, 'U'));
      const u = num(fieldText(text, 'u'));
      const pu = futures ? num(fieldText(text, 'pu')) : null;
      if (symbol === null || U === null || u === null || (futures && pu === null)) return NONE;
      const prev = lastU.get(symbol);
      if (prev === undefined) {
        lastU.set(symbol, u);
        return { kind: 'first', symbol };
      }
      if (u <= prev) return { kind: 'continuous', symbol }; // a repeat; the reader drops it
      lastU.set(symbol, u);
      if (futures ? pu === prev : U === prev + 1) return { kind: 'continuous', symbol };
      return { kind: 'gap', symbol, detail: futures ? `pu=${pu} != previous u=${prev}` : `U=${U} != previous u+1=${prev + 1}` };
    },
    reset(symbol) {
      lastU.delete(symbol);
    },
  };
}

/** OKX `books` continuity by seqId / prevSeqId. */
export function okxSequenceWatch(channel: string): BookSequenceWatch {
  const lastSeq = new Map<string, number>();
  const marker = `"channel":"${channel}"`;
  return {
    observe(text) {
      if (!text.includes(marker)) return NONE;
      const symbol = fieldText(text, 'instId');
      const action = fieldText(text, 'action');
      const seqId = num(fieldText(text, 'seqId'));
      if (symbol === null || action === null || seqId === null) return NONE;
      if (action === 'snapshot') {
        lastSeq.set(symbol, seqId);
        return { kind: 'snapshot', symbol };
      }
      const prev = lastSeq.get(symbol);
      if (prev === undefined) return { kind: 'unsynced', symbol };
      const prevSeqId = num(fieldText(text, 'prevSeqId'));
      lastSeq.set(symbol, seqId);
      if (prevSeqId === prev) return { kind: 'continuous', symbol };
      return { kind: 'gap', symbol, detail: `prevSeqId=${prevSeqId} != previous seqId=${prev}` };
    },
    reset(symbol) {
      lastSeq.delete(symbol);
    },
  };
}

/** Bybit `orderbook.{depth}` continuity by u; a snapshot (u = 1 included) restarts it. */
export function bybitSequenceWatch(topicPrefix: string): BookSequenceWatch {
  const lastU = new Map<string, number>();
  const marker = `"topic":"${topicPrefix}`;
  return {
    observe(text) {
      if (!text.includes(marker)) return NONE;
      const type = fieldText(text, 'type');
      const symbol = fieldText(text, 's');
      const u = num(fieldText(text, 'u'));
      if (symbol === null || u === null || (type !== 'snapshot' && type !== 'delta')) return NONE;
      if (type === 'snapshot') {
        lastU.set(symbol, u);
        return { kind: 'snapshot', symbol };
      }
      const prev = lastU.get(symbol);
      if (prev === undefined) return { kind: 'unsynced', symbol };
      lastU.set(symbol, u);
      if (u === prev + 1) return { kind: 'continuous', symbol };
      return { kind: 'gap', symbol, detail: `u=${u} != previous u+1=${prev + 1}` };
    },
    reset(symbol) {
      lastU.delete(symbol);
    },
  };
}

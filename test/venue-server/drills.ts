/**
 * Drills: the failures a real venue inflicts on a recorder, switched on per connection or for
 * the whole venue (in process through VenueServer.drill, or over the control API).
 *
 * Connection drills act on one WebSocket connection:
 * - drop            terminate the TCP connection abruptly (no close frame) after N more data frames
 * - malformed       send one frame that is not JSON (the next data frame cut in half) before the Nth data frame
 * - skip-sequence   withhold the Nth book frame (depth / books / orderbook) from this connection
 * - silent          stop sending data; keep answering pings (a feed that goes quiet without closing)
 * - unresponsive    stop sending anything and stop answering pings (a half-open connection)
 * - force-disconnect close the connection N ms after it opened (the venues' 24 h rule, shortened)
 * Venue drills act on requests:
 * - delay-snapshot  hold the next `count` REST depth answers for delayMs
 * - rate-limit      answer the next `count` REST requests or WebSocket upgrades with 429 + Retry-After
 */
export type ConnectionDrill =
  | { readonly kind: 'drop'; readonly afterMessages: number }
  | { readonly kind: 'malformed'; readonly afterMessages: number }
  | { readonly kind: 'skip-sequence'; readonly afterMessages: number }
  | { readonly kind: 'silent' }
  | { readonly kind: 'unresponsive' }
  | { readonly kind: 'force-disconnect'; readonly afterMs: number };

export type VenueDrill =
  | { readonly kind: 'delay-snapshot'; readonly delayMs: number; readonly count?: number }
  | { readonly kind: 'rate-limit'; readonly on: 'rest' | 'ws-upgrade'; readonly retryAfterS: number; readonly count?: number };

export type Drill = ConnectionDrill | VenueDrill;

/**
 * Which connections a connection drill applies to: the ones open now (`all`), the next one to
 * open (`next`), every connection now and later (`every`), or one connection by its server id.
 */
export type DrillTarget = 'all' | 'next' | 'every' | { readonly connectionId: string };

const CONNECTION_DRILLS = new Set(['drop', 'malformed', 'skip-sequence', 'silent', 'unresponsive', 'force-disconnect']);

export function isConnectionDrill(d: Drill): d is ConnectionDrill {
  return CONNECTION_DRILLS.has(d.kind);
}

/** What a connection does with the data frame it is about to send, given its armed drills. */
export type FrameVerdict = 'send' | 'withhold' | 'malformed-then-send' | 'send-then-drop';

/** Counters of one connection's armed drills (each count-based drill fires once). */
export class ConnectionDrillState {
  private readonly armed: { drill: ConnectionDrill; remaining: number }[] = [];
  silent = false;
  unresponsive = false;

  arm(drill: ConnectionDrill): void {
    if (drill.kind === 'silent') this.silent = true;
    else if (drill.kind === 'unresponsive') this.unresponsive = true;
    else if (drill.kind !== 'force-disconnect') this.armed.push({ drill, remaining: Math.max(1, drill.afterMessages) });
  }

  /** Decides one data frame; `isBook` marks frames of a sequenced book channel. */
  next(isBook: boolean): FrameVerdict {
    if (this.silent || this.unresponsive) return 'withhold';
    let verdict: FrameVerdict = 'send';
    for (let i = 0; i < this.armed.length; i++) {
      const a = this.armed[i]!;
      if (a.drill.kind === 'skip-sequence' && !isBook) continue;
      if (--a.remaining > 0) continue;
      this.armed.splice(i--, 1);
      if (a.drill.kind === 'skip-sequence') return 'withhold';
      verdict = a.drill.kind === 'drop' ? 'send-then-drop' : 'malformed-then-send';
    }
    return verdict;
  }
}

/** Venue-level request drills with their remaining counts. */
export class VenueDrillState {
  private delay: { delayMs: number; remaining: number } | null = null;
  private readonly rateLimit = new Map<'rest' | 'ws-upgrade', { retryAfterS: number; remaining: number }>();

  arm(drill: VenueDrill): void {
    if (drill.kind === 'delay-snapshot') this.delay = { delayMs: drill.delayMs, remaining: drill.count ?? 1 };
    else this.rateLimit.set(drill.on, { retryAfterS: drill.retryAfterS, remaining: drill.count ?? 1 });
  }

  /** Delay (ms) for the REST depth answer being made now; 0 when no drill is armed. */
  takeSnapshotDelayMs(): number {
    if (this.delay === null) return 0;
    const ms = this.delay.delayMs;
    if (--this.delay.remaining <= 0) this.delay = null;
    return ms;
  }

  /** Retry-After (s) if this request must be answered 429; null otherwise. */
  takeRateLimit(on: 'rest' | 'ws-upgrade'): number | null {
    const r = this.rateLimit.get(on);
    if (r === undefined) return null;
    if (--r.remaining <= 0) this.rateLimit.delete(on);
    return r.retryAfterS;
  }

  clear(): void {
    this.delay = null;
    this.rateLimit.clear();
  }
}

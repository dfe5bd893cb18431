/**
 * A deliberately plain second implementation of the timeline's merge order (README "Clock
 * model"), for differential tests only: it holds ALL market data up front (no read-ahead window),
 * sorts the exchange side by exchange time with Array.prototype.sort, and at every step sorts
 * the list of candidate next actions by (time, side, rank) and takes the first:
 *
 *   exchange side (side 0): market event at its exchange time (rank 0), request arrival (rank 1)
 *   local side (side 1):    venue answer (rank 0), market event at tsLocal (rank 1),
 *                           control-time event at the earliest obligation's due time (rank 2)
 *
 * Exchange time = clamp(tsEvent + offset, tsLocal − feedWindow, tsLocal). After the last market
 * event reaches the core, only actions up to its tsLocal + end grace are simulated. An answer's
 * tsEventNs is the venue's exchange-side time minus the offset (the venue's own clock). Written from
 * the README, not from timeline.ts; shares only the engine and the simulated venue.
 */
import type { ControlSchedulingObligation, Engine, Event, EventDraft, MarketEvent } from '@chassis/core';
import type { TimelineVenue } from './timeline.ts';

export interface ReferenceOptions {
  readonly engine: Engine;
  readonly venue: TimelineVenue;
  /** Every market event, in feed order. */
  readonly market: readonly MarketEvent[];
  readonly offsetNs: bigint;
  readonly feedWindowNs: bigint;
  readonly endGraceNs: bigint;
  readonly sessionId: string;
}

export interface ReferenceRun {
  readonly events: Event[];
  /** Engine state hash after each step, by the seq of the last event appended in it. */
  readonly stateHashAt: Map<number, string>;
  readonly halted: boolean;
}

type Action = 'exchange-market' | 'request' | 'answer' | 'local-market' | 'control-time';
interface Candidate {
  readonly t: bigint;
  readonly side: number;
  readonly rank: number;
  readonly action: Action;
}

function byTimeSideRank(a: Candidate, b: Candidate): number {
  if (a.t !== b.t) return a.t < b.t ? -1 : 1;
  return a.side - b.side || a.rank - b.rank;
}

export function referenceMerge(o: ReferenceOptions): ReferenceRun {
  const { engine, venue } = o;
  const exchangeTime = (e: MarketEvent): bigint => {
    let x = e.tsEventNs + o.offsetNs;
    if (x > e.tsLocalNs) x = e.tsLocalNs;
    if (x < e.tsLocalNs - o.feedWindowNs) x = e.tsLocalNs - o.feedWindowNs;
    return x;
  };
  const exchangeSide = o.market.map((event) => ({ event, x: exchangeTime(event) })).sort((a, b) => (a.x < b.x ? -1 : a.x > b.x ? 1 : 0));
  const events: Event[] = [];
  const stateHashAt = new Map<number, string>();
  const obligations: ControlSchedulingObligation[] = [];
  let seq = 0;
  let now = 0n;
  let halted = false;

  const append = (draft: EventDraft | Event): void => {
    if (halted) return;
    const event = { ...draft, seq: ++seq } as Event;
    events.push(event);
    now = event.tsLocalNs;
    const result = engine.step(event);
    if (result.violation) {
      halted = true;
      return;
    }
    for (const r of result.requestsSent) {
      seq = r.seq;
      events.push(r);
      venue.submit(r);
    }
    if (result.obligation) {
      // The newest per scope, in the scope's first-seen place.
      const i = obligations.findIndex((ob) => ob.scope === result.obligation!.scope);
      if (i >= 0) obligations[i] = result.obligation;
      else obligations.push(result.obligation);
    }
    stateHashAt.set(seq, engine.stateHash());
    for (const c of result.controlEvents) append(c);
  };

  let ex = 0;
  let loc = 0;
  if (o.market.length > 0) append({ kind: 'session', tsEventNs: o.market[0]!.tsLocalNs, tsLocalNs: o.market[0]!.tsLocalNs, state: 'start', sessionId: o.sessionId });
  while (!halted) {
    const candidates: Candidate[] = [];
    if (ex < exchangeSide.length) candidates.push({ t: exchangeSide[ex]!.x, side: 0, rank: 0, action: 'exchange-market' });
    if (venue.nextRequestArrivalNs() >= 0n) candidates.push({ t: venue.nextRequestArrivalNs(), side: 0, rank: 1, action: 'request' });
    if (venue.nextAnswerNs() >= 0n) candidates.push({ t: venue.nextAnswerNs(), side: 1, rank: 0, action: 'answer' });
    if (loc < o.market.length) candidates.push({ t: o.market[loc]!.tsLocalNs, side: 1, rank: 1, action: 'local-market' });
    const due = [...obligations].sort((a, b) => (a.dueTsLocalNs < b.dueTsLocalNs ? -1 : a.dueTsLocalNs > b.dueTsLocalNs ? 1 : 0))[0];
    if (due) candidates.push({ t: due.dueTsLocalNs, side: 1, rank: 2, action: 'control-time' });
    const graceEnd = loc === o.market.length && loc > 0 ? o.market[loc - 1]!.tsLocalNs + o.endGraceNs : null;
    const next = candidates.filter((c) => graceEnd === null || c.t <= graceEnd).sort(byTimeSideRank)[0];
    if (!next) break;
    switch (next.action) {
      case 'exchange-market':
        venue.onMarketEvent(exchangeSide[ex]!.event, exchangeSide[ex]!.x);
        ex++;
        break;
      case 'request':
        venue.processNextRequest();
        break;
      case 'answer': {
        const answer = venue.popAnswer();
        append({ ...answer, tsEventNs: answer.tsEventNs - o.offsetNs });
        break;
      }
      case 'local-market':
        append(o.market[loc++]!);
        break;
      case 'control-time': {
        obligations.splice(obligations.indexOf(due!), 1);
        if (engine.view.execution.pending().length === 0) break;
        const ts = due!.dueTsLocalNs > now ? due!.dueTsLocalNs : now;
        append({ kind: 'control_time', tsEventNs: ts, tsLocalNs: ts, dueTsLocalNs: due!.dueTsLocalNs, reason: due!.reason, scope: due!.scope, obligationSeq: due!.derivedAtSeq });
        break;
      }
    }
  }
  if (!halted && seq > 0) append({ kind: 'session', tsEventNs: now, tsLocalNs: now, state: 'end', sessionId: o.sessionId });
  return { events, stateHashAt, halted };
}

/**
 * DispatchEcho, from its contract (SPEC: seq is contiguous; the only old-seq events a runtime may
 * hand back are the engine's own RequestSent events, once each, in dispatch order, the same
 * object or a copy equal in every field). Anything else is not an echo, so the engine halts it
 * with seq_contiguous.
 *
 * Mutants these tests leave alive on purpose (equivalent): `want !== event` → `true` (the same
 * object always equals itself field by field; no field is NaN) and `close`'s
 * `dispatched !== NONE` → `true` (it only skips resetting an already empty expectation).
 */
import { describe, expect, it } from 'vitest';
import type { Event, RequestSentEvent } from '../events.ts';
import { DispatchEcho } from './dispatch-echo.ts';

function sent(seq: number, orderId: number): RequestSentEvent {
  return {
    kind: 'request_sent',
    seq,
    tsEventNs: 1_000n + BigInt(seq),
    tsLocalNs: 2_000n + BigInt(seq),
    request: 'new',
    orderId,
    instrument: 'BTCUSDT',
    side: 'buy',
    orderType: 'limit',
    priceUnits: 650_000,
    qtyUnits: 3,
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: false,
    clientTag: 'mm',
  };
}

/** One field of a RequestSent changed to a value a real request could carry. */
const CHANGED: { [K in keyof RequestSentEvent]?: RequestSentEvent[K] } = {
  seq: 99,
  tsEventNs: 7n,
  tsLocalNs: 8n,
  request: 'cancel',
  orderId: 42,
  instrument: 'ETHUSDT',
  side: 'sell',
  orderType: 'market',
  priceUnits: 650_001,
  qtyUnits: 4,
  timeInForce: 'IOC',
  postOnly: true,
  reduceOnly: true,
  clientTag: 'other',
};

function echoExpecting(...requests: RequestSentEvent[]): DispatchEcho {
  const echo = new DispatchEcho();
  echo.expect(requests);
  return echo;
}

describe('DispatchEcho', () => {
  it('takes the dispatched request itself as its echo', () => {
    const r = sent(5, 1);
    expect(echoExpecting(r).take(r)).toBe(true);
  });

  it('takes a copy equal in every field as the echo', () => {
    const r = sent(5, 1);
    expect(echoExpecting(r).take({ ...r })).toBe(true);
  });

  for (const [field, value] of Object.entries(CHANGED)) {
    it(`does not take a copy whose ${field} differs as an echo`, () => {
      const r = sent(5, 1);
      expect(echoExpecting(r).take({ ...r, [field]: value } as Event)).toBe(false);
    });
  }

  it('takes each echo once, in dispatch order', () => {
    const a = sent(5, 1);
    const b = sent(6, 2);
    const echo = echoExpecting(a, b);
    expect(echo.take(b)).toBe(false);
    expect(echo.take(a)).toBe(true);
    expect(echo.take(a)).toBe(false);
    expect(echo.take(b)).toBe(true);
    expect(echo.take(b)).toBe(false);
  });

  it('takes nothing before any dispatch', () => {
    expect(new DispatchEcho().take(sent(5, 1))).toBe(false);
  });

  it('does not take an event of another kind even if its other fields match the request', () => {
    const r = sent(5, 1);
    const notARequest = { ...r, kind: 'order_accepted' } as unknown as Event;
    expect(echoExpecting(r).take(notARequest)).toBe(false);
  });

  it('expects no more echoes once a new event entered the stream', () => {
    const r = sent(5, 1);
    const echo = echoExpecting(r);
    echo.close();
    expect(echo.take(r)).toBe(false);
  });

  it('a new expect replaces the previous dispatches and restarts at the first', () => {
    const a = sent(5, 1);
    const b = sent(6, 2);
    const echo = echoExpecting(a);
    expect(echo.take(a)).toBe(true);
    echo.expect([b]);
    expect(echo.take(a)).toBe(false);
    expect(echo.take(b)).toBe(true);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BINANCE_CLIENT_ORDER_ID_PATTERN, clientOrderIds, sessionTag } from './client-order-id.ts';

const orderIds = fc.oneof(
  fc.integer({ min: 0, max: 1_000_000 }),
  fc.maxSafeInteger().filter((n) => n >= 0),
);
const sessions = fc.string({ minLength: 1, maxLength: 64 });

describe('client order ids', () => {
  it('decode(encode(id)) is the id for every order id and session', () => {
    fc.assert(
      fc.property(sessions, orderIds, (session, id) => {
        const ids = clientOrderIds(session);
        expect(ids.decode(ids.encode(id))).toBe(id);
      }),
    );
  });

  it('every id matches Binance newClientOrderId pattern (at most 36 characters)', () => {
    fc.assert(
      fc.property(sessions, orderIds, (session, id) => {
        const cid = clientOrderIds(session).encode(id);
        expect(cid).toMatch(BINANCE_CLIENT_ORDER_ID_PATTERN);
        expect(cid.length).toBeLessThanOrEqual(36);
      }),
    );
  });

  it('the same session and order id always give the same client id (deterministic)', () => {
    expect(clientOrderIds('s-2026-12-02').encode(42)).toBe(clientOrderIds('s-2026-12-02').encode(42));
    expect(clientOrderIds('s-2026-12-02').encode(42)).toBe(`ch${sessionTag('s-2026-12-02')}-42`);
  });

  it('distinct order ids of one session never share a client id', () => {
    fc.assert(
      fc.property(sessions, orderIds, orderIds, (session, a, b) => {
        fc.pre(a !== b);
        const ids = clientOrderIds(session);
        expect(ids.encode(a)).not.toBe(ids.encode(b));
      }),
    );
  });

  it('an id of another session decodes to null', () => {
    fc.assert(
      fc.property(sessions, sessions, orderIds, (a, b, id) => {
        fc.pre(sessionTag(a) !== sessionTag(b));
        expect(clientOrderIds(b).decode(clientOrderIds(a).encode(id))).toBeNull();
      }),
    );
  });

  it('ids placed by hand or by the venue decode to null', () => {
    const ids = clientOrderIds('s1');
    for (const foreign of [
      'TEST',
      'autoclose-1591702613943',
      'adl_autoclose',
      `${ids.prefix}-`,
      `${ids.prefix}-01`,
      `${ids.prefix}-1.5`,
      `${ids.prefix}-99999999999999999`,
      `${ids.prefix}x-1`,
    ])
      expect(ids.decode(foreign)).toBeNull();
  });

  it('a negative or fractional order id is refused with E_ORDER_ID', () => {
    const ids = clientOrderIds('s1');
    expect(() => ids.encode(-1)).toThrow(/E_ORDER_ID/);
    expect(() => ids.encode(1.5)).toThrow(/E_ORDER_ID/);
  });
});

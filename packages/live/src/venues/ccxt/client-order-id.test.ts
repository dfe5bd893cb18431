import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientOrderIds } from './client-order-id.ts';

const BINANCE_CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

describe('clientOrderIds', () => {
  it('decodes every id it encodes back to the same core order id, within Binance client id syntax', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        (session, orderId) => {
          const ids = clientOrderIds(session);
          const id = ids.encode(orderId);
          expect(id).toMatch(BINANCE_CLIENT_ID);
          expect(ids.decode(id)).toBe(orderId);
        },
      ),
    );
  });

  it('gives the same id for the same session and order id (a restarted session recognises its orders)', () => {
    expect(clientOrderIds('2026-12-02-mm').encode(17)).toBe(clientOrderIds('2026-12-02-mm').encode(17));
  });

  it("treats another session's ids and foreign ids as not ours", () => {
    const ours = clientOrderIds('session-a');
    expect(ours.decode(clientOrderIds('session-b').encode(5))).toBeNull();
    expect(ours.decode('web_3f6286480b194b079870ac75fb6978b7')).toBeNull();
    expect(ours.decode(`${ours.encode(5)}0x`)).toBeNull();
    expect(ours.decode(ours.encode(5).replace(/5$/, '05'))).toBeNull();
  });
});

/** A RequestSent event with the defaults of a plain GTC limit request (test input builder). */
import type { RequestSentEvent } from '@chassis/core';

type Required = Pick<RequestSentEvent, 'seq' | 'tsLocalNs' | 'request' | 'orderId' | 'instrument' | 'side'>;

export function requestSent(fields: Required & Partial<RequestSentEvent>): RequestSentEvent {
  return {
    kind: 'request_sent',
    tsEventNs: fields.tsLocalNs,
    orderType: 'limit',
    priceUnits: 0,
    qtyUnits: 0,
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: false,
    clientTag: '',
    ...fields,
  };
}
